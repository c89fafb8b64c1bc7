// SPDX-License-Identifier: MIT
// Coming back shows the truth: the real QML window (offscreen) as Ben, a real SessionServer on
// 127.0.0.1 port 0 (behind a fault proxy, to cut Ben's network), and non-UI clients (Ana the
// owner, Cy) changing the session while Ben is away from it or offline.
// Any warning while a test runs (QML binding errors, missing properties) fails it.
#include "appcontroller.h"
#include "appwindow.h"
#include "faultproxy.h"
#include "quickitems.h"
#include "servicewaits.h"
#include "sessionserver.h"
#include "websocketservice.h"

#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QtQml/QQmlExtensionPlugin>

#include <memory>

Q_IMPORT_QML_PLUGIN(HelpyPlugin)
Q_IMPORT_QML_PLUGIN(Helpy_ClientPlugin)
Q_IMPORT_QML_PLUGIN(Helpy_ModelsPlugin)

using namespace Protocol;
using namespace Qt::StringLiterals;

namespace {

/// What a page shows, reduced to what must equal the server's.
struct Frame
{
    QStringList participants; ///< "id role presence", in the list's order
    QStringList messages; ///< "author: text" of the chat's messages (system lines left out)
};

Frame frameOf(const GroupSession &session)
{
    Frame frame;
    const ParticipantListModel *participants = session.participants();
    for (int row = 0; row < participants->rowCount(); ++row) {
        const QModelIndex index = participants->index(row);
        frame.participants << u"%1 %2 %3"_s.arg(index.data(ParticipantListModel::IdRole).toString(),
            index.data(ParticipantListModel::RoleRole).toString(),
            index.data(ParticipantListModel::PresenceRole).toString());
    }
    const MessageListModel *messages = session.messages();
    for (int row = 0; row < messages->rowCount(); ++row) {
        const QModelIndex index = messages->index(row);
        if (!index.data(MessageListModel::IsSystemRole).toBool())
            frame.messages << index.data(MessageListModel::AuthorIdRole).toString() + u": "_s
                    + index.data(MessageListModel::TextRole).toString();
    }
    return frame;
}

Frame frameOf(const SessionSnapshot &snapshot)
{
    Frame frame;
    for (const Participant &p : snapshot.participants)
        frame.participants << u"%1 %2 %3"_s.arg(p.id, toString(p.role), toString(p.presence));
    for (const ChatMessage &m : snapshot.messages)
        frame.messages << m.authorId + u": "_s + m.text;
    return frame;
}

} // namespace

class TestSessionTruth : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void reopeningASessionShowsWhatChangedMeanwhile();
    void othersPresenceIsUnknownWhileDisconnected();
    void removedWhileOfflineIsToldOnReturn();

private:
    QQuickItem *item(const QString &objectName) const
    {
        return findItem(m_window->contentItem(), objectName);
    }
    QQuickItem *participantDelegate(const QString &participantId) const
    {
        return item(u"participant_"_s + participantId);
    }
    void click(QQuickItem *target);
    void typeInto(const QString &objectName, const QString &text);
    /// Signs in as Ben (through the proxy) and joins Ana's session through the sign-in page.
    void joinViaUi();
    /// The server's state of the session now, as a fresh join sees it.
    SessionSnapshot serverState();

    std::unique_ptr<SessionServer> m_server;
    std::unique_ptr<FaultProxy> m_proxy;
    std::unique_ptr<WebSocketService> m_owner;
    QString m_sessionId;
    QString m_inviteCode;
    std::unique_ptr<AppController> m_controller;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QQuickWindow *m_window = nullptr;
};

void TestSessionTruth::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"HelpyTest"_s);
    QCoreApplication::setApplicationName(u"tst_session_truth"_s);
    QQuickStyle::setStyle(u"Fusion"_s);
}

void TestSessionTruth::init()
{
    QSettings().clear();
    ServerOptions options;
    options.presenceGraceSeconds = 0; // a dropped client is offline at once
    m_server = std::make_unique<SessionServer>(options);
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
    m_proxy = std::make_unique<FaultProxy>();
    QVERIFY(m_proxy->listen(QHostAddress::LocalHost, m_server->port()));

    m_owner = std::make_unique<WebSocketService>();
    QVERIFY(connectAndWelcome(*m_owner, m_server->url(), u"Ana"_s));
    const auto created = await([&](auto done) { m_owner->createSession(u"Algebra"_s, done); });
    m_sessionId
        = resultOf<CreateSessionResult>(created.ack).value_or(CreateSessionResult {}).sessionId;
    QVERIFY(!m_sessionId.isEmpty());
    QVERIFY(await([&](auto done) { m_owner->joinSession(m_sessionId, done); }).ok);
    const auto invite = await([&](auto done) { m_owner->createInvite(m_sessionId, done); });
    m_inviteCode
        = resultOf<CreateInviteResult>(invite.ack).value_or(CreateInviteResult {}).inviteCode;
    QVERIFY(!m_inviteCode.isEmpty());

    m_controller = std::make_unique<AppController>(nullptr);
    m_engine = std::make_unique<QQmlApplicationEngine>();
    loadMainWindow(*m_engine, m_window);
    QVERIFY(m_window);
}

