// SPDX-License-Identifier: MIT
// The desktop UI end to end: the real QML window (offscreen), a real SessionServer on
// 127.0.0.1 port 0, and a second, non-UI client (Ana, the owner) acting on the session.
// Any warning while a test runs (QML binding errors, missing properties) fails it.
#include "appcontroller.h"
#include "sessionserver.h"
#include "websocketservice.h"

#include "appwindow.h"
#include "quickitems.h"
#include <QElapsedTimer>
#include <QQmlApplicationEngine>

#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QtQml/QQmlExtensionPlugin>

#include <memory>

Q_IMPORT_QML_PLUGIN(HelpyPlugin)
Q_IMPORT_QML_PLUGIN(Helpy_ClientPlugin)
Q_IMPORT_QML_PLUGIN(Helpy_ModelsPlugin)

using namespace Protocol;

class TestUi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void joinFromTheUiShowsParticipants();
    void helpyAddedElsewhereAppearsAndDisappears();
    void removeActionAbsentForPlainMember();
    void enterSendsAMessage();

    // Connecting to a server that is not (or not any more) a Helpy session ends in a sentence.
    void connectingToAClosedPortSaysRefused();
    void connectingToASilentListenerGivesUpInTime();
    void connectingToAnHttpServerSaysNotHelpy();
    void cancelWhileConnectingStopsAtOnce();
    void aReachedServerThatGoesAwayIsRetried();

private:
    /// Fills in the sign-in page and presses Join for `serverUrl`.
    void startJoin(const QString &serverUrl);
    /// The failure left the sign-in page usable and nothing retrying.
    void verifyGaveUp();
    QQuickItem *item(const QString &objectName) const;
    QQuickItem *participantDelegate(const QString &participantId) const;
    void click(QQuickItem *target, Qt::MouseButton button = Qt::LeftButton);
    void typeInto(const QString &objectName, const QString &text);
    /// Signs in as Ben and joins Ana's session through the sign-in page.
    void joinViaUi();
    /// Ana adds a Helpy; returns its participant id.
    QString ownerAddsHelpy(const QString &name);

    std::unique_ptr<SessionServer> m_server;
    std::unique_ptr<WebSocketService> m_owner;
    QString m_sessionId;
    QString m_inviteCode;
    std::unique_ptr<AppController> m_controller;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QQuickWindow *m_window = nullptr;
};

void TestUi::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("HelpyTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_ui"));
    QQuickStyle::setStyle(QStringLiteral("Fusion"));
}

void TestUi::init()
{
    QSettings().clear(); // no name or server remembered from an earlier run

    m_server = std::make_unique<SessionServer>();
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));

    // Ana owns a session and has an invite code for it.
    m_owner = std::make_unique<WebSocketService>();
    QSignalSpy welcomed(m_owner.get(), &WebSocketService::welcomed);
    m_owner->connectToServer(m_server->url(), QStringLiteral("Ana"));
    QVERIFY(welcomed.wait());
    m_owner->createSession(QStringLiteral("Algebra"), [this](const WebSocketService::Reply &r) {
        if (const auto result = resultOf<CreateSessionResult>(r.ack))
            m_sessionId = result->sessionId;
    });
    QTRY_VERIFY(!m_sessionId.isEmpty());
    QSignalSpy snapshot(m_owner.get(), &WebSocketService::sessionSnapshotReceived);
    m_owner->joinSession(m_sessionId); // subscribes Ana's connection to the events
    QVERIFY(snapshot.wait());
    m_owner->createInvite(m_sessionId, [this](const WebSocketService::Reply &r) {
        if (const auto result = resultOf<CreateInviteResult>(r.ack))
            m_inviteCode = result->inviteCode;
    });
    QTRY_VERIFY(!m_inviteCode.isEmpty());

    m_controller = std::make_unique<AppController>(nullptr);
    m_engine = std::make_unique<QQmlApplicationEngine>();
    loadMainWindow(*m_engine, m_window);
    QVERIFY(m_window);
}

void TestUi::cleanup()
{
    m_engine.reset();
    m_window = nullptr;
    m_controller.reset();
    m_owner.reset();
    m_server.reset();
    m_sessionId.clear();
    m_inviteCode.clear();
}

QQuickItem *TestUi::item(const QString &objectName) const
{
    return findItem(m_window->contentItem(), objectName);
}

QQuickItem *TestUi::participantDelegate(const QString &participantId) const
{
    return item(QStringLiteral("participant_") + participantId);
}

