// SPDX-License-Identifier: MIT
// The chat page as a reader and writer use it: scrolling that follows only a reader at the
// bottom, the multi-line message box and its limit, the focus after dialogs and menus, and
// errors that go when their cause does. The real QML window (offscreen) against a real
// SessionServer on 127.0.0.1 port 0; Ana, the owner, is a second, non-UI client.
// Any warning while a test runs (a binding loop, a missing property) fails it.
#include "appcontroller.h"
#include "serveroptions.h"
#include "sessionserver.h"
#include "websocketservice.h"

#include "appwindow.h"
#include "quickitems.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QWheelEvent>
#include <QtQml/QQmlExtensionPlugin>
#include <QtQuickTest/quicktest.h>

#include <memory>

Q_IMPORT_QML_PLUGIN(HelpyPlugin)
Q_IMPORT_QML_PLUGIN(Helpy_ClientPlugin)
Q_IMPORT_QML_PLUGIN(Helpy_ModelsPlugin)

using namespace Protocol;

class TestChatJourneys : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void scrolledUpReaderIsNotPulledDown();
    void newestMessageIsFullyVisibleAfterATallMessage();
    void newestMessageIsFullyVisibleAfterAResync();
    void reopeningAChatOfTallMessagesShowsItsEnd();
    void shiftEnterInsertsANewline();
    void overlongPasteIsRefusedWithAWord();
    void focusReturnsToTheInputAfterADialog();
    void errorClearsWhenConnectionReturns();
    void refusedRequestErrorGoesWithTheNextSuccess();
    void busyServerIsSaidInASentence();
    void rateLimitedRequestSaysTheServerIsBusy();

private:
    /// Starts the server (with `options`) and Ana's session, invite code included.
    void startServer(ServerOptions options);
    /// Starts again from the sign-in page, with a server made with `options`.
    void restartWith(const ServerOptions &options);
    void loadUi();
    QQuickItem *item(const QString &objectName) const;
    QQuickItem *messageList() const { return item(QStringLiteral("messageList")); }
    QQuickItem *messageInput() const { return item(QStringLiteral("messageInput")); }
    void click(QQuickItem *target, Qt::MouseButton button = Qt::LeftButton);
    void typeInto(QQuickItem *field, const QString &text);
    void typeText(const QString &text);
    /// Signs in as Ben and joins Ana's session through the sign-in page.
    void joinViaUi();
    /// Ana sends `count` messages ("Ana 1", …) and Ben's list shows them.
    void anaSends(int count, const QString &prefix = QStringLiteral("Ana"));
    /// The text of the chat's last row (messages and membership lines), or empty.
    QString lastRowText() const;
    /// Rows in Ben's chat (membership lines included).
    int chatRows() const;
    /// A row of Ben's chat starts with `text` (sent or pending).
    bool chatHasRowStartingWith(const QString &text) const;
    /// The list's last delegate lies wholly inside the list's viewport.
    bool newestFullyVisible() const;
    bool listAtEnd() const;
    /// Scrolls the message list up with the mouse wheel, as a reader does.
    void wheelUp(int steps);

    std::unique_ptr<QTemporaryDir> m_data; ///< storage of a server that restarts
    std::unique_ptr<SessionServer> m_server;
    std::unique_ptr<WebSocketService> m_owner;
    QString m_sessionId;
    QString m_inviteCode;
    int m_sent = 0;
    std::unique_ptr<AppController> m_controller;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QQuickWindow *m_window = nullptr;
};

void TestChatJourneys::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("HelpyTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_chat_journeys"));
    QQuickStyle::setStyle(QStringLiteral("Fusion"));
}

void TestChatJourneys::init()
{
    QSettings().clear(); // no name or server remembered from an earlier run
    ServerOptions options;
    options.maxRequestsPerSecond = 1000; // Ana fills the chat quickly
    startServer(options);
    if (QTest::currentTestFailed())
        return;
    loadUi();
}

