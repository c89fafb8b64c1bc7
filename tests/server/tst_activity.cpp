// SPDX-License-Identifier: MIT
// What a member learns of a session it does not follow: `session_activity` for each chat
// message (on its connections that did not join the session), and the last message in its
// `list_sessions` row, also after a restart.
#include "rawclient.h"
#include "serveroptions.h"
#include "sessionserver.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;

class TestActivity : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void membersNotFollowingGetTheActivity();
    void listRowsCarryTheLastMessage();
    void theLastMessageSurvivesARestart();

private:
    void startServer();
    /// Ana owns "Algebra" and follows it; Ben joined it, then signed in a second time
    /// (m_benAway) without opening it.
    void anaAndBen();
    QJsonObject rowOf(RawClient &client);

    QTemporaryDir m_dir;
    std::unique_ptr<SessionServer> m_server;
    std::unique_ptr<RawClient> m_ana;
    std::unique_ptr<RawClient> m_ben;
    std::unique_ptr<RawClient> m_benAway;
    QString m_sessionId;
};

void TestActivity::init()
{
    QVERIFY(m_dir.isValid());
    QFile::remove(m_dir.filePath(u"sessions.sqlite"_s));
    startServer();
}

void TestActivity::cleanup()
{
    m_ana.reset();
    m_ben.reset();
    m_benAway.reset();
    m_server.reset();
}

void TestActivity::startServer()
{
    ServerOptions options;
    options.dataPath = m_dir.filePath(u"sessions.sqlite"_s);
    m_server = std::make_unique<SessionServer>(options);
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
}

void TestActivity::anaAndBen()
{
    m_ana = std::make_unique<RawClient>();
    m_ben = std::make_unique<RawClient>();
    m_benAway = std::make_unique<RawClient>();
    QVERIFY(m_ana->signIn(m_server->url(), u"Ana"_s));
    QVERIFY(m_ben->signIn(m_server->url(), u"Ben"_s));
    const QJsonObject created
        = m_ana->request({ { "type", "create_session" }, { "title", "Algebra" } });
    QCOMPARE(created["type"], "ack");
    m_sessionId = created["sessionId"].toString();
    QCOMPARE(m_ana->request({ { "type", "join_session" }, { "sessionId", m_sessionId } })["type"],
        "ack");
    const QJsonObject invite
        = m_ana->request({ { "type", "create_invite" }, { "sessionId", m_sessionId } });
    QCOMPARE(m_ben->request(
                 { { "type", "join_session" }, { "inviteCode", invite["inviteCode"] } })["type"],
        "ack");
    QVERIFY(m_benAway->signIn(m_server->url(), u"Ben"_s, m_ben->token));
    QCOMPARE(m_benAway->userId, m_ben->userId);
}

QJsonObject TestActivity::rowOf(RawClient &client)
{
    const QJsonObject listed = client.request({ { "type", "list_sessions" } });
    for (const QJsonValue row : listed["sessions"].toArray()) {
        if (row["sessionId"] == m_sessionId)
            return row.toObject();
    }
    return {};
}

void TestActivity::membersNotFollowingGetTheActivity()
{
    anaAndBen();
    const qsizetype anaFrom = m_ana->frames.size();
    const qsizetype benFrom = m_ben->frames.size();
    const qsizetype awayFrom = m_benAway->frames.size();
    const QJsonObject sent = m_ana->request({ { "type", "send_message" },
        { "sessionId", m_sessionId }, { "text", "Homework is on page 12" } });
    QCOMPARE(sent["type"], "ack");

    const auto activity = m_benAway->waitFor(
        [](const QJsonObject &f) { return f["type"] == "session_activity"; }, awayFrom);
    QVERIFY(activity);
    QCOMPARE((*activity)["sessionId"], m_sessionId);
    QCOMPARE((*activity)["messageId"], sent["messageId"]);
    QCOMPARE((*activity)["revision"], sent["revision"]);
    QCOMPARE((*activity)["authorId"], m_ana->userId);
    QCOMPARE((*activity)["authorName"], "Ana");
    QCOMPARE((*activity)["text"], "Homework is on page 12");
    QVERIFY(!activity->contains("epoch")); // not an event of the session

    // Followers get the message itself, never the activity too.
    QVERIFY(m_ben->waitFor([](const QJsonObject &f) { return f["type"] == "message"; }, benFrom));
    const auto hasActivity = [](const RawClient &c, qsizetype from) {
        for (qsizetype i = from; i < c.frames.size(); ++i) {
            if (c.frames.at(i)["type"] == "session_activity")
                return true;
        }
        return false;
    };
    QVERIFY(!hasActivity(*m_ben, benFrom));
    QVERIFY(!hasActivity(*m_ana, anaFrom));
    // The connection that does not follow gets no event of the session.
    QVERIFY(m_benAway->events(m_sessionId, awayFrom).isEmpty());

    // A long text travels as a preview.
    const qsizetype before = m_benAway->frames.size();
    QCOMPARE(m_ana->request({ { "type", "send_message" }, { "sessionId", m_sessionId },
                 { "text", QString(1000, u'x') } })["type"],
        "ack");
    const auto longOne = m_benAway->waitFor(
        [](const QJsonObject &f) { return f["type"] == "session_activity"; }, before);
    QVERIFY(longOne);
    QCOMPARE((*longOne)["text"].toString().size(), 280);
}

void TestActivity::listRowsCarryTheLastMessage()
{
    anaAndBen();
    QVERIFY(!rowOf(*m_benAway).contains("lastMessage")); // no message yet
    QCOMPARE(m_ben->request({ { "type", "send_message" }, { "sessionId", m_sessionId },
                 { "text", "first" } })["type"],
        "ack");
    const QJsonObject sent = m_ana->request(
        { { "type", "send_message" }, { "sessionId", m_sessionId }, { "text", "second" } });
    const QJsonObject last = rowOf(*m_benAway)["lastMessage"].toObject();
    QCOMPARE(last["text"], "second");
    QCOMPARE(last["authorName"], "Ana");
    QCOMPARE(last["authorId"], m_ana->userId);
    QCOMPARE(last["revision"], sent["revision"]);
    QVERIFY(!last["timestamp"].toString().isEmpty());
}

void TestActivity::theLastMessageSurvivesARestart()
{
    anaAndBen();
    QCOMPARE(m_ana->request({ { "type", "send_message" }, { "sessionId", m_sessionId },
                 { "text", "before the restart" } })["type"],
        "ack");
    const QString token = m_ben->token;
    m_ana.reset();
    m_ben.reset();
    m_benAway.reset();
    m_server.reset();
    startServer();
    RawClient ben;
    QVERIFY(ben.signIn(m_server->url(), u"Ben"_s, token));
    QCOMPARE(rowOf(ben)["lastMessage"].toObject()["text"], "before the restart");
}

QTEST_GUILESS_MAIN(TestActivity)
#include "tst_activity.moc"