void TestUi::click(QQuickItem *target, Qt::MouseButton button)
{
    QVERIFY(target);
    QVERIFY(target->isVisible());
    const QPointF center = target->mapToScene(QPointF(target->width() / 2, target->height() / 2));
    QTest::mouseClick(m_window, button, Qt::NoModifier, center.toPoint());
}

void TestUi::typeInto(const QString &objectName, const QString &text)
{
    QQuickItem *field = item(objectName);
    QVERIFY2(field, qPrintable(objectName));
    click(field);
    QTRY_VERIFY(field->hasActiveFocus());
    QTest::keyClick(m_window, Qt::Key_A, Qt::ControlModifier); // replace what is there
    for (const QChar c : text) // QTest has no keyClicks(QWindow *) in 6.4
        QTest::keyClick(m_window, c.toLatin1());
    QCOMPARE(field->property("text").toString(), text);
}

void TestUi::joinViaUi()
{
    QVERIFY(item(QStringLiteral("signInPage")));
    typeInto(QStringLiteral("nameField"), QStringLiteral("Ben"));
    typeInto(QStringLiteral("serverField"), m_server->url().toString());
    typeInto(QStringLiteral("inviteCodeField"), m_inviteCode);
    QQuickItem *join = item(QStringLiteral("joinButton"));
    QVERIFY(join && join->isEnabled());
    click(join);
    QTRY_VERIFY(item(QStringLiteral("sessionPage")));
    QQuickItem *list = item(QStringLiteral("participantList"));
    QVERIFY(list);
    QTRY_COMPARE(list->property("count").toInt(), 2);
    QTRY_VERIFY(participantDelegate(m_owner->userId()));
    QTRY_VERIFY(participantDelegate(m_controller->userId()));
}

QString TestUi::ownerAddsHelpy(const QString &name)
{
    QSignalSpy changes(m_owner.get(), &WebSocketService::participantChanged);
    m_owner->sendParticipantAdded(m_sessionId, ParticipantType::Helpy, {}, name);
    QString helpyId;
    [&] {
        QTRY_VERIFY(!changes.isEmpty());
        const auto event = changes.constLast().at(0).value<ParticipantChangeEvent>();
        QCOMPARE(event.type, ParticipantChangeEvent::Type::Added);
        QCOMPARE(event.participant.displayName, name);
        helpyId = event.participantId;
    }();
    return helpyId;
}

void TestUi::joinFromTheUiShowsParticipants()
{
    joinViaUi();
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(item(QStringLiteral("sessionTitle"))->property("text").toString(), u"Algebra");
    QCOMPARE(m_server->participants(m_sessionId).size(), 2);

    QQuickItem *ana = participantDelegate(m_owner->userId());
    QCOMPARE(ana->property("displayName").toString(), u"Ana");
    QCOMPARE(ana->property("role").toString(), u"owner");
    QCOMPARE(ana->property("presence").toString(), u"online");
    QQuickItem *ben = participantDelegate(m_controller->userId());
    QCOMPARE(ben->property("isSelf").toBool(), true);
    QCOMPARE(ben->property("role").toString(), u"member");
    QVERIFY(item(QStringLiteral("messageList")));
}

void TestUi::helpyAddedElsewhereAppearsAndDisappears()
{
    joinViaUi();
    if (QTest::currentTestFailed())
        return;
    QQuickItem *list = item(QStringLiteral("participantList"));

    const QString helpyId = ownerAddsHelpy(QStringLiteral("Math Helpy"));
    QVERIFY(!helpyId.isEmpty());
    QTRY_VERIFY(participantDelegate(helpyId));
    QCOMPARE(list->property("count").toInt(), 3);
    QQuickItem *delegate = participantDelegate(helpyId);
    QCOMPARE(delegate->property("isHelpy").toBool(), true);
    QQuickItem *badge = delegate->findChild<QQuickItem *>(QStringLiteral("helpyBadge"));
    QVERIFY(badge && badge->isVisible());
    QCOMPARE(m_controller->currentSession()->messages()->rowOf(QStringLiteral("x")), -1);

    m_owner->sendParticipantRemoved(m_sessionId, helpyId);
    QTRY_VERIFY(!participantDelegate(helpyId));
    QCOMPARE(list->property("count").toInt(), 2);
    const MessageListModel *messages = m_controller->currentSession()->messages();
    QTRY_COMPARE(messages->data(messages->index(messages->count() - 1), MessageListModel::TextRole)
                     .toString(),
        u"Ana removed Math Helpy");
}