void TestChatJourneys::startServer(ServerOptions options)
{
    m_server = std::make_unique<SessionServer>(options);
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));

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
    m_owner->joinSession(m_sessionId);
    QVERIFY(snapshot.wait());
    m_owner->createInvite(m_sessionId, [this](const WebSocketService::Reply &r) {
        if (const auto result = resultOf<CreateInviteResult>(r.ack))
            m_inviteCode = result->inviteCode;
    });
    QTRY_VERIFY(!m_inviteCode.isEmpty());
}

void TestChatJourneys::restartWith(const ServerOptions &options)
{
    m_engine.reset();
    m_controller.reset();
    m_owner.reset();
    m_server.reset();
    m_sessionId.clear();
    m_inviteCode.clear();
    QSettings().clear();
    startServer(options);
    if (QTest::currentTestFailed())
        return;
    loadUi();
}

void TestChatJourneys::loadUi()
{
    m_controller = std::make_unique<AppController>(nullptr);
    m_engine = std::make_unique<QQmlApplicationEngine>();
    loadMainWindow(*m_engine, m_window);
    QVERIFY(m_window);
}

void TestChatJourneys::cleanup()
{
    m_engine.reset();
    m_window = nullptr;
    m_controller.reset();
    m_owner.reset();
    m_server.reset();
    m_data.reset(); // after the server: it closes its storage first
    m_sessionId.clear();
    m_inviteCode.clear();
    m_sent = 0;
}

QQuickItem *TestChatJourneys::item(const QString &objectName) const
{
    return findItem(m_window->contentItem(), objectName);
}

void TestChatJourneys::click(QQuickItem *target, Qt::MouseButton button)
{
    QVERIFY(target);
    QVERIFY(target->isVisible());
    // Where it is once the layout settled: a role change shows and moves toolbar buttons.
    QVERIFY(QQuickTest::qWaitForPolish(m_window));
    const QPointF center = target->mapToScene(QPointF(target->width() / 2, target->height() / 2));
    QTest::mouseClick(m_window, button, Qt::NoModifier, center.toPoint());
}

void TestChatJourneys::typeText(const QString &text)
{
    for (const QChar c : text) // QTest has no keyClicks(QWindow *) in 6.4
        QTest::keyClick(m_window, c.toLatin1());
}

void TestChatJourneys::typeInto(QQuickItem *field, const QString &text)
{
    QVERIFY(field);
    click(field);
    QTRY_VERIFY(field->hasActiveFocus());
    QTest::keyClick(m_window, Qt::Key_A, Qt::ControlModifier); // replace what is there
    typeText(text);
    QCOMPARE(field->property("text").toString(), text);
}

void TestChatJourneys::joinViaUi()
{
    QVERIFY(item(QStringLiteral("signInPage")));
    typeInto(item(QStringLiteral("nameField")), QStringLiteral("Ben"));
    typeInto(item(QStringLiteral("serverField")), m_server->url().toString());
    typeInto(item(QStringLiteral("inviteCodeField")), m_inviteCode);
    QQuickItem *join = item(QStringLiteral("joinButton"));
    QVERIFY(join && join->isEnabled());
    click(join);
    QTRY_VERIFY(item(QStringLiteral("sessionPage")));
    QTRY_VERIFY(m_controller->currentSession() && m_controller->currentSession()->isLoaded());
    QTRY_COMPARE(item(QStringLiteral("participantList"))->property("count").toInt(), 2);
}

void TestChatJourneys::anaSends(int count, const QString &prefix)
{
    int acked = 0;
    QString last;
    for (int i = 0; i < count; ++i) {
        last = QStringLiteral("%1 %2").arg(prefix).arg(++m_sent);
        m_owner->sendMessage(m_sessionId, last,
            [&acked](const WebSocketService::Reply &reply) { acked += reply.ok ? 1 : 0; });
    }
    QTRY_COMPARE(acked, count);
    if (m_controller->currentSession())
        QTRY_COMPARE(lastRowText(), last);
}

QString TestChatJourneys::lastRowText() const
{
    const GroupSession *session = m_controller->currentSession();
    if (!session || session->messages()->count() == 0)
        return {};
    const MessageListModel *messages = session->messages();
    return messages->data(messages->index(messages->count() - 1), MessageListModel::TextRole)
        .toString();
}

