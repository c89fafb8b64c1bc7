// SPDX-License-Identifier: MIT
// Durable sessions: a real SQLite file, a server stopped and started again on it.
#include "rawclient.h"
#include "sessionserver.h"
#include "sqlitesessionstore.h"

#include <QFile>
#include <QJsonArray>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;

namespace {

std::function<bool(const QJsonObject &)> messageSaying(const QString &text)
{
    return [text](const QJsonObject &f) { return f["type"] == "message" && f["text"] == text; };
}

/// Another connection to the file holding SQLite's write lock: the server's writer thread
/// cannot commit (it waits, up to its busy time-out), so nothing is synced until release().
class WriteLock
{
public:
    explicit WriteLock(const QString &path)
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"write-lock"_s);
        db.setDatabaseName(path);
        QSqlQuery begin(db.open() ? db : QSqlDatabase());
        m_held = begin.exec(u"BEGIN IMMEDIATE"_s);
    }
    ~WriteLock() { release(); }
    Q_DISABLE_COPY_MOVE(WriteLock)

    bool isHeld() const { return m_held; }
    void release()
    {
        if (!QSqlDatabase::contains(u"write-lock"_s))
            return;
        {
            QSqlDatabase db = QSqlDatabase::database(u"write-lock"_s);
            QSqlQuery(db).exec(u"ROLLBACK"_s);
            db.close();
        }
        QSqlDatabase::removeDatabase(u"write-lock"_s);
        m_held = false;
    }

private:
    bool m_held = false;
};

} // namespace

class TestStorage : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir dir;
    QString dbPath;

    std::unique_ptr<SessionServer> startServer(const QString &path = {})
    {
        ServerOptions options;
        options.heartbeatSeconds = 0;
        options.presenceGraceSeconds = 0;
        options.dataPath = path.isEmpty() ? dbPath : path;
        auto server = std::make_unique<SessionServer>(options);
        if (!server->listen())
            qWarning("listen failed: %s", qPrintable(server->errorString()));
        return server;
    }

    static bool ok(const QJsonObject &answer) { return answer["type"] == "ack"; }