void TestUi::removeActionAbsentForPlainMember()
{
    joinViaUi();
    if (QTest::currentTestFailed())
        return;
    const QString helpyId = ownerAddsHelpy(QStringLiteral("Math Helpy"));
    QTRY_VERIFY(participantDelegate(helpyId));

    // Ben is a member: no actions button, and a right click opens no menu.
    for (const QString &id : { helpyId, m_owner->userId() }) {
        QQuickItem *delegate = participantDelegate(id);
        QVERIFY(delegate);
        QCOMPARE(delegate->property("canRemove").toBool(), false);
        auto *actions = delegate->findChild<QQuickItem *>(QStringLiteral("participantActions"));
        QVERIFY(actions);
        QVERIFY(!actions->isVisible());
    }
    QQuickItem *helpyRow = participantDelegate(helpyId);
    QObject *menu = helpyRow->findChild<QObject *>(QStringLiteral("participantMenu"));
    QVERIFY(menu);
    click(helpyRow, Qt::RightButton); // popup() would make the menu visible synchronously
    QCOMPARE(menu->property("visible").toBool(), false);
    // Even forced open, the menu has no Remove item for him.
    QMetaObject::invokeMethod(menu, "open");
    QTRY_COMPARE(menu->property("opened").toBool(), true);
    auto *remove = helpyRow->findChild<QQuickItem *>(QStringLiteral("removeAction"));
    QVERIFY(remove);
    QVERIFY(!remove->isVisible());
    QMetaObject::invokeMethod(menu, "close");
    QTRY_COMPARE(menu->property("visible").toBool(), false);

    // Made a moderator, Ben may remove the Helpy (not the owner): the action appears.
    m_owner->setRole(m_sessionId, m_controller->userId(), Role::Moderator);
    QTRY_COMPARE(participantDelegate(helpyId)->property("canRemove").toBool(), true);
    QCOMPARE(participantDelegate(m_owner->userId())->property("canRemove").toBool(), false);
    QVERIFY(helpyRow->findChild<QQuickItem *>(QStringLiteral("participantActions"))->isVisible());

    // And using it (right click → Remove) removes the Helpy for everyone.
    click(helpyRow, Qt::RightButton);
    QTRY_COMPARE(menu->property("opened").toBool(), true);
    QVERIFY(remove->isVisible());
    click(remove);
    QTRY_VERIFY(!participantDelegate(helpyId));
    QTRY_COMPARE(m_server->participants(m_sessionId).size(), 2);
}

void TestUi::enterSendsAMessage()
{
    joinViaUi();
    if (QTest::currentTestFailed())
        return;
    QSignalSpy received(m_owner.get(), &WebSocketService::messageReceived);
    typeInto(QStringLiteral("messageInput"), QStringLiteral("Can we do question 3?"));
    QTest::keyClick(m_window, Qt::Key_Return);
    QTRY_COMPARE(received.size(), 1);
    const auto event = received.at(0).at(0).value<MessageEvent>();
    QCOMPARE(event.message.text, u"Can we do question 3?");
    QCOMPARE(event.message.authorId, m_controller->userId());
    QCOMPARE(item(QStringLiteral("messageInput"))->property("text").toString(), QString());
    const MessageListModel *messages = m_controller->currentSession()->messages();
    QTRY_COMPARE(
        messages->data(messages->index(messages->count() - 1), MessageListModel::StatusRole)
            .toString(),
        u"sent");
}

void TestUi::startJoin(const QString &serverUrl)
{
    QVERIFY(item(QStringLiteral("signInPage")));
    typeInto(QStringLiteral("nameField"), QStringLiteral("Ben"));
    typeInto(QStringLiteral("serverField"), serverUrl);
    typeInto(QStringLiteral("inviteCodeField"), QStringLiteral("K7PQ2M"));
    QQuickItem *join = item(QStringLiteral("joinButton"));
    QVERIFY(join && join->isEnabled());
    click(join);
}

void TestUi::verifyGaveUp()
{
    QCOMPARE(m_controller->connectionState(), WebSocketService::State::Disconnected);
    QCOMPARE(m_controller->isBusy(), false);
    QCOMPARE(m_controller->reconnectSeconds(), 0);
    QVERIFY(item(QStringLiteral("joinButton"))->isEnabled());
    QVERIFY(!item(QStringLiteral("cancelConnectingButton"))->isVisible());
    // A reconnect loop would try again within 0.5 s (the backoff's first step).
    QSignalSpy stateChanges(m_controller.get(), &AppController::connectionStateChanged);
    QVERIFY(!stateChanges.wait(700));
}

