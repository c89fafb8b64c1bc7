// SPDX-License-Identifier: MIT
// A session's own life: its owner renames it (every member sees the new title, the list too)
// or deletes it (every member is told; it is no longer listed, joined or changed). Both are
// events in the session's log, so a restarted server (SQLite) knows them as well.
#include "rawclient.h"
#include "serveroptions.h"
#include "sessionserver.h"

#include <QJsonArray>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;

class TestSessionLifecycle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void renameReachesEveryMemberAndSurvivesARestart();
    void renameRefusesAnEmptyTitle();
    void renameToTheSameTitleChangesNothing();
    void deleteTellsEveryMemberAndClosesTheSession();
    void aDeletedSessionStaysDeletedAfterARestart();
    void aMemberWhoWasAwayNoLongerFindsADeletedSession();
    void deletingASessionForgetsItsMessagesOnDisk();

private:
    void startServer();
    /// Rows of the server's SQLite file (read beside the running server) that match `where`.
    int rowsOnDisk(const QString &table, const QString &where, const QVariantList &values);
    /// Ana owns a session "Algebra"; Ben joined it with an invite code.
    void anaAndBenInASession();
    static QStringList titlesOf(RawClient &client);

    QTemporaryDir m_dir;
    std::unique_ptr<SessionServer> m_server;
    std::unique_ptr<RawClient> m_ana;
    std::unique_ptr<RawClient> m_ben;
    QString m_sessionId;
    QString m_inviteCode;
};

void TestSessionLifecycle::init()
{
    QVERIFY(m_dir.isValid());
    QFile::remove(m_dir.filePath(u"sessions.sqlite"_s));
    startServer();
}

void TestSessionLifecycle::cleanup()
{
    m_ana.reset();
    m_ben.reset();
    m_server.reset();
    m_sessionId.clear();
    m_inviteCode.clear();
}

void TestSessionLifecycle::startServer()
{
    ServerOptions options;
    options.dataPath = m_dir.filePath(u"sessions.sqlite"_s);
    m_server = std::make_unique<SessionServer>(options);
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
}

void TestSessionLifecycle::anaAndBenInASession()
{
    m_ana = std::make_unique<RawClient>();
    m_ben = std::make_unique<RawClient>();
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
    m_inviteCode = invite["inviteCode"].toString();
    QVERIFY(!m_inviteCode.isEmpty());
    QCOMPARE(m_ben->request({ { "type", "join_session" }, { "inviteCode", m_inviteCode } })["type"],
        "ack");
}

QStringList TestSessionLifecycle::titlesOf(RawClient &client)
{
    QStringList titles;
    const QJsonObject list = client.request({ { "type", "list_sessions" } });
    for (const QJsonValue &row : list["sessions"].toArray())
        titles << row["title"].toString();
    return titles;
}

void TestSessionLifecycle::renameReachesEveryMemberAndSurvivesARestart()
{
    anaAndBenInASession();
    const qsizetype benFrom = m_ben->frames.size();
    const QJsonObject renamed = m_ana->request({ { "type", "rename_session" },
        { "sessionId", m_sessionId }, { "title", "  Algebra II " } });
    QCOMPARE(renamed["type"], "ack");

    // Ben (a member) gets the event, with the next revision and the trimmed title.
    const auto event = m_ben->waitFor(
        [](const QJsonObject &f) { return f["type"] == "session_renamed"; }, benFrom);
    QVERIFY(event);
    QCOMPARE((*event)["title"], "Algebra II");
    QCOMPARE((*event)["actorId"].toString(), m_ana->userId);
    QCOMPARE((*event)["revision"].toInteger(), renamed["revision"].toInteger());
    QTRY_VERIFY(!m_ana->events(m_sessionId).isEmpty()
        && m_ana->events(m_sessionId).constLast()["type"] == "session_renamed");
    const QList<QJsonObject> events = m_ana->events(m_sessionId);
    QVERIFY(events.size() >= 2);
    QCOMPARE(events.constLast()["revision"].toInteger(),
        events.at(events.size() - 2)["revision"].toInteger() + 1);

    QCOMPARE(titlesOf(*m_ben), QStringList { u"Algebra II"_s });
    // A snapshot (a newcomer's view) has it too.
    const qsizetype from = m_ben->frames.size();
    QCOMPARE(m_ben->request({ { "type", "join_session" }, { "sessionId", m_sessionId } })["type"],
        "ack");
    const auto snapshot = m_ben->waitFor(
        [](const QJsonObject &f) { return f["type"] == "session_snapshot"; }, from);
    QVERIFY(snapshot);
    QCOMPARE((*snapshot)["title"], "Algebra II");

    // The title is an event of the log: a restarted server replays it.
    const QString token = m_ana->token;
    m_ana.reset();
    m_ben.reset();
    m_server.reset();
    startServer();
    RawClient ana;
    QVERIFY(ana.signIn(m_server->url(), u"Ana"_s, token));
    QCOMPARE(titlesOf(ana), QStringList { u"Algebra II"_s });
}