private Q_SLOTS:
    void init()
    {
        QVERIFY(dir.isValid());
        dbPath = dir.filePath(QStringLiteral("%1.sqlite").arg(QTest::currentTestFunction()));
    }

    void aRestartKeepsEverythingAndAResumeGetsOnlyWhatWasMissed()
    {
        auto server = startServer();
        QVERIFY(server->isListening());
        auto ana = std::make_unique<RawClient>();
        auto ben = std::make_unique<RawClient>();
        QVERIFY(ana->signIn(server->url(), u"Ana"_s));
        QVERIFY(ben->signIn(server->url(), u"Ben"_s));
        const QString id
            = ana->request({ { "type", "create_session" }, { "title", "Chemistry" } })["sessionId"]
                  .toString();
        QVERIFY(ok(ana->request({ { "type", "join_session" }, { "sessionId", id } })));
        const QString code
            = ana->request({ { "type", "create_invite" }, { "sessionId", id } })["inviteCode"]
                  .toString();
        QVERIFY(ok(ben->request({ { "type", "join_session" }, { "inviteCode", code } })));
        QVERIFY(ok(ana->request({ { "type", "set_role" }, { "sessionId", id },
            { "participantId", ben->userId }, { "role", "moderator" } })));
        QVERIFY(ok(ana->request(
            { { "type", "send_message" }, { "sessionId", id }, { "text", "before" } })));
        const QString epoch = server->epoch(id);
        const QString anaToken = ana->token, benToken = ben->token;
        const QString benId = ben->userId;
        const qint64 benSeen = server->revision(id);
        ben.reset();
        // three acknowledged changes Ben does not see
        QVERIFY(ok(ana->request({ { "type", "add_participant" }, { "sessionId", id },
            { "participantType", "helpy" }, { "displayName", "Tutor" } })));
        QVERIFY(ok(ana->request({ { "type", "send_message" }, { "sessionId", id },
            { "requestId", "once" }, { "text", "after" } })));
        QVERIFY(ok(ana->request(
            { { "type", "send_message" }, { "sessionId", id }, { "text", "again" } })));
        const qint64 ackedRevision = server->revision(id);
        const auto rosterBefore = server->participants(id);
        ana.reset();
        server.reset(); // stopped

        server = startServer();
        QVERIFY(server->isListening());
        QCOMPARE(server->epoch(id), epoch); // the same log goes on: no snapshot needed
        QVERIFY(server->revision(id) >= ackedRevision); // zero acknowledged events lost
        QCOMPARE(server->participants(id).size(), rosterBefore.size());
        for (const auto &p : server->participants(id)) {
            if (p.type == Protocol::ParticipantType::User)
                QVERIFY(p.presence == Protocol::Presence::Offline); // nobody is connected yet
        }

        RawClient back;
        QVERIFY(back.signIn(server->url(), u"Ben"_s, benToken));
        QCOMPARE(back.userId, benId); // the identity survived
        const QJsonObject resumed = back.request({ { "type", "join_session" }, { "sessionId", id },
            { "epoch", epoch }, { "sinceRevision", benSeen } });
        QVERIFY(ok(resumed));
        QCOMPARE(resumed["resumed"], true);
        const QList<QJsonObject> missed = back.events(id);
        QCOMPARE(missed.size(), server->revision(id) - benSeen);
        QCOMPARE(missed.first()["revision"].toInteger(), benSeen + 1);
        QStringList texts;
        for (const QJsonObject &event : missed) {
            if (event["type"] == "message")
                texts << event["text"].toString();
        }
        QCOMPARE(texts, QStringList({ u"after"_s, u"again"_s }));

        // roles and invites survived too; a retried request is still answered, not re-applied
        QVERIFY(ok(
            back.request({ { "type", "create_invite" }, { "sessionId", id } }))); // moderators may
        RawClient anaAgain;
        QVERIFY(anaAgain.signIn(server->url(), u"Ana"_s, anaToken));
        const qint64 revision = server->revision(id);
        QVERIFY(ok(anaAgain.request({ { "type", "send_message" }, { "sessionId", id },
            { "requestId", "once" }, { "text", "after" } })));
        QCOMPARE(server->revision(id), revision);
        RawClient cy;
        QVERIFY(cy.signIn(server->url(), u"Cy"_s));
        QVERIFY(ok(cy.request({ { "type", "join_session" }, { "inviteCode", code } })));
        const auto snapshot
            = cy.waitFor([](const QJsonObject &f) { return f["type"] == "session_snapshot"; });
        QVERIFY(snapshot);
        QCOMPARE((*snapshot)["messages"].toArray().size(), 3);
        QCOMPARE((*snapshot)["title"], "Chemistry");
    }

    /// Ana and Ben in one session; its id.
    static QString sessionOfTwo(SessionServer &server, RawClient &ana, RawClient &ben)
    {
        if (!ana.signIn(server.url(), u"Ana"_s) || !ben.signIn(server.url(), u"Ben"_s))
            return {};
        const QString id
            = ana.request({ { "type", "create_session" }, { "title", "Physics" } })["sessionId"]
                  .toString();
        ana.request({ { "type", "join_session" }, { "sessionId", id } });
        const QString code
            = ana.request({ { "type", "create_invite" }, { "sessionId", id } })["inviteCode"]
                  .toString();
        return ok(ben.request({ { "type", "join_session" }, { "inviteCode", code } })) ? id
                                                                                       : QString();
    }

    void othersSeeAnEventBeforeItIsSyncedAndItsAnswerWaitsForTheSync()
    {
        auto server = startServer();
        RawClient ana, ben;
        const QString id = sessionOfTwo(*server, ana, ben);
        QVERIFY(!id.isEmpty());

        WriteLock lock(dbPath);
        QVERIFY(lock.isHeld());

        const qsizetype anaFrom = ana.frames.size();
        ana.send({ { "type", "send_message" }, { "sessionId", id }, { "requestId", "m1" },
            { "text", "while syncing" } });
        QVERIFY(ben.waitFor(messageSaying(u"while syncing"_s))); // delivered, not yet synced
        QVERIFY(ana.waitFor(messageSaying(u"while syncing"_s), anaFrom));
        const auto answered
            = [](const QJsonObject &f) { return f["type"] == "ack" && f["requestId"] == "m1"; };
        QVERIFY(!ana.waitFor(answered, anaFrom, 0)); // the answer promises durability: later

        lock.release();
        const auto ack = ana.waitFor(answered, anaFrom);
        QVERIFY(ack);
        // ...and it came after the event, in the order the server sent them.
        qsizetype eventAt = -1, ackAt = -1;
        for (qsizetype i = anaFrom; i < ana.frames.size(); ++i) {
            if (messageSaying(u"while syncing"_s)(ana.frames.at(i)))
                eventAt = i;
            else if (answered(ana.frames.at(i)))
                ackAt = i;
        }
        QVERIFY(eventAt >= 0 && eventAt < ackAt);
    }

    void aJoinerGetsItsSnapshotBeforeWhatWasCommittedWhileItWaited()
    {
        auto server = startServer();
        RawClient ana, ben;
        const QString id = sessionOfTwo(*server, ana, ben);
        QVERIFY(!id.isEmpty());
        const QString code
            = ana.request({ { "type", "create_invite" }, { "sessionId", id } })["inviteCode"]
                  .toString();
        RawClient cy;
        QVERIFY(cy.signIn(server->url(), u"Cy"_s));

        WriteLock lock(dbPath);
        QVERIFY(lock.isHeld());
        // Cy's join is committed, not synced: its snapshot waits. Ana's message, committed
        // after it, goes to the followers at once; Cy follows from the join's commit on, so
        // hers queues behind the snapshot instead of passing Cy by.
        const qsizetype cyFrom = cy.frames.size();
        cy.send({ { "type", "join_session" }, { "requestId", "j" }, { "inviteCode", code } });
        QVERIFY(ben.waitFor([](const QJsonObject &f) { return f["type"] == "participant_added"; }));
        ana.send({ { "type", "send_message" }, { "sessionId", id }, { "requestId", "m" },
            { "text", "meanwhile" } });
        QVERIFY(ben.waitFor(messageSaying(u"meanwhile"_s)));
        QVERIFY(!cy.waitFor([](const QJsonObject &) { return true; }, cyFrom, 0)); // held

        lock.release();
        const auto message = cy.waitFor(messageSaying(u"meanwhile"_s), cyFrom);
        QVERIFY(message);
        qsizetype snapshotAt = -1, messageAt = -1;
        for (qsizetype i = cyFrom; i < cy.frames.size(); ++i) {
            if (cy.frames.at(i)["type"] == "session_snapshot")
                snapshotAt = i;
            else if (messageSaying(u"meanwhile"_s)(cy.frames.at(i)))
                messageAt = i;
        }
        QVERIFY(snapshotAt >= 0 && snapshotAt < messageAt);
        QCOMPARE((*message)["revision"].toInteger(),
            cy.frames.at(snapshotAt)["revision"].toInteger() + 1);
    }

    void aCrashStartsNewEpochsAndAResumeGetsASnapshot()
    {
        auto server = startServer();
        RawClient ana, ben;
        const QString id = sessionOfTwo(*server, ana, ben);
        QVERIFY(!id.isEmpty());
        QVERIFY(ok(ana.request(
            { { "type", "send_message" }, { "sessionId", id }, { "text", "acknowledged" } })));
        const QString epoch = server->epoch(id);
        const qint64 seen = server->revision(id);

        // What a crash leaves: the file and its write-ahead log as they are while the server
        // runs ('running' in it). The server below stops cleanly on its own copy.
        const QString crashed = dir.filePath(u"crashed.sqlite"_s);
        for (const QString &suffix : { u""_s, u"-wal"_s }) {
            QFile::remove(crashed + suffix);
            QVERIFY(QFile::copy(dbPath + suffix, crashed + suffix));
        }
        ana.socket.close();
        ben.socket.close();
        server.reset();

        server = startServer(); // stopped cleanly: the same epochs, resumes go on
        QCOMPARE(server->epoch(id), epoch);
        server.reset();

        server = startServer(crashed);
        QVERIFY(server->isListening());
        QVERIFY(server->epoch(id) != epoch); // what clients hold may be more than the file
        QVERIFY(server->revision(id) >= seen); // nothing acknowledged is lost
        RawClient back;
        QVERIFY(back.signIn(server->url(), u"Ben"_s, ben.token));
        const QJsonObject resumed = back.request({ { "type", "join_session" }, { "sessionId", id },
            { "epoch", epoch }, { "sinceRevision", seen } });
        QVERIFY(ok(resumed));
        QCOMPARE(resumed["resumed"], false);
        QCOMPARE(resumed["epoch"], server->epoch(id));
        const auto snapshot
            = back.waitFor([](const QJsonObject &f) { return f["type"] == "session_snapshot"; });
        QVERIFY(snapshot);
        QCOMPARE((*snapshot)["epoch"], server->epoch(id));
        bool kept = false;
        for (const QJsonValue &message : (*snapshot)["messages"].toArray())
            kept = kept || message["text"] == "acknowledged";
        QVERIFY(kept);
    }

    void aCorruptFileIsAClearErrorNotACrash()
    {
        QFile file(dbPath);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(4096, '\x5a'));
        file.close();
        ServerOptions options;
        options.dataPath = dbPath;
        SessionServer server(options);
        QVERIFY(!server.listen());
        QVERIFY2(server.errorString().contains(u"not a usable database"_s),
            qPrintable(server.errorString()));
        QVERIFY(server.errorString().contains(dbPath));
    }

    void anUnwritablePlaceIsAClearError()
    {
        const QString blocker = dir.filePath(u"a-file"_s);
        QFile file(blocker);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        ServerOptions options;
        options.dataPath = blocker + u"/sub/sessions.sqlite"_s; // its "folder" is a file
        SessionServer server(options);
        QVERIFY(!server.listen());
        QVERIFY2(server.errorString().contains(u"cannot create the folder"_s),
            qPrintable(server.errorString()));
    }

    void aSecondServerOnTheSameFileIsRefused()
    {
        auto first = startServer();
        QVERIFY(first->isListening());
        ServerOptions options;
        options.dataPath = dbPath;
        SessionServer second(options);
        QVERIFY(!second.listen());
        QVERIFY2(second.errorString().contains(u"in use by another server"_s),
            qPrintable(second.errorString()));
        first.reset(); // released with its owner
        SessionServer third(options);
        QVERIFY2(third.listen(), qPrintable(third.errorString()));
    }

    void anOlderSchemaIsMigratedAndANewerOneRefused()
    {
        {
            auto db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"old"_s);
            db.setDatabaseName(dbPath);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(u"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"_s));
            QVERIFY(q.exec(u"INSERT INTO meta VALUES ('schema_version', '1')"_s));
            QVERIFY(q.exec(
                u"CREATE TABLE users (id TEXT PRIMARY KEY, token TEXT NOT NULL UNIQUE, display_name TEXT NOT NULL)"_s));
            QVERIFY(q.exec(
                u"CREATE TABLE sessions (id TEXT PRIMARY KEY, title TEXT NOT NULL, epoch TEXT NOT NULL)"_s));
            QVERIFY(q.exec(
                u"CREATE TABLE events (session_id TEXT NOT NULL, revision INTEGER NOT NULL, frame TEXT NOT NULL, PRIMARY KEY (session_id, revision)) WITHOUT ROWID"_s));
            QVERIFY(q.exec(
                u"CREATE TABLE invites (code TEXT PRIMARY KEY, session_id TEXT NOT NULL)"_s));
            QVERIFY(q.exec(u"INSERT INTO users VALUES ('u-old', 'old-token', 'Olga')"_s));
            QVERIFY(q.exec(u"INSERT INTO invites VALUES ('OLDC0DE2', 's-gone')"_s));
            db.close();
        }
        QSqlDatabase::removeDatabase(u"old"_s);
        {
            auto server = startServer();
            QVERIFY(server->isListening());
            RawClient olga;
            QVERIFY(olga.signIn(server->url(), u"Olga"_s, u"old-token"_s));
            QCOMPARE(olga.userId, u"u-old"_s);
            QVERIFY(ok(olga.request(
                { { "type", "create_session" }, { "requestId", "r1" }, { "title", "Migrated" } })));
        }
        {
            auto db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"check"_s);
            db.setDatabaseName(dbPath);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(u"SELECT value FROM meta WHERE key = 'schema_version'"_s) && q.next());
            QCOMPARE(q.value(0).toInt(), SqliteSessionStore::SchemaVersion);
            QVERIFY(q.exec(u"SELECT COUNT(*) FROM answer_log"_s) && q.next());
            QCOMPARE(q.value(0).toInt(), 1);
            // Migration 3: a code made before invites had terms expires a week after it.
            QVERIFY(q.exec(u"SELECT expires_at, uses FROM invites WHERE code = 'OLDC0DE2'"_s)
                && q.next());
            QVERIFY(!q.value(0).isNull());
            QCOMPARE(q.value(1).toInt(), 0);
            QVERIFY(q.exec(u"UPDATE meta SET value = '99' WHERE key = 'schema_version'"_s));
            db.close();
        }
        QSqlDatabase::removeDatabase(u"check"_s);
        ServerOptions options;
        options.dataPath = dbPath;
        SessionServer newer(options);
        QVERIFY(!newer.listen());
        QVERIFY2(newer.errorString().contains(u"newer"_s), qPrintable(newer.errorString()));
    }

    /// Schema 5 (issue 16) turned the events and the answers into logs appended to: a file of
    /// schema 4 keeps every session's events in order and its answers, newest last.
    void aSchema4FileKeepsItsEventsAndAnswers()
    {
        const auto renamed = [](int revision, const QString &title) {
            return Protocol::encode(Protocol::ServerFrame(
                Protocol::SessionRenamedEvent { u"s-old"_s, u"e-old"_s, revision, title, u"u-old"_s,
                    QDateTime(QDate(2026, 12, 3), QTime(9, 0), Qt::UTC) }));
        };
        {
            auto db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"v4"_s);
            db.setDatabaseName(dbPath);
            QVERIFY(db.open());
            QSqlQuery q(db);
            for (const QString &statement : {
                     u"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"_s,
                     u"INSERT INTO meta VALUES ('schema_version', '4')"_s,
                     u"CREATE TABLE users (id TEXT PRIMARY KEY, token TEXT NOT NULL UNIQUE,"
                     " display_name TEXT NOT NULL)"_s,
                     u"CREATE TABLE sessions (id TEXT PRIMARY KEY, title TEXT NOT NULL,"
                     " epoch TEXT NOT NULL)"_s,
                     u"CREATE TABLE events (session_id TEXT NOT NULL REFERENCES sessions(id),"
                     " revision INTEGER NOT NULL, frame TEXT NOT NULL,"
                     " PRIMARY KEY (session_id, revision)) WITHOUT ROWID"_s,
                     u"CREATE TABLE invites (code TEXT PRIMARY KEY, session_id TEXT NOT NULL,"
                     " expires_at TEXT, max_uses INTEGER, uses INTEGER NOT NULL DEFAULT 0,"
                     " revoked INTEGER NOT NULL DEFAULT 0)"_s,
                     u"CREATE TABLE answers (seq INTEGER PRIMARY KEY AUTOINCREMENT,"
                     " user_id TEXT NOT NULL, request_id TEXT NOT NULL, answer TEXT NOT NULL,"
                     " UNIQUE (user_id, request_id))"_s,
                     u"CREATE INDEX answers_by_user ON answers (user_id, seq)"_s,
                     u"CREATE TABLE bans (session_id TEXT NOT NULL, user_id TEXT NOT NULL,"
                     " PRIMARY KEY (session_id, user_id)) WITHOUT ROWID"_s,
                     u"INSERT INTO users VALUES ('u-old', 'old-token', 'Olga')"_s,
                     u"INSERT INTO sessions VALUES ('s-old', 'First', 'e-old')"_s,
                     u"INSERT INTO answers (user_id, request_id, answer)"
                     " VALUES ('u-old', 'r-1', 'first'), ('u-old', 'r-2', 'second')"_s,
                 })
                QVERIFY2(q.exec(statement), qPrintable(q.lastError().text()));
            // Written in the order of the key (session, revision), not of time.
            QVERIFY(q.prepare(u"INSERT INTO events VALUES ('s-old', ?, ?)"_s));
            for (const int revision : { 2, 1 }) {
                q.addBindValue(revision);
                q.addBindValue(renamed(revision, revision == 1 ? u"First"_s : u"Second"_s));
                QVERIFY(q.exec());
            }
            db.close();
        }
        QSqlDatabase::removeDatabase(u"v4"_s);
        SqliteSessionStore store(dbPath);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        const SessionStore::Contents contents = store.load();
        QCOMPARE(contents.sessions.size(), 1);
        QCOMPARE(contents.sessions.first().events,
            QStringList({ renamed(1, u"First"_s), renamed(2, u"Second"_s) }));
        QCOMPARE(contents.answers.size(), 2);
        QCOMPARE(contents.answers.at(0).requestId, u"r-1"_s); // oldest first
        QCOMPARE(contents.answers.at(1).answer, u"second"_s);
        // And the log goes on after them.
        store.begin();
        store.appendEvent(u"s-old"_s, 3, renamed(3, u"Third"_s));
        store.saveAnswer(u"u-old"_s, u"r-3"_s, u"third"_s);
        QVERIFY(store.commit());
        QCOMPARE(store.durabilityBarrier()(), QString());
        const SessionStore::Contents after = store.load();
        QCOMPARE(after.sessions.first().events.size(), 3);
        QCOMPARE(after.answers.size(), 3);
        QCOMPARE(after.answers.last().requestId, u"r-3"_s);
    }
};

QTEST_GUILESS_MAIN(TestStorage)
#include "tst_storage.moc"