void TestUi::connectingToAClosedPortSaysRefused()
{
    quint16 port = 0;
    {
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost));
        port = closed.serverPort();
    }
    startJoin(QStringLiteral("ws://127.0.0.1:%1").arg(port));
    const QString expected = QStringLiteral("127.0.0.1:%1 refused the connection").arg(port);
    QTRY_COMPARE(m_controller->errorString(), expected);
    QCOMPARE(item(QStringLiteral("signInError"))->property("text").toString(), expected);
    verifyGaveUp();
}

void TestUi::connectingToASilentListenerGivesUpInTime()
{
    QTcpServer silent; // accepts, never answers the upgrade
    QVERIFY(silent.listen(QHostAddress::LocalHost));
    m_controller->setConnectTimeoutMs(1000);
    QElapsedTimer elapsed;
    elapsed.start();
    startJoin(QStringLiteral("ws://127.0.0.1:%1").arg(silent.serverPort()));
    QTRY_VERIFY(silent.hasPendingConnections());
    QCOMPARE(m_controller->connectionState(), WebSocketService::State::Connecting);
    QVERIFY(item(QStringLiteral("cancelConnectingButton"))->isVisible());
    const QString expected
        = QStringLiteral("Nothing answers at 127.0.0.1:%1 — is the session still hosted?")
              .arg(silent.serverPort());
    QTRY_COMPARE_WITH_TIMEOUT(m_controller->errorString(), expected, 5000);
    QVERIFY2(elapsed.elapsed() >= 900, qPrintable(QString::number(elapsed.elapsed())));
    QCOMPARE(item(QStringLiteral("signInError"))->property("text").toString(), expected);
    verifyGaveUp();
}

void TestUi::connectingToAnHttpServerSaysNotHelpy()
{
    QTcpServer http;
    QVERIFY(http.listen(QHostAddress::LocalHost));
    connect(&http, &QTcpServer::newConnection, &http, [&http] {
        QTcpSocket *socket = http.nextPendingConnection();
        connect(socket, &QTcpSocket::readyRead, socket, [socket] {
            if (!socket->peek(4096).contains("\r\n\r\n"))
                return;
            socket->readAll();
            socket->write("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n"
                          "Content-Length: 9\r\nConnection: close\r\n\r\nNot Found");
            socket->disconnectFromHost();
        });
    });
    startJoin(QStringLiteral("ws://127.0.0.1:%1").arg(http.serverPort()));
    const QString expected
        = QStringLiteral("127.0.0.1:%1 is not a Helpy server").arg(http.serverPort());
    QTRY_COMPARE(m_controller->errorString(), expected);
    QCOMPARE(item(QStringLiteral("signInError"))->property("text").toString(), expected);
    verifyGaveUp();
}

void TestUi::cancelWhileConnectingStopsAtOnce()
{
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost));
    startJoin(QStringLiteral("ws://127.0.0.1:%1").arg(silent.serverPort()));
    QTRY_VERIFY(silent.hasPendingConnections());
    QCOMPARE(m_controller->connectionState(), WebSocketService::State::Connecting);
    QQuickItem *cancel = item(QStringLiteral("cancelConnectingButton"));
    QVERIFY(cancel);
    QTRY_VERIFY(cancel->isVisible());
    click(cancel);
    QCOMPARE(m_controller->connectionState(), WebSocketService::State::Disconnected);
    QCOMPARE(m_controller->errorString(), QString());
    QVERIFY(item(QStringLiteral("signInPage")));
    verifyGaveUp();
}

void TestUi::aReachedServerThatGoesAwayIsRetried()
{
    joinViaUi();
    if (QTest::currentTestFailed())
        return;
    m_owner.reset();
    m_server.reset(); // the session was reached: this is a drop, not a dead address
    QTRY_COMPARE(m_controller->connectionState(), WebSocketService::State::Reconnecting);
    QTRY_VERIFY(item(QStringLiteral("connectionStatus"))
                    ->property("text")
                    .toString()
                    .startsWith(u"Connection lost — reconnecting in"));
    QVERIFY(item(QStringLiteral("bannerCancelButton"))->isVisible());
    QVERIFY(item(QStringLiteral("sessionPage")));

    // Cancel stops the retries too: offline, with Retry, and nothing scheduled.
    click(item(QStringLiteral("bannerCancelButton")));
    QCOMPARE(m_controller->connectionState(), WebSocketService::State::Disconnected);
    QCOMPARE(m_controller->reconnectSeconds(), 0);
    QTRY_VERIFY(item(QStringLiteral("retryButton"))->isVisible());
}

QTEST_MAIN(TestUi)
#include "tst_ui.moc"
