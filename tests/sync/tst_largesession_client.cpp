// SPDX-License-Identifier: MIT
// The client's side of large sessions (roster_summary): WebSocketService + GroupSessionNotifier
// against a real server. The count and partiality after many joins, the whole roster on
// demand, an early member moved to summary, and a reconnect across joins ending with the
// server's count.
#include "groupsessionnotifier.h"
#include "rawclient.h"
#include "serveroptions.h"
#include "servicewaits.h"
#include "sessionserver.h"
#include "websocketservice.h"

#include <QJsonArray>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace Protocol;

class TestLargeSessionClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void aLateJoinerHasTheStageAndTheCount();
    void theWholeRosterOnDemand();
    void anEarlyMemberMovesToSummary();
    void aPromotionKeepsTheCount();
    void aReconnectAcrossJoinsEndsWithTheServersCount();

private:
    /// A person joining by the invite through a bare client (opted in).
    void crowd(int people);
    /// Ana (the app's client) joins by the invite and follows the session.
    void anaJoins();

    std::unique_ptr<SessionServer> m_server;
    WebSocketService m_owner;
    std::unique_ptr<WebSocketService> m_ana;
    std::unique_ptr<GroupSessionNotifier> m_session;
    std::vector<std::unique_ptr<RawClient>> m_crowd;
    QString m_sessionId;
    QString m_invite;
};

void TestLargeSessionClient::init()
{
    ServerOptions options;
    options.largeSessionThreshold = 3;
    options.rosterSummaryIntervalMs = 50;
    options.maxHellosPerSecondPerAddress = 100000;
    options.maxRequestsPerSecondPerAddress = 100000;
    m_server = std::make_unique<SessionServer>(options);
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
    QVERIFY(connectAndWelcome(m_owner, m_server->url(), u"Owner"_s));
    QVERIFY(m_owner.grantedFeatures().contains(u"roster_summary"_s));
    const auto created
        = await([&](auto done) { m_owner.createSession(u"Lecture"_s, std::move(done)); });
    QVERIFY(created.ok);
    m_sessionId = resultOf<CreateSessionResult>(created.ack)->sessionId;
    QVERIFY(await([&](auto done) { m_owner.joinSession(m_sessionId, std::move(done)); }).ok);
    const auto invite
        = await([&](auto done) { m_owner.createInvite(m_sessionId, std::move(done)); });
    QVERIFY(invite.ok);
    m_invite = resultOf<CreateInviteResult>(invite.ack)->inviteCode;
}

void TestLargeSessionClient::cleanup()
{
    m_session.reset();
    m_ana.reset();
    m_crowd.clear();
    m_owner.disconnectFromServer();
    m_server.reset();
}

void TestLargeSessionClient::crowd(int people)
{
    for (int i = 0; i < people; ++i) {
        auto client = std::make_unique<RawClient>();
        QVERIFY(client->open(m_server->url()));
        client->send({ { "type", "hello" }, { "protocol", 1 },
            { "displayName", u"Student %1"_s.arg(m_crowd.size() + 1) },
            { "features", QJsonArray { "roster_summary" } } });
        const auto welcome
            = client->waitFor([](const QJsonObject &f) { return f["type"] == "welcome"; });
        QVERIFY(welcome);
        client->userId = (*welcome)["userId"].toString();
        QCOMPARE(
            client->request({ { "type", "join_session" }, { "inviteCode", m_invite } })["type"],
            "ack");
        m_crowd.push_back(std::move(client));
    }
}

void TestLargeSessionClient::anaJoins()
{
    m_ana = std::make_unique<WebSocketService>();
    QVERIFY(connectAndWelcome(*m_ana, m_server->url(), u"Ana"_s));
    const auto joined = await([&](auto done) { m_ana->joinByInvite(m_invite, std::move(done)); });
    QVERIFY(joined.ok);
    m_session = std::make_unique<GroupSessionNotifier>(m_ana.get(), m_sessionId);
    QVERIFY(m_session->hasState());
}

void TestLargeSessionClient::aLateJoinerHasTheStageAndTheCount()
{
    crowd(6);
    anaJoins();
    QVERIFY(m_session->isRosterPartial());
    QCOMPARE(m_session->participantCount(), 8); // the owner, 6, Ana
    QCOMPARE(ids(m_session->participants()), (QStringList { m_owner.userId(), m_ana->userId() }));
    QSignalSpy sized(m_session.get(), &GroupSessionNotifier::rosterSizeChanged);
    crowd(3);
    QTRY_COMPARE(m_session->participantCount(), 11);
    QCOMPARE(m_session->participants().size(), 2);
    QVERIFY(sized.count() >= 1);
}

void TestLargeSessionClient::theWholeRosterOnDemand()
{
    crowd(6);
    anaJoins();
    QVERIFY(m_session->isRosterPartial());
    m_session->requestFullRoster();
    QTRY_VERIFY(!m_session->isRosterPartial());
    QCOMPARE(m_session->participants().size(), 8);
    QCOMPARE(m_session->participantCount(), 8);
    // Whole from then on: later joins arrive as rows.
    crowd(2);
    QTRY_COMPARE(m_session->participants().size(), 10);
    QCOMPARE(m_session->participantCount(), 10);
    QVERIFY(!m_session->isRosterPartial());
}

void TestLargeSessionClient::anEarlyMemberMovesToSummary()
{
    anaJoins();
    crowd(1); // owner, Ana, one: 3, not large
    QTRY_COMPARE(m_session->participants().size(), 3);
    QVERIFY(!m_session->isRosterPartial());
    crowd(4);
    QTRY_VERIFY(m_session->isRosterPartial());
    QTRY_COMPARE(m_session->participantCount(), 7);
    // The plain members it held would go stale: the stage and Ana are left.
    QCOMPARE(ids(m_session->participants()), (QStringList { m_owner.userId(), m_ana->userId() }));
}

void TestLargeSessionClient::aPromotionKeepsTheCount()
{
    crowd(6);
    anaJoins();
    QCOMPARE(m_session->participantCount(), 8);
    const QString student = m_crowd.front()->userId;
    // A member we do not hold comes on stage: a row more, the same count.
    QVERIFY(await([&](auto done) {
        m_owner.setRole(m_sessionId, student, Role::Moderator, std::move(done));
    }).ok);
    QTRY_VERIFY(m_session->participant(student).has_value());
    QCOMPARE(m_session->participantCount(), 8);
    QVERIFY(await([&](auto done) {
        m_owner.sendParticipantRemoved(m_sessionId, student, std::move(done));
    }).ok);
    QTRY_VERIFY(!m_session->participant(student).has_value());
    QCOMPARE(m_session->participantCount(), 7);
}

void TestLargeSessionClient::aReconnectAcrossJoinsEndsWithTheServersCount()
{
    crowd(6);
    anaJoins();
    QCOMPARE(m_session->participantCount(), 8);
    m_ana->disconnectFromServer();
    crowd(5); // missed while away
    QSignalSpy caughtUp(m_session.get(), &GroupSessionNotifier::caughtUp);
    QVERIFY(connectAndWelcome(*m_ana, m_server->url(), u"Ana"_s, m_ana->token()));
    QVERIFY(caughtUp.wait(5000));
    QCOMPARE(m_session->participantCount(), 13);
    QVERIFY(m_session->isRosterPartial());
}

QTEST_GUILESS_MAIN(TestLargeSessionClient)
#include "tst_largesession_client.moc"