void TestSessionLifecycle::renameRefusesAnEmptyTitle()
{
    anaAndBenInASession();
    const QJsonObject answer = m_ana->request(
        { { "type", "rename_session" }, { "sessionId", m_sessionId }, { "title", "   " } });
    QCOMPARE(answer["type"], "error");
    QCOMPARE(answer["code"], "bad_request");
    QCOMPARE(titlesOf(*m_ana), QStringList { u"Algebra"_s });
}

void TestSessionLifecycle::renameToTheSameTitleChangesNothing()
{
    anaAndBenInASession();
    const qsizetype benFrom = m_ben->frames.size();
    const QJsonObject answer = m_ana->request(
        { { "type", "rename_session" }, { "sessionId", m_sessionId }, { "title", "Algebra" } });
    QCOMPARE(answer["type"], "ack");
    QVERIFY(!m_ben->waitFor(
        [](const QJsonObject &f) { return f["type"] == "session_renamed"; }, benFrom, 300));
}

void TestSessionLifecycle::deleteTellsEveryMemberAndClosesTheSession()
{
    anaAndBenInASession();
    const qsizetype benFrom = m_ben->frames.size();
    const QJsonObject deleted
        = m_ana->request({ { "type", "delete_session" }, { "sessionId", m_sessionId } });
    QCOMPARE(deleted["type"], "ack");
    const auto event = m_ben->waitFor(
        [](const QJsonObject &f) { return f["type"] == "session_deleted"; }, benFrom);
    QVERIFY(event);
    QCOMPARE((*event)["sessionId"].toString(), m_sessionId);
    QCOMPARE((*event)["actorId"].toString(), m_ana->userId);
    QCOMPARE((*event)["revision"].toInteger(), deleted["revision"].toInteger());

    // Gone from both lists; not joined, changed or entered by invite any more.
    QVERIFY(titlesOf(*m_ana).isEmpty());
    QVERIFY(titlesOf(*m_ben).isEmpty());
    const QJsonObject join
        = m_ben->request({ { "type", "join_session" }, { "sessionId", m_sessionId } });
    QCOMPARE(join["code"], "not_found");
    QVERIFY2(
        join["message"].toString().contains(u"deleted"_s), qPrintable(join["message"].toString()));
    QCOMPARE(m_ana->request({ { "type", "send_message" }, { "sessionId", m_sessionId },
                 { "text", "anyone?" } })["code"],
        "not_found");
    QCOMPARE(m_ana->request({ { "type", "rename_session" }, { "sessionId", m_sessionId },
                 { "title", "Back" } })["code"],
        "not_found");
    RawClient cai;
    QVERIFY(cai.signIn(m_server->url(), u"Cai"_s));
    QCOMPARE(cai.request({ { "type", "join_session" }, { "inviteCode", m_inviteCode } })["code"],
        "not_found");
    // And the owner may own a new session of the same title.
    QCOMPARE(
        m_ana->request({ { "type", "create_session" }, { "title", "Algebra" } })["type"], "ack");
}

