// SPDX-License-Identifier: MIT
// One user must not stall or bloat the server (issue 11): each test attacks as a hostile or
// careless client would, against a real server on 127.0.0.1 (and real SQLite where storage
// is involved), and prints the figure it measures.
#include "processmemory.h"
#include "rawclient.h"
#include "rawtcpwebsocket.h"
#include "sessionserver.h"
#include "sqlitesessionstore.h"
#include "userdirectory.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <malloc.h>
#include <time.h>

#include <memory>

using namespace Qt::StringLiterals;

namespace {

/// Resident memory of this process (server and test clients alike), after giving freed heap
/// back to the system so that a figure measures what is held, not what was once used.
qint64 heldKiB()
{
    malloc_trim(0);
    return residentKiB();
}

/// CPU time this thread has used, in microseconds.
qint64 threadCpuUs()
{
    timespec now {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return qint64(now.tv_sec) * 1000000 + now.tv_nsec / 1000;
}

ServerOptions quietOptions()
{
    ServerOptions options;
    options.heartbeatSeconds = 0;
    options.presenceGraceSeconds = 0;
    options.maxRequestsPerSecond = 1000000; // the floods here are not what is tested
    return options;
}

bool isAnswerTo(const QJsonObject &frame, const QString &requestId)
{
    return (frame["type"] == "ack" || frame["type"] == "error") && frame["requestId"] == requestId;
}

/// Sends every request at once and returns their answers, in order.
QList<QJsonObject> pipeline(RawClient &client, const QList<QJsonObject> &requests)
{
    const qsizetype from = client.frames.size();
    for (const QJsonObject &request : requests)
        client.send(request);
    const QString last = requests.last()["requestId"].toString();
    if (!client.waitFor([&](const QJsonObject &f) { return isAnswerTo(f, last); }, from, 60000))
        return {};
    QList<QJsonObject> answers;
    for (qsizetype i = from; i < client.frames.size(); ++i) {
        const QJsonObject &frame = client.frames.at(i);
        if (frame["type"] == "ack" || frame["type"] == "error")
            answers.append(frame);
    }
    return answers;
}

/// Rows and bytes of list_sessions answers kept in the SQLite file.
std::pair<qint64, qint64> storedListAnswers(const QString &path)
{
    std::pair<qint64, qint64> result { -1, -1 };
    {
        auto db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"inspect"_s);
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(u"SELECT COUNT(*), COALESCE(SUM(length(answer)), 0) FROM answer_log"
                       " WHERE instr(answer, '\"sessions\":[') > 0"_s)
                && q.next())
                result = { q.value(0).toLongLong(), q.value(1).toLongLong() };
        }
    }
    QSqlDatabase::removeDatabase(u"inspect"_s);
    return result;
}

/// Rows of a table of the SQLite file, or -1.
qint64 rowCount(const QString &path, const QString &table)
{
    qint64 rows = -1;
    {
        auto db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"count"_s);
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(u"SELECT COUNT(*) FROM %1"_s.arg(table)) && q.next())
                rows = q.value(0).toLongLong();
        }
    }
    QSqlDatabase::removeDatabase(u"count"_s);
    return rows;
}

QString seededUserId(int n)
{
    return u"u-seed%1"_s.arg(n, 4, 10, QChar(u'0'));
}

QString seededToken(int n)
{
    return u"t-seed%1"_s.arg(n, 4, 10, QChar(u'0'));
}

/// A typical remembered answer: an ack of send_message.
QString ackText(const QString &requestId)
{
    return uR"({"messageId":"m-0123456789ab","requestId":"%1","revision":42,"type":"ack"})"_s.arg(
        requestId);
}

} // namespace