void TestSessionTruth::cleanup()
{
    m_engine.reset();
    m_window = nullptr;
    m_controller.reset();
    m_owner.reset();
    m_proxy.reset();
    m_server.reset();
    m_sessionId.clear();
    m_inviteCode.clear();
}

void TestSessionTruth::click(QQuickItem *target)
{
    QVERIFY(target);
    QVERIFY(target->isVisible());
    const QPointF center = target->mapToScene(QPointF(target->width() / 2, target->height() / 2));
    QTest::mouseClick(m_window, Qt::LeftButton, Qt::NoModifier, center.toPoint());
}

void TestSessionTruth::typeInto(const QString &objectName, const QString &text)
{
    QQuickItem *field = item(objectName);
    QVERIFY2(field, qPrintable(objectName));
    click(field);
    QTRY_VERIFY(field->hasActiveFocus());
    QTest::keyClick(m_window, Qt::Key_A, Qt::ControlModifier);
    for (const QChar c : text)
        QTest::keyClick(m_window, c.toLatin1());
    QCOMPARE(field->property("text").toString(), text);
}

void TestSessionTruth::joinViaUi()
{
    QVERIFY(item(u"signInPage"_s));
    typeInto(u"nameField"_s, u"Ben"_s);
    typeInto(u"serverField"_s, m_proxy->proxiedUrl(m_server->url()).toString());
    typeInto(u"inviteCodeField"_s, m_inviteCode);
    click(item(u"joinButton"_s));
    QTRY_VERIFY(item(u"sessionPage"_s));
    QTRY_VERIFY(m_controller->currentSession() && m_controller->currentSession()->isLoaded());
    QTRY_VERIFY(participantDelegate(m_owner->userId()));
}

SessionSnapshot TestSessionTruth::serverState()
{
    WebSocketService observer;
    if (!connectAndWelcome(observer, m_server->url(), u"Ana"_s, m_owner->token()))
        return {};
    QSignalSpy snapshots(&observer, &WebSocketService::sessionSnapshotReceived);
    if (!await([&](auto done) { observer.joinSession(m_sessionId, done); }).ok
        || snapshots.isEmpty())
        return {};
    return snapshots.constLast().at(0).value<SessionSnapshot>();
}

void TestSessionTruth::reopeningASessionShowsWhatChangedMeanwhile()
{
    joinViaUi();
    if (QTest::currentTestFailed())
        return;
    const QString ben = m_controller->userId();
    QVERIFY(
        await([&](auto done) { m_owner->sendMessage(m_sessionId, u"Welcome, Ben"_s, done); }).ok);
    QTRY_COMPARE(m_controller->currentSession()->messages()->count() > 0, true);

    // Ben goes back to the list…
    click(item(u"backButton"_s));
    QTRY_VERIFY(item(u"sessionListPage"_s));
    QVERIFY(!m_controller->currentSession());

    // … while Cy joins, Ana adds a Helpy, writes, and removes Cy (who was online).
    WebSocketService cy;
    QVERIFY(connectAndWelcome(cy, m_server->url(), u"Cy"_s));
    QVERIFY(await([&](auto done) { cy.joinByInvite(m_inviteCode, done); }).ok);
    QVERIFY(await([&](auto done) {
        m_owner->sendParticipantAdded(
            m_sessionId, ParticipantType::Helpy, {}, u"Math Helpy"_s, done);
    }).ok);
    QVERIFY(await([&](auto done) { m_owner->sendMessage(m_sessionId, u"Cy, hi"_s, done); }).ok);
    QVERIFY(await([&](auto done) { cy.sendMessage(m_sessionId, u"Hi all"_s, done); }).ok);
    QVERIFY(await([&](auto done) {
        m_owner->sendParticipantRemoved(m_sessionId, cy.userId(), done);
    }).ok);
    QVERIFY(await([&](auto done) { m_owner->sendMessage(m_sessionId, u"Last words"_s, done); }).ok);
    const Frame truth = frameOf(serverState());
    QCOMPARE(truth.participants.size(), 3); // Ana, Ben, Math Helpy
    QCOMPARE(truth.messages.size(), 4);

    // Ben reopens it: the first frame the page shows is the server's.
    std::optional<Frame> firstFrame;
    connect(m_controller.get(), &AppController::currentSessionChanged, this, [&] {
        GroupSession *session = m_controller->currentSession();
        if (!session)
            return;
        if (session->isLoaded())
            firstFrame = frameOf(*session);
        connect(session, &GroupSession::loadedChanged, this, [&, session] {
            if (session->isLoaded() && !firstFrame)
                firstFrame = frameOf(*session);
        });
    });
    m_controller->openSession(m_sessionId);
    QTRY_VERIFY(firstFrame.has_value());
    QCOMPARE(firstFrame->participants, truth.participants);
    QCOMPARE(firstFrame->messages, truth.messages);
    QTRY_VERIFY(item(u"sessionPage"_s));
    QVERIFY(!participantDelegate(cy.userId()));
    QCOMPARE(item(u"participantList"_s)->property("count").toInt(), 3);
    QCOMPARE(participantDelegate(ben)->property("isSelf").toBool(), true);
}