void TestSessionLifecycle::aDeletedSessionStaysDeletedAfterARestart()
{
    anaAndBenInASession();
    QCOMPARE(m_ana->request({ { "type", "delete_session" }, { "sessionId", m_sessionId } })["type"],
        "ack");
    const QString anaToken = m_ana->token;
    const QString benToken = m_ben->token;
    m_ana.reset();
    m_ben.reset();
    m_server.reset();
    startServer();
    RawClient ana;
    RawClient ben;
    QVERIFY(ana.signIn(m_server->url(), u"Ana"_s, anaToken));
    QVERIFY(ben.signIn(m_server->url(), u"Ben"_s, benToken));
    QVERIFY(titlesOf(ana).isEmpty());
    QVERIFY(titlesOf(ben).isEmpty());
    QCOMPARE(ben.request({ { "type", "join_session" }, { "sessionId", m_sessionId } })["code"],
        "not_found");
}

void TestSessionLifecycle::aMemberWhoWasAwayNoLongerFindsADeletedSession()
{
    anaAndBenInASession();
    const QString benToken = m_ben->token;
    m_ben.reset(); // Ben is away when it happens
    QCOMPARE(m_ana->request({ { "type", "delete_session" }, { "sessionId", m_sessionId } })["type"],
        "ack");
    RawClient ben;
    QVERIFY(ben.signIn(m_server->url(), u"Ben"_s, benToken));
    QVERIFY(titlesOf(ben).isEmpty());
    // Resuming where he was ends in a clear refusal, not a snapshot of a dead session.
    const QJsonObject resume = ben.request({ { "type", "join_session" },
        { "sessionId", m_sessionId }, { "epoch", "e" }, { "sinceRevision", 1 } });
    QCOMPARE(resume["code"], "not_found");
}

int TestSessionLifecycle::rowsOnDisk(
    const QString &table, const QString &where, const QVariantList &values)
{
    int rows = -1;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"peek"_s);
        db.setDatabaseName(m_dir.filePath(u"sessions.sqlite"_s));
        db.setConnectOptions(u"QSQLITE_OPEN_READONLY"_s);
        if (db.open()) {
            QSqlQuery query(db);
            query.prepare(u"SELECT count(*) FROM %1 WHERE %2"_s.arg(table, where));
            for (const QVariant &value : values)
                query.addBindValue(value);
            if (query.exec() && query.next())
                rows = query.value(0).toInt();
        }
    }
    QSqlDatabase::removeDatabase(u"peek"_s);
    return rows;
}

void TestSessionLifecycle::deletingASessionForgetsItsMessagesOnDisk()
{
    anaAndBenInASession();
    QCOMPARE(m_ana->request({ { "type", "send_message" }, { "sessionId", m_sessionId },
                 { "text", "my phone number is 0171 4217" } })["type"],
        "ack");
    const QString secret = u"%4217%"_s;
    QCOMPARE(rowsOnDisk(u"event_log"_s, u"frame LIKE ?"_s, { secret }), 1);
    QCOMPARE(rowsOnDisk(u"invites"_s, u"session_id = ?"_s, { m_sessionId }), 1);

    QCOMPARE(m_ana->request({ { "type", "delete_session" }, { "sessionId", m_sessionId } })["type"],
        "ack");
    // Only the deletion is left of the session: no message, no invite. (The writer's sweep
    // deletes the log's earlier rows, a step of SqliteWriter::SweepRows rows at a time.)
    QTRY_COMPARE(rowsOnDisk(u"event_log"_s, u"frame LIKE ?"_s, { secret }), 0);
    QTRY_COMPARE(rowsOnDisk(u"event_log"_s, u"session_id = ?"_s, { m_sessionId }), 1);
    QCOMPARE(rowsOnDisk(u"invites"_s, u"session_id = ?"_s, { m_sessionId }), 0);

    // And it is still deleted (and says so) after a restart.
    const QString benToken = m_ben->token;
    m_ana.reset();
    m_ben.reset();
    m_server.reset();
    startServer();
    RawClient ben;
    QVERIFY(ben.signIn(m_server->url(), u"Ben"_s, benToken));
    QVERIFY(titlesOf(ben).isEmpty());
    const QJsonObject join
        = ben.request({ { "type", "join_session" }, { "sessionId", m_sessionId } });
    QCOMPARE(join["code"], "not_found");
    QVERIFY2(
        join["message"].toString().contains(u"deleted"_s), qPrintable(join["message"].toString()));
}

QTEST_GUILESS_MAIN(TestSessionLifecycle)
#include "tst_sessionlifecycle.moc"