class TestHostile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // Thousands of requests: keep the server's own chatter out of the figures.
        QLoggingCategory::setFilterRules(u"helpy.*.info=false"_s);
    }
    void init() { QVERIFY(dir.isValid()); }

    /// Issue 11, item 1: a user in many sessions asks list_sessions again and again, each time
    /// with a new requestId. Nothing of those answers may stay, in memory or on disk, and a
    /// page is bounded.
    void largeAnswersAreNeitherKeptNorUnbounded()
    {
        constexpr int Sessions = 1000;
        constexpr int Lists = 200;
        ServerOptions options = quietOptions();
        options.dataPath = dir.filePath(u"answers.sqlite"_s);
        auto server = std::make_unique<SessionServer>(options);
        QVERIFY2(server->listen(), qPrintable(server->errorString()));
        RawClient ana;
        QVERIFY(ana.signIn(server->url(), u"Ana"_s));
        QList<QJsonObject> creates;
        for (int i = 0; i < Sessions; ++i)
            creates.append({ { "type", "create_session" }, { "requestId", u"c%1"_s.arg(i) },
                { "title", u"Session number %1"_s.arg(i) } });
        QCOMPARE(pipeline(ana, creates).size(), Sessions);
        ana.frames.clear();

        const qint64 before = heldKiB();
        qsizetype largestPage = 0;
        for (int i = 0; i < Lists; ++i) {
            const QJsonObject answer
                = ana.request({ { "type", "list_sessions" }, { "requestId", u"l%1"_s.arg(i) } });
            QCOMPARE(answer["type"], "ack");
            largestPage = std::max(largestPage, answer["sessions"].toArray().size());
            ana.frames.clear();
        }
        const qint64 grownKiB = heldKiB() - before;
        const auto [storedRows, storedBytes] = storedListAnswers(options.dataPath);
        qInfo("%d list_sessions answers (user in %d sessions, largest page %lld rows): "
              "resident memory +%lld KiB; %lld of them stored, %lld bytes",
            Lists, Sessions, qint64(largestPage), grownKiB, storedRows, storedBytes);
        QCOMPARE(storedRows, 0); // a read is recomputed on a retry, not remembered
        QVERIFY2(grownKiB < 8 * 1024, "answers to reads must not be held");
        QVERIFY(largestPage <= options.maxListPage);

        // Every session, a page at a time.
        QSet<QString> listed;
        QString cursor;
        int pages = 0;
        do {
            QJsonObject request { { "type", "list_sessions" } };
            if (!cursor.isEmpty())
                request.insert("cursor", cursor);
            const QJsonObject page = ana.request(request);
            QCOMPARE(page["type"], "ack");
            const QJsonArray rows = page["sessions"].toArray();
            QVERIFY(rows.size() <= options.maxListPage);
            for (const QJsonValue &row : rows)
                listed.insert(row["sessionId"].toString());
            cursor = page["nextCursor"].toString();
            ana.frames.clear();
        } while (!cursor.isEmpty() && ++pages < 100);
        QCOMPARE(listed.size(), Sessions);
        const QJsonObject three = ana.request({ { "type", "list_sessions" }, { "limit", 3 } });
        QCOMPARE(three["sessions"].toArray().size(), 3);
        QVERIFY(!three["nextCursor"].toString().isEmpty());
        const QJsonObject capped = ana.request({ { "type", "list_sessions" }, { "limit", 99999 } });
        QCOMPARE(capped["sessions"].toArray().size(), options.maxListPage);
        QCOMPARE(
            ana.request({ { "type", "list_sessions" }, { "limit", 0 } })["code"], "bad_request");
        // A retried read is simply answered again.
        const QJsonObject retried
            = ana.request({ { "type", "list_sessions" }, { "requestId", "l0" } });
        QCOMPARE(retried["type"], "ack");
        QCOMPARE(retried["sessions"].toArray().size(), options.maxListPage);
        ana.frames.clear();

        // What start-up loads is bounded too.
        ana.socket.abort();
        server.reset();
        const qint64 beforeStart = heldKiB();
        server = std::make_unique<SessionServer>(options);
        QVERIFY(server->listen());
        const qint64 startKiB = heldKiB() - beforeStart;
        qInfo("a restart on that file: resident memory +%lld KiB", startKiB);
        QVERIFY2(startKiB < 24 * 1024, "start-up must not load answers to reads");
    }

    /// Issue 11, item 1: what is remembered of changes is bounded per user, in count and
    /// bytes, and over all users; past a bound the oldest go first.
    void rememberedAnswersKeepTheirBudgets()
    {
        UserDirectory users({ 4, 1000, 1300 });
        User &ana = users.signIn({}, u"Ana"_s);
        User &ben = users.signIn({}, u"Ben"_s);
        User &cy = users.signIn({}, u"Cy"_s);
        const QString small(50, u'a'); // with a 2-character requestId: 104 bytes
        const QString large(300, u'b'); // 604 bytes
        for (int i = 0; i < 6; ++i)
            users.rememberAnswer(ana, u"a%1"_s.arg(i), small);
        QCOMPARE(ana.answers.size(), 4); // the count per user
        QVERIFY(!users.answerFor(ana, u"a1"_s));
        QCOMPARE(users.answerFor(ana, u"a5"_s), small);
        users.rememberAnswer(ben, u"b0"_s, large);
        users.rememberAnswer(ben, u"b1"_s, large);
        QCOMPARE(ben.answers.size(), 1); // the bytes per user
        QVERIFY(users.answerFor(ben, u"b1"_s));
        QCOMPARE(users.answerBytes(), 4 * 104 + 604);
        users.rememberAnswer(cy, u"c0"_s, large); // over the total: the oldest of anybody's go
        QCOMPARE(ana.answers.size(), 0);
        QVERIFY(users.answerFor(ben, u"b1"_s));
        QVERIFY(users.answerFor(cy, u"c0"_s));
        QCOMPARE(users.answerBytes(), 2 * 604);
        QCOMPARE(ana.answerBytes + ben.answerBytes + cy.answerBytes, users.answerBytes());
        // An answer no budget can hold is not kept (said once in the log), nor does it evict.
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"over the budget"_s));
        users.rememberAnswer(ana, u"huge"_s, QString(1000, u'c'));
        QVERIFY(!users.answerFor(ana, u"huge"_s));
        QCOMPARE(users.answerBytes(), 2 * 604);
    }

    /// Issue 11, item 2: with 1,000 users having answers, no commit may stall the server while
    /// the answers are trimmed: the cost of a commit must not grow with the number of users.
    /// (Since issue 16 the file keeps the newest answers up to the bytes load() reads, trimmed
    /// from the oldest end; here the seeded answers fill that budget, so every trim deletes.)
    void pruningAnswersCostsTheSameWithAThousandUsers()
    {
        constexpr int Users = 1000;
        constexpr int AnswersEach = 100;
        constexpr int Writers = 10;
        constexpr int WritesEach = 80; // past a trim per user, and past 256 in all
        const QString path = dir.filePath(u"prune.sqlite"_s);
        qint64 seededEnd = 0; // answer_log.pos of the newest seeded answer
        {
            SqliteSessionStore schema(path);
            QString error;
            QVERIFY2(schema.open(&error), qPrintable(error));
        }
        {
            auto db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"seed"_s);
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QVERIFY(db.transaction());
            QSqlQuery user(db), answer(db);
            QVERIFY(user.prepare(
                u"INSERT INTO users (id, token, display_name) VALUES (?, ?, 'Seeded')"_s));
            QVERIFY(answer.prepare(u"INSERT INTO answer_log (pos, user_id, request_id, answer)"
                                   " VALUES (?, ?, ?, ?)"_s));
            for (int u = 0; u < Users; ++u) {
                user.addBindValue(seededUserId(u));
                user.addBindValue(seededToken(u));
                QVERIFY(user.exec());
                for (int a = 0; a < AnswersEach; ++a) {
                    const QString requestId = u"r-%1"_s.arg(a);
                    seededEnd
                        += SqliteWriter::answerBytes({ {}, requestId, ackText(requestId) }) + 1;
                    answer.addBindValue(seededEnd);
                    answer.addBindValue(seededUserId(u));
                    answer.addBindValue(requestId);
                    answer.addBindValue(ackText(requestId));
                    QVERIFY(answer.exec());
                }
            }
            QVERIFY(db.commit());
            db.close();
        }
        QSqlDatabase::removeDatabase(u"seed"_s);

        // The store alone: each change with its answer, one commit each, waited for (its
        // durability barrier: the writer thread writes and fsyncs it). The wall clock of a
        // commit includes waiting for the disk and for a CPU of a shared machine; its CPU time
        // on this thread is what the event loop would spend. The worst of both is printed. A
        // prune that grows with the users took over a second of both; the bounds are a tenth
        // of that (the worst CPU time under 100 ms, the median wall clock under 20 ms, the
        // worst round trip under 500 ms): far from what two busy shared cores make of a
        // 10 ms commit (32 ms of CPU, a 96 ms round trip seen in one full parallel run).
        QList<qint64> commitUs;
        qint64 worstCpuUs = 0;
        {
            SqliteSessionStore store(path);
            store.setAnswerBudget(seededEnd);
            QString error;
            QVERIFY2(store.open(&error), qPrintable(error));
            QCOMPARE(store.load().answers.size(), Users * AnswersEach);
            QElapsedTimer clock;
            for (int i = 0; i < Writers * WritesEach; ++i) {
                const QString requestId = u"again-%1"_s.arg(i);
                const qint64 cpuBefore = threadCpuUs();
                clock.start();
                store.begin();
                store.saveAnswer(seededUserId(i % Writers), requestId, ackText(requestId));
                QVERIFY(store.commit());
                QCOMPARE(store.durabilityBarrier()(), QString());
                commitUs.append(clock.nsecsElapsed() / 1000);
                worstCpuUs = std::max(worstCpuUs, threadCpuUs() - cpuBefore);
            }
        }
        // The trims kept the file at its budget: about as many answers went as were written
        // (the new ones are a little longer; a trim runs every 64 answers). Untrimmed, it
        // would hold all 100,800.
        const qint64 kept = rowCount(path, u"answer_log"_s);
        QVERIFY2(
            kept >= Users * AnswersEach - Writers * WritesEach && kept <= Users * AnswersEach + 64,
            qPrintable(QString::number(kept)));
        std::sort(commitUs.begin(), commitUs.end());
        const qint64 worstCommitUs = commitUs.last();
        const qint64 medianCommitUs = commitUs.at(commitUs.size() / 2);
        const qint64 p99CommitUs = commitUs.at(commitUs.size() * 99 / 100);

        // A server on that file: the worst wait a request of one of these users sees.
        ServerOptions options = quietOptions();
        options.dataPath = path;
        SessionServer server(options);
        QVERIFY2(server.listen(), qPrintable(server.errorString()));
        std::vector<std::unique_ptr<RawClient>> clients;
        for (int w = 0; w < Writers; ++w) {
            clients.push_back(std::make_unique<RawClient>());
            QVERIFY(clients.back()->signIn(server.url(), u"Seeded"_s, seededToken(w)));
            QCOMPARE(clients.back()->userId, seededUserId(w));
        }
        qint64 worstRoundTripUs = 0;
        QElapsedTimer clock;
        for (int round = 0; round < WritesEach; ++round) {
            for (const auto &client : clients) {
                clock.start();
                const QJsonObject answer = client->request(
                    { { "type", "create_session" }, { "title", u"Round %1"_s.arg(round) } });
                worstRoundTripUs = std::max(worstRoundTripUs, clock.nsecsElapsed() / 1000);
                QCOMPARE(answer["type"], "ack");
                client->frames.clear();
            }
        }
        qInfo("%d users with %d answers each, %d commits: worst commit %.1f ms (%.1f ms of CPU), "
              "median %.1f ms, 99th percentile %.1f ms; worst request round trip %.1f ms "
              "(server, %d requests)",
            Users, AnswersEach, Writers * WritesEach, worstCommitUs / 1000.0, worstCpuUs / 1000.0,
            medianCommitUs / 1000.0, p99CommitUs / 1000.0, worstRoundTripUs / 1000.0,
            Writers * WritesEach);
        QVERIFY2(worstCpuUs < 100 * 1000, "a commit must not stall the server");
        QVERIFY2(medianCommitUs < 20 * 1000, "commits must not wait for prunes");
        QVERIFY2(worstRoundTripUs < 500 * 1000, "no request may wait for a prune");
    }

    /// Issue 11, item 3: the server itself stalls for 5 s (heartbeat 1 s): the peers it did not
    /// read meanwhile are not silent.
    void aStallOfOursDropsNobody()
    {
        constexpr int Peers = 20;
        ServerOptions options = quietOptions();
        options.heartbeatSeconds = 1;
        SessionServer server(options);
        QVERIFY(server.listen());
        std::vector<std::unique_ptr<RawClient>> peers;
        for (int i = 0; i < Peers; ++i) {
            peers.push_back(std::make_unique<RawClient>());
            QVERIFY(peers.back()->signIn(server.url(), u"Peer %1"_s.arg(i)));
        }
        // One peer follows a session: its digests show each heartbeat that went by.
        RawClient &watcher = *peers.front();
        const QString id
            = watcher.request({ { "type", "create_session" }, { "title", "Beat" } })["sessionId"]
                  .toString();
        QCOMPARE(
            watcher.request({ { "type", "join_session" }, { "sessionId", id } })["type"], "ack");
        const auto digest = [](const QJsonObject &f) { return f["type"] == "session_digest"; };
        QVERIFY(watcher.waitFor(digest, watcher.frames.size(), 3000));
        // A heartbeat just went by; once every peer was answered, its pongs were read too, and
        // nothing more is on its way: the stall below is all the silence there is.
        for (const auto &peer : peers)
            QCOMPARE(peer->request({ { "type", "list_sessions" } })["type"], "ack");

        bool stalled = false;
        QTimer::singleShot(0, &server, [&stalled] {
            QThread::msleep(5000); // the fault: our own loop does nothing for 5 s
            stalled = true;
        });
        QTRY_VERIFY_WITH_TIMEOUT(stalled, 10000);
        for (int beat = 0; beat < 3; ++beat) {
            if (!watcher.waitFor(digest, watcher.frames.size(), 3000))
                break; // dropped
        }
        const int dropped = Peers - server.connectionCount();
        qInfo("peers dropped after a 5 s stall of the server (heartbeat 1 s): %d of %d", dropped,
            Peers);
        QCOMPARE(dropped, 0);
    }

    /// Issue 11, item 3: when peers really go silent, together, they are dropped a few at a
    /// time, never all at once.
    void silentPeersAreDroppedAFewAtATime()
    {
        constexpr int Live = 14;
        constexpr int Frozen = 6;
        ServerOptions options = quietOptions();
        options.heartbeatSeconds = 1;
        SessionServer server(options);
        QVERIFY(server.listen());
        std::vector<std::unique_ptr<RawClient>> live;
        for (int i = 0; i < Live; ++i) {
            live.push_back(std::make_unique<RawClient>());
            QVERIFY(live.back()->signIn(server.url(), u"Live %1"_s.arg(i)));
        }
        std::vector<std::unique_ptr<RawTcpWebSocket>> frozen;
        for (int i = 0; i < Frozen; ++i) {
            frozen.push_back(std::make_unique<RawTcpWebSocket>());
            QVERIFY(frozen.back()->open(server.url()));
            frozen.back()->sendText(
                { { "type", "hello" }, { "protocol", 1 }, { "displayName", "Frozen" } });
        }
        QTRY_COMPARE(server.connectionCount(), Live + Frozen);
        // Drops of one heartbeat happen in one pass of the event loop: count them per pass.
        QList<int> batches;
        bool batchOpen = false;
        int last = server.connectionCount();
        const auto counting
            = connect(&server, &SessionServer::connectionCountChanged, this, [&](int count) {
                  const int gone = last - count;
                  last = count;
                  if (gone <= 0)
                      return;
                  if (!batchOpen) {
                      batches.append(0);
                      batchOpen = true;
                      QTimer::singleShot(0, this, [&batchOpen] { batchOpen = false; });
                  }
                  batches.last() += gone;
              });
        for (const auto &peer : frozen)
            peer->stopReading(); // a machine that died without closing: no more pongs
        QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), Live, 20000);
        disconnect(counting);
        const int largest = *std::max_element(batches.cbegin(), batches.cend());
        qInfo("%d silent peers of %d dropped in %lld heartbeats, at most %d at once", Frozen,
            Live + Frozen, qint64(batches.size()), largest);
        const int share
            = std::max(1, (Live + Frozen) * options.silentDropsPercentPerHeartbeat / 100);
        QVERIFY2(largest <= share, "silent peers must not all be dropped at once");
        for (const auto &peer : live)
            QCOMPARE(peer->socket.state(), QAbstractSocket::ConnectedState);
    }

    /// Issue 11, item 4: a user in many sessions, with two of them open, reconnects again and
    /// again. Presence changes go only to the sessions it has open, and at most one per grace
    /// period in each.
    void presenceCostsOnlyOpenSessionsAndFlappingIsDamped()
    {
        constexpr int Sessions = 300;
        constexpr int Open = 2;
        constexpr int Reconnects = 20;
        ServerOptions options = quietOptions();
        options.presenceGraceSeconds = 1;
        SessionServer server(options);
        QVERIFY(server.listen());
        RawClient bea;
        QVERIFY(bea.signIn(server.url(), u"Bea"_s));
        QString umaId, umaToken;
        {
            RawClient uma;
            QVERIFY(uma.signIn(server.url(), u"Uma"_s));
            umaId = uma.userId;
            umaToken = uma.token;
        }
        QTRY_COMPARE(server.connectionCount(), 1);
        QList<QJsonObject> requests;
        for (int i = 0; i < Sessions; ++i)
            requests.append({ { "type", "create_session" }, { "requestId", u"c%1"_s.arg(i) },
                { "title", u"Group %1"_s.arg(i) } });
        QStringList ids;
        for (const QJsonObject &answer : pipeline(bea, requests))
            ids.append(answer["sessionId"].toString());
        QCOMPARE(ids.size(), Sessions);
        requests.clear();
        for (int i = 0; i < Sessions; ++i)
            requests.append({ { "type", "add_participant" }, { "requestId", u"a%1"_s.arg(i) },
                { "sessionId", ids.at(i) }, { "participantType", "user" },
                { "participantId", umaId } });
        for (const QJsonObject &answer : pipeline(bea, requests))
            QCOMPARE(answer["type"], "ack");
        const auto umaShown = [&](const QString &sessionId, Protocol::Presence presence) {
            for (const auto &p : server.participants(sessionId)) {
                if (p.id == umaId)
                    return p.presence == presence;
            }
            return false;
        };
        const auto umaOfflineIn = [&](qsizetype count) {
            for (qsizetype i = 0; i < count; ++i) {
                if (!umaShown(ids.at(i), Protocol::Presence::Offline))
                    return false;
            }
            return true;
        };
        QTRY_VERIFY_WITH_TIMEOUT(umaOfflineIn(Sessions), 5000);
        const auto revisions = [&] {
            QList<qint64> list;
            for (const QString &id : std::as_const(ids))
                list.append(server.revision(id));
            return list;
        };
        const QList<qint64> before = revisions();

        // Uma's client reconnects in a loop, resuming its two open sessions each time.
        QElapsedTimer window;
        window.start();
        for (int n = 0; n < Reconnects; ++n) {
            {
                RawClient uma;
                QVERIFY(uma.signIn(server.url(), u"Uma"_s, umaToken));
                for (int i = 0; i < Open; ++i)
                    QCOMPARE(uma.request({ { "type", "join_session" },
                                 { "sessionId", ids.at(i) } })["type"],
                        "ack");
            }
            QTRY_COMPARE(server.connectionCount(), 1);
        }
        const qint64 windowMs = window.elapsed();
        const QList<qint64> inWindow = revisions();
        QTRY_VERIFY_WITH_TIMEOUT(umaOfflineIn(Open), 10000); // and it settles where it should
        const QList<qint64> after = revisions();

        qint64 events = 0, elsewhere = 0, mostInWindow = 0;
        for (int i = 0; i < Sessions; ++i) {
            events += after.at(i) - before.at(i);
            if (i >= Open)
                elsewhere += after.at(i) - before.at(i);
            else
                mostInWindow = std::max(mostInWindow, inWindow.at(i) - before.at(i));
        }
        qInfo("presence events for %d reconnects of a user in %d sessions (%d open): %lld, "
              "%.2f per reconnect; %lld in sessions not open; at most %lld changes in one open "
              "session during the %lld ms loop (grace 1 s)",
            Reconnects, Sessions, Open, events, double(events) / Reconnects, elsewhere,
            mostInWindow, windowMs);
        QCOMPARE(elsewhere, 0);
        const qint64 gracePeriods = windowMs / (options.presenceGraceSeconds * 1000) + 1;
        QVERIFY2(mostInWindow <= gracePeriods, "at most one change per grace period");
        QVERIFY2(events <= Open * (gracePeriods + 3), "presence must be damped");
    }

private:
    QTemporaryDir dir;
};

QTEST_GUILESS_MAIN(TestHostile)
#include "tst_hostile.moc"