void TestSessionTruth::othersPresenceIsUnknownWhileDisconnected()
{
    joinViaUi();
    if (QTest::currentTestFailed())
        return;
    QQuickItem *ana = participantDelegate(m_owner->userId());
    QVERIFY(ana);
    auto *presenceLabel = ana->findChild<QQuickItem *>(u"presenceLabel"_s);
    QVERIFY(presenceLabel);
    QCOMPARE(ana->property("presenceKnown").toBool(), true);
    QVERIFY(presenceLabel->property("text").toString().endsWith(u"online"_s));
    const ParticipantListModel *model = m_controller->currentSession()->participants();
    QCOMPARE(model->presenceKnown(), true);

    // Ben's network goes away: Ana is not "online" as far as Ben can know.
    m_proxy->setRefuse(true);
    m_proxy->cutAll();
    QTRY_VERIFY(m_controller->connectionState() != WebSocketService::State::Connected);
    QTRY_COMPARE(ana->property("presenceKnown").toBool(), false);
    QCOMPARE(model->presenceKnown(), false);
    QVERIFY2(presenceLabel->property("text").toString().endsWith(u"presence unknown"_s),
        qPrintable(presenceLabel->property("text").toString()));
    auto *dot = ana->findChild<QQuickItem *>(u"presenceDot"_s);
    QVERIFY(dot);
    // The own row keeps its presence: Ben knows he is there.
    QCOMPARE(participantDelegate(m_controller->userId())->property("presenceKnown").toBool(), true);

    // Back online: the real values return once the session resumed.
    m_proxy->setRefuse(false);
    m_controller->retry();
    QTRY_COMPARE_WITH_TIMEOUT(
        m_controller->connectionState(), WebSocketService::State::Connected, 10000);
    QTRY_COMPARE(ana->property("presenceKnown").toBool(), true);
    QVERIFY(presenceLabel->property("text").toString().endsWith(u"online"_s));
}

/**
 * Ben's network drops while the session is open; Ana removes him and goes on talking. When
 * he is back, the app does not keep showing the session as if he were in it: the page
 * closes, the notice says he was removed, and the list no longer has the session.
 */
void TestSessionTruth::removedWhileOfflineIsToldOnReturn()
{
    joinViaUi();
    if (QTest::currentTestFailed())
        return;
    const QString ben = m_controller->userId();
    QSignalSpy notices(m_controller.get(), &AppController::notice);
    m_proxy->setRefuse(true);
    m_proxy->cutAll();
    QTRY_VERIFY(m_controller->connectionState() != WebSocketService::State::Connected);
    QVERIFY(await([&](auto done) { m_owner->sendParticipantRemoved(m_sessionId, ben, done); }).ok);
    QVERIFY(await([&](auto done) { m_owner->sendMessage(m_sessionId, u"Bye Ben"_s, done); }).ok);
    QVERIFY(item(u"sessionPage"_s)); // nothing to know yet

    m_proxy->setRefuse(false);
    m_controller->retry();
    QTRY_VERIFY_WITH_TIMEOUT(item(u"sessionListPage"_s), 10000);
    QVERIFY(!m_controller->currentSession());
    QTRY_VERIFY(!notices.isEmpty());
    QCOMPARE(notices.constLast().constFirst().toString(), u"You were removed from “Algebra”."_s);
    QTRY_COMPARE(m_controller->sessions()->rowCount(), 0);
}

QTEST_MAIN(TestSessionTruth)
#include "tst_session_truth.moc"