bool TestChatJourneys::chatHasRowStartingWith(const QString &text) const
{
    const MessageListModel *messages = m_controller->currentSession()->messages();
    for (int row = 0; row < messages->count(); ++row) {
        if (messages->data(messages->index(row), MessageListModel::TextRole)
                .toString()
                .startsWith(text))
            return true;
    }
    return false;
}

int TestChatJourneys::chatRows() const
{
    const GroupSession *session = m_controller->currentSession();
    return session ? session->messages()->count() : 0;
}

bool TestChatJourneys::newestFullyVisible() const
{
    QQuickItem *list = messageList();
    const int count = list->property("count").toInt();
    if (count == 0)
        return false;
    QQuickItem *last = nullptr;
    QMetaObject::invokeMethod(
        list, "itemAtIndex", Q_RETURN_ARG(QQuickItem *, last), Q_ARG(int, count - 1));
    if (!last || last->height() <= 0)
        return false;
    const QRectF inList = last->mapRectToItem(list, QRectF(0, 0, last->width(), last->height()));
    return inList.top() >= -0.5 && inList.bottom() <= list->height() + 0.5;
}

bool TestChatJourneys::listAtEnd() const
{
    QVariant atEnd;
    QMetaObject::invokeMethod(messageList(), "isAtEnd", Q_RETURN_ARG(QVariant, atEnd));
    return atEnd.toBool();
}

void TestChatJourneys::wheelUp(int steps)
{
    QQuickItem *list = messageList();
    const QPointF center = list->mapToScene(QPointF(list->width() / 2, list->height() / 2));
    for (int i = 0; i < steps; ++i) {
        QWheelEvent wheel(center, m_window->mapToGlobal(center), QPoint(0, 0), QPoint(0, 120),
            Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QGuiApplication::sendEvent(m_window, &wheel);
    }
}

void TestChatJourneys::scrolledUpReaderIsNotPulledDown()
{
    anaSends(40); // before Ben comes: the first load is long
    joinViaUi();
    if (QTest::currentTestFailed())
        return;
    QQuickItem *list = messageList();
    QTRY_VERIFY(chatHasRowStartingWith(QStringLiteral("Ana 40")));
    QTRY_VERIFY(newestFullyVisible());

    // Ben scrolls up to read; what arrives does not move him.
    wheelUp(6);
    QTRY_VERIFY(!listAtEnd());
    QTRY_VERIFY(!list->property("moving").toBool());
    const qreal readingAt = list->property("contentY").toReal();
    QQuickItem *button = item(QStringLiteral("newMessagesButton"));
    QVERIFY2(button, "no new-messages button");
    QVERIFY(!button->isVisible());

    anaSends(3);
    QTRY_VERIFY(button->isVisible());
    QCOMPARE(button->property("text").toString(), u"3 new messages ↓");
    // Over the bottom of the list as it shows now, not of its content.
    const QRectF onList
        = button->mapRectToItem(list, QRectF(0, 0, button->width(), button->height()));
    QVERIFY2(onList.top() >= 0 && onList.bottom() <= list->height(),
        qPrintable(QStringLiteral("button at %1..%2 of %3")
                       .arg(onList.top())
                       .arg(onList.bottom())
                       .arg(list->height())));
    QCOMPARE(list->property("contentY").toReal(), readingAt);
    QVERIFY(!newestFullyVisible());

    anaSends(1);
    QTRY_COMPARE(button->property("text").toString(), u"4 new messages ↓");
    QCOMPARE(list->property("contentY").toReal(), readingAt);

    // The button takes him down and goes; from there the list follows again.
    click(button);
    QTRY_VERIFY(newestFullyVisible());
    QTRY_VERIFY(!button->isVisible());
    anaSends(2);
    QTRY_VERIFY(newestFullyVisible());
    QVERIFY(!button->isVisible());
}

void TestChatJourneys::reopeningAChatOfTallMessagesShowsItsEnd()
{
    QString tall;
    for (int i = 1; i <= 14; ++i)
        tall += QStringLiteral("Step %1: multiply both sides by the denominator first.\n").arg(i);
    joinViaUi();
    if (QTest::currentTestFailed())
        return;
    const QString sessionId = m_controller->currentSession()->sessionId();
    m_controller->closeSession();
    QTRY_VERIFY(!messageList());
    for (int i = 0; i < 30; ++i) {
        QSignalSpy acked(m_owner.get(), &WebSocketService::acknowledged);
        m_owner->sendMessage(m_sessionId, tall + QString::number(i));
        QVERIFY(acked.wait());
    }
    m_controller->openSession(sessionId);
    QTRY_VERIFY(m_controller->currentSession() && m_controller->currentSession()->isLoaded());
    QTRY_VERIFY(messageList());
    QTRY_COMPARE(lastRowText(), tall + QString::number(29));
    QTRY_VERIFY(newestFullyVisible());
}

void TestChatJourneys::newestMessageIsFullyVisibleAfterATallMessage()
{
    QString tall;
    for (int i = 1; i <= 14; ++i)
        tall += QStringLiteral("Step %1: multiply both sides by the denominator first.\n").arg(i);
    tall += QStringLiteral("Then check the answer in the original equation, which is long enough "
                           "to wrap across the bubble more than once at this window width.");
    joinViaUi();
    if (QTest::currentTestFailed())
        return;
    anaSends(25);
    QTRY_VERIFY(newestFullyVisible());

    // Live: a tall one, another, then a short one after them.
    for (int i = 0; i < 2; ++i) {
        const int rows = chatRows();
        m_owner->sendMessage(m_sessionId, tall);
        QTRY_COMPARE(chatRows(), rows + 1);
        QCOMPARE(lastRowText(), tall);
        QTRY_VERIFY(newestFullyVisible());
    }
    anaSends(1);
    QTRY_VERIFY(newestFullyVisible());

    // A narrower window wraps the text anew: the newest stays in full.
    m_window->setWidth(m_window->width() - 220);
    QTRY_VERIFY(newestFullyVisible());

    // (Reopening a chat of tall messages: reopeningAChatOfTallMessagesShowsItsEnd.)
}

void TestChatJourneys::newestMessageIsFullyVisibleAfterAResync()
{
    // A server that keeps its sessions on disk, so it comes back with Ben's session.
    m_data = std::make_unique<QTemporaryDir>();
    QVERIFY(m_data->isValid());
    ServerOptions options;
    options.maxRequestsPerSecond = 1000;
    options.dataPath = m_data->filePath(QStringLiteral("sessions.sqlite"));
    restartWith(options);
    if (QTest::currentTestFailed())
        return;
    anaSends(10);
    joinViaUi();
    if (QTest::currentTestFailed())
        return;
    QQuickItem *list = messageList();
    QTRY_VERIFY(newestFullyVisible());

    // The server restarts; while Ben is away, Ana says a lot; Ben comes back to it.
    const QString anaToken = m_owner->token();
    options.port = m_server->url().port();
    m_owner.reset();
    m_server.reset();
    QTRY_COMPARE(m_controller->connectionState(), WebSocketService::State::Reconnecting);
    m_server = std::make_unique<SessionServer>(options);
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
    m_owner = std::make_unique<WebSocketService>();
    QSignalSpy welcomed(m_owner.get(), &WebSocketService::welcomed);
    m_owner->connectToServer(m_server->url(), QStringLiteral("Ana"), anaToken);
    QVERIFY(welcomed.wait());
    QSignalSpy snapshot(m_owner.get(), &WebSocketService::sessionSnapshotReceived);
    m_owner->joinSession(m_sessionId);
    QVERIFY(snapshot.wait());
    const int before = list->property("count").toInt();
    int acked = 0;
    for (int i = 0; i < 30; ++i) {
        m_owner->sendMessage(m_sessionId, QStringLiteral("While you were away %1").arg(i),
            [&acked](const WebSocketService::Reply &reply) { acked += reply.ok ? 1 : 0; });
    }
    QTRY_COMPARE(acked, 30);
    click(item(QStringLiteral("retryButton"))); // "Retry now" while reconnecting
    QTRY_COMPARE(m_controller->connectionState(), WebSocketService::State::Connected);
    QTRY_VERIFY(list->property("count").toInt() >= before + 30);
    QTRY_VERIFY(newestFullyVisible());
}

void TestChatJourneys::shiftEnterInsertsANewline()
{
    joinViaUi();
    if (QTest::currentTestFailed())
        return;
    QSignalSpy received(m_owner.get(), &WebSocketService::messageReceived);
    QQuickItem *input = messageInput();
    typeInto(input, QStringLiteral("Line one"));
    const qreal oneLineHeight = input->height();
    QTest::keyClick(m_window, Qt::Key_Return, Qt::ShiftModifier);
    typeText(QStringLiteral("line two"));
    QCOMPARE(input->property("text").toString(), u"Line one\nline two");
    QVERIFY(input->height() > oneLineHeight); // the box grew
    QVERIFY(!chatHasRowStartingWith(QStringLiteral("Line one"))); // nothing sent

    // The box grows to a few lines, then scrolls: it does not push the chat away.
    QQuickItem *composer = item(QStringLiteral("messageComposer"));
    for (int i = 0; i < 12; ++i)
        QTest::keyClick(m_window, Qt::Key_Return, Qt::ShiftModifier);
    QTRY_VERIFY(composer->height() < 260);
    QTRY_VERIFY(input->height() > composer->height());
    for (int i = 0; i < 12; ++i)
        QTest::keyClick(m_window, Qt::Key_Backspace);

    QTest::keyClick(m_window, Qt::Key_Return);
    QTRY_COMPARE(received.size(), 1);
    QCOMPARE(received.at(0).at(0).value<MessageEvent>().message.text, u"Line one\nline two");
    QCOMPARE(input->property("text").toString(), QString());
    QVERIFY(input->hasActiveFocus());
}

void TestChatJourneys::overlongPasteIsRefusedWithAWord()
{
    joinViaUi();
    if (QTest::currentTestFailed())
        return;
    QQuickItem *input = messageInput();
    QQuickItem *counter = item(QStringLiteral("lengthCounter"));
    QQuickItem *send = item(QStringLiteral("sendButton"));
    QVERIFY(counter);
    QVERIFY(!counter->isVisible()); // far from the limit, no counter

    QString text;
    while (text.size() < 5000)
        text += QStringLiteral("word ");
    text.truncate(5000);
    QGuiApplication::clipboard()->setText(text);
    click(input);
    QTRY_VERIFY(input->hasActiveFocus());
    QTest::keyClick(m_window, Qt::Key_V, Qt::ControlModifier);
    QTRY_COMPARE(input->property("text").toString().size(), 5000); // not cut

    QTRY_VERIFY(counter->isVisible());
    QCOMPARE(counter->property("text").toString(),
        u"Too long to send: 5000 of 4000 characters. Remove 1000 to send it.");
    QVERIFY(!send->isEnabled());
    QTest::keyClick(m_window, Qt::Key_Return);
    QVERIFY(!chatHasRowStartingWith(QStringLiteral("word word"))); // nothing sent
    QCOMPARE(input->property("text").toString(), text); // kept, Return did not add a line

    // Cut to fit, it goes, whole.
    QSignalSpy received(m_owner.get(), &WebSocketService::messageReceived);
    input->setProperty("text", text.left(3990));
    QTRY_COMPARE(counter->property("text").toString(), u"3990 / 4000");
    QVERIFY(send->isEnabled());
    QTest::keyClick(m_window, Qt::Key_Return);
    QTRY_COMPARE(received.size(), 1);
    QCOMPARE(received.at(0).at(0).value<MessageEvent>().message.text, text.left(3990).trimmed());
    QTRY_VERIFY(!counter->isVisible());
}

void TestChatJourneys::focusReturnsToTheInputAfterADialog()
{
    joinViaUi();
    if (QTest::currentTestFailed())
        return;
    // A moderator may add Helpys and copy the invite.
    m_owner->setRole(m_sessionId, m_controller->userId(), Role::Moderator);
    QQuickItem *addHelpy = item(QStringLiteral("addHelpyButton"));
    QTRY_VERIFY(addHelpy->isVisible());
    QQuickItem *input = messageInput();
    click(input);
    QTRY_VERIFY(input->hasActiveFocus());

    // The Add Helpy dialog, cancelled with Esc, then accepted with Enter.
    QObject *dialog = item(QStringLiteral("sessionPage"))
                          ->findChild<QObject *>(QStringLiteral("addHelpyDialog"));
    QVERIFY(dialog);
    click(addHelpy);
    QTRY_COMPARE(dialog->property("opened").toBool(), true);
    QTRY_VERIFY(!input->hasActiveFocus());
    QTest::keyClick(m_window, Qt::Key_Escape);
    QTRY_COMPARE(dialog->property("visible").toBool(), false);
    QTRY_VERIFY(input->hasActiveFocus());

    click(addHelpy);
    QTRY_COMPARE(dialog->property("opened").toBool(), true);
    QTest::keyClick(m_window, Qt::Key_Return);
    QTRY_COMPARE(dialog->property("visible").toBool(), false);
    QTRY_VERIFY(input->hasActiveFocus());
    QTRY_COMPARE(item(QStringLiteral("participantList"))->property("count").toInt(), 3);

    // The participant menu on the Helpy's row, closed with Esc.
    QQuickItem *helpyRow = nullptr;
    for (const auto &p : m_server->participants(m_sessionId)) {
        if (p.type == ParticipantType::Helpy)
            QTRY_VERIFY((helpyRow = item(QStringLiteral("participant_") + p.id)));
    }
    QVERIFY(helpyRow);
    QObject *menu = helpyRow->findChild<QObject *>(QStringLiteral("participantMenu"));
    click(helpyRow, Qt::RightButton);
    QTRY_COMPARE(menu->property("opened").toBool(), true);
    QTest::keyClick(m_window, Qt::Key_Escape);
    QTRY_COMPARE(menu->property("visible").toBool(), false);
    QTRY_VERIFY(input->hasActiveFocus());

    // Copying the invite leaves the focus where it was.
    QQuickItem *copy = item(QStringLiteral("copyInviteButton"));
    QTRY_VERIFY(copy->isVisible());
    click(copy);
    QVERIFY(input->hasActiveFocus());

    // So does dismissing an error on the banner.
    m_controller->currentSession()->setRole(m_owner->userId(), QStringLiteral("member"));
    QQuickItem *dismiss = item(QStringLiteral("dismissErrorButton"));
    QTRY_VERIFY(dismiss->isVisible());
    click(dismiss);
    QTRY_COMPARE(m_controller->errorString(), QString());
    QVERIFY(input->hasActiveFocus());
}

void TestChatJourneys::errorClearsWhenConnectionReturns()
{
    // A server that keeps its sessions on disk, so it comes back with Ben's session.
    m_data = std::make_unique<QTemporaryDir>();
    QVERIFY(m_data->isValid());
    ServerOptions options;
    options.dataPath = m_data->filePath(QStringLiteral("sessions.sqlite"));
    restartWith(options);
    if (QTest::currentTestFailed())
        return;
    joinViaUi();
    if (QTest::currentTestFailed())
        return;
    const quint16 port = m_server->url().port();
    QQuickItem *banner = item(QStringLiteral("connectionBanner"));
    QQuickItem *status = item(QStringLiteral("connectionStatus"));

    // The server goes; Ben stops the retries and is offline, with an error on the banner.
    m_owner.reset();
    m_server.reset();
    QTRY_COMPARE(m_controller->connectionState(), WebSocketService::State::Reconnecting);
    click(item(QStringLiteral("bannerCancelButton")));
    QCOMPARE(m_controller->connectionState(), WebSocketService::State::Disconnected);
    typeInto(messageInput(), QStringLiteral("anyone there?"));
    QTest::keyClick(m_window, Qt::Key_Return);
    QTRY_VERIFY(m_controller->errorString().startsWith(u"Your message was not sent"));
    QTRY_VERIFY(banner->isVisible());
    QCOMPARE(status->property("text").toString(), m_controller->errorString());

    // The server is back on its port; Retry connects: the error goes with the cause.
    options.port = port;
    m_server = std::make_unique<SessionServer>(options);
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
    click(item(QStringLiteral("retryButton")));
    QTRY_COMPARE(m_controller->connectionState(), WebSocketService::State::Connected);
    QTRY_COMPARE(m_controller->errorString(), QString());
    QTRY_VERIFY(!banner->isVisible());
}

void TestChatJourneys::refusedRequestErrorGoesWithTheNextSuccess()
{
    joinViaUi();
    if (QTest::currentTestFailed())
        return;
    m_controller->setRequestErrorTimeoutMs(1500);
    QQuickItem *banner = item(QStringLiteral("connectionBanner"));
    GroupSession *session = m_controller->currentSession();

    // Ben (a member) asks for what he may not do: the refusal shows…
    session->setRole(m_owner->userId(), QStringLiteral("member"));
    QTRY_VERIFY(m_controller->errorString().startsWith(u"Could not change the role of Ana"));
    QTRY_VERIFY(banner->isVisible());
    // …until the next thing he does works.
    typeInto(messageInput(), QStringLiteral("sorry"));
    QTest::keyClick(m_window, Qt::Key_Return);
    QTRY_COMPARE(m_controller->errorString(), QString());
    QTRY_VERIFY(!banner->isVisible());

    // Left alone, a refusal goes after a while.
    session->setRole(m_owner->userId(), QStringLiteral("member"));
    QTRY_VERIFY(!m_controller->errorString().isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(m_controller->errorString(), QString(), 5000);
}

void TestChatJourneys::busyServerIsSaidInASentence()
{
    // A server with room for one connection, Ana's: Ben is turned away with 1013, which
    // Qt 6.4 reports as 1002 and its own words.
    ServerOptions options;
    options.maxConnections = 1;
    restartWith(options);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(item(QStringLiteral("signInPage")));
    typeInto(item(QStringLiteral("nameField")), QStringLiteral("Ben"));
    typeInto(item(QStringLiteral("serverField")), m_server->url().toString());
    typeInto(item(QStringLiteral("inviteCodeField")), m_inviteCode);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("server full")));
    click(item(QStringLiteral("joinButton")));
    const QString expected = QStringLiteral("127.0.0.1:%1 is busy — try again in a minute.")
                                 .arg(m_server->url().port());
    QTRY_COMPARE(m_controller->errorString(), expected);
    QCOMPARE(item(QStringLiteral("signInError"))->property("text").toString(), expected);

    // Room again (Ana goes): joining works and the sentence goes.
    m_owner.reset();
    QTRY_VERIFY(m_server->connectionCount() == 0);
    click(item(QStringLiteral("joinButton")));
    QTRY_VERIFY(item(QStringLiteral("sessionPage")));
    QCOMPARE(m_controller->errorString(), QString());
}

void TestChatJourneys::rateLimitedRequestSaysTheServerIsBusy()
{
    ServerOptions options;
    options.inviteGuessesPerMinute = 1;
    restartWith(options);
    if (QTest::currentTestFailed())
        return;
    typeInto(item(QStringLiteral("nameField")), QStringLiteral("Ben"));
    typeInto(item(QStringLiteral("serverField")), m_server->url().toString());
    typeInto(item(QStringLiteral("inviteCodeField")), QStringLiteral("ZZZZZZ"));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("throttled")));
    click(item(QStringLiteral("joinButton")));
    QTRY_VERIFY2(m_controller->errorString().startsWith(u"Could not join with code ZZZZZZ"),
        qPrintable(m_controller->errorString()));

    // A second wrong guess within the minute: rate_limited, in words a person can act on.
    m_controller->joinByCode(QStringLiteral("YYYYYY"));
    QTRY_COMPARE(m_controller->errorString(),
        u"Could not join with code YYYYYY: the server is busy or this was tried too often — "
        u"wait a minute and try again");
}

QTEST_MAIN(TestChatJourneys)
#include "tst_chat_journeys.moc"
