// SPDX-License-Identifier: MIT
// SqliteSessionStore writes on its own thread (SqliteWriter): a commit's barrier passes only
// once the batch is committed in the file, batches handed over while the writer is busy share
// its next transaction (one fsync), a failed write fails every later barrier and commit, and
// closing the store writes what was committed. A deleted session's earlier events are never
// loaded again and are swept from the file in steps; the answers kept are trimmed to the
// bytes load() reads. With a commit spacing, what is handed over within it shares the next
// commit, while a barrier and closing the store do not wait for it.
#include "sqlitesessionstore.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <chrono>
#include <future>

using namespace Qt::StringLiterals;

class TestSqliteWriter : public QObject
{
    Q_OBJECT

    QTemporaryDir dir;
    QString path;
    int connections = 0;

    /// A connection of the test's own on the file, as another process would have.
    QSqlDatabase otherConnection()
    {
        auto db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"other-%1"_s.arg(++connections));
        db.setDatabaseName(path);
        if (!db.open())
            qWarning("cannot open %s", qPrintable(path));
        return db;
    }

    int countRows(const QString &table)
    {
        int rows = -1;
        {
            QSqlDatabase db = otherConnection();
            QSqlQuery query(db);
            if (query.exec(u"SELECT count(*) FROM "_s + table) && query.next())
                rows = query.value(0).toInt();
        }
        QSqlDatabase::removeDatabase(u"other-%1"_s.arg(connections));
        return rows;
    }

    /// Runs `statement` on a connection of the test's own; false when it fails.
    bool execOther(const QString &statement)
    {
        bool ok = false;
        {
            QSqlDatabase db = otherConnection();
            QSqlQuery query(db);
            ok = query.exec(statement);
            if (!ok)
                qWarning("%s: %s", qPrintable(statement), qPrintable(query.lastError().text()));
        }
        QSqlDatabase::removeDatabase(u"other-%1"_s.arg(connections));
        return ok;
    }

    static QString frame(const QString &session, qint64 revision)
    {
        return u"{\"s\":\"%1\",\"r\":%2}"_s.arg(session).arg(revision);
    }

    static void saveUserCommitted(SqliteSessionStore &store, int n)
    {
        store.begin();
        store.saveUser({ u"u-%1"_s.arg(n), u"t-%1"_s.arg(n), u"User %1"_s.arg(n) });
        QVERIFY(store.commit());
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(dir.isValid());
        path = dir.filePath(u"%1.sqlite"_s.arg(QTest::currentTestFunction()));
    }

    void aBarrierPassesOnceTheBatchIsInTheFile()
    {
        SqliteSessionStore store(path);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        (void)store.load();
        saveUserCommitted(store, 1);
        QCOMPARE(store.durabilityBarrier()(), QString());
        QCOMPARE(countRows(u"users"_s), 1);
        // A transaction that wrote nothing has nothing to wait for.
        store.begin();
        QVERIFY(store.commit());
        QCOMPARE(store.durabilityBarrier()(), QString());
    }

    void batchesHandedOverWhileTheWriterWaitsShareOneTransaction()
    {
        SqliteSessionStore store(path);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        (void)store.load();
        const quint64 before = store.writtenTransactions();

        // Another connection holds the write lock: the writer cannot commit until it lets go
        // (within the writer's busy_timeout of 5 s).
        QSqlDatabase holder = otherConnection();
        QSqlQuery lock(holder);
        QVERIFY(lock.exec(u"BEGIN IMMEDIATE"_s));

        constexpr int Batches = 50;
        saveUserCommitted(store, 0);
        auto first = std::async(std::launch::async, store.durabilityBarrier());
        for (int n = 1; n < Batches; ++n)
            saveUserCommitted(store, n); // the loop is not held up meanwhile
        auto last = std::async(std::launch::async, store.durabilityBarrier());
        // Held: nothing is durable, so nothing may be reported so.
        QCOMPARE(first.wait_for(std::chrono::seconds(0)), std::future_status::timeout);
        QCOMPARE(last.wait_for(std::chrono::seconds(0)), std::future_status::timeout);

        QVERIFY(lock.exec(u"ROLLBACK"_s));
        QCOMPARE(first.get(), QString());
        QCOMPARE(last.get(), QString());
        lock = QSqlQuery();
        holder.close();
        holder = QSqlDatabase();
        // The first batch may have gone alone; the 49 handed over meanwhile went together.
        const quint64 written = store.writtenTransactions() - before;
        QVERIFY2(written >= 1 && written <= 2, qPrintable(QString::number(written)));
        QCOMPARE(countRows(u"users"_s), Batches);
    }

    void aFailedWriteFailsEveryLaterBarrierAndCommit()
    {
        SqliteSessionStore store(path);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        (void)store.load();
        store.begin();
        store.appendEvent(u"s-missing"_s, 1, u"{}"_s); // no such session: a foreign key fails
        QVERIFY(store.commit()); // handed over; the writer finds out
        const QString failed = store.durabilityBarrier()();
        QVERIFY2(!failed.isEmpty(), "the failed write must fail its barrier");
        QCOMPARE(store.durabilityBarrier()(), failed);
        store.begin();
        store.saveUser({ u"u-1"_s, u"t-1"_s, u"Ana"_s });
        QVERIFY(!store.commit());
        QCOMPARE(store.lastError(), failed);
        QCOMPARE(countRows(u"users"_s), 0);
    }

    void aDeletedSessionsEarlierEventsAreNeverLoadedAndAreSweptAway()
    {
        constexpr int Each = 1500; // three sweep steps of SweepRows
        static_assert(2 * Each > 2 * SqliteWriter::SweepRows);
        {
            SqliteSessionStore store(path);
            QString error;
            QVERIFY2(store.open(&error), qPrintable(error));
            (void)store.load();
            store.begin();
            store.saveSession(u"s-gone"_s, u"Gone"_s, u"e1"_s);
            store.saveSession(u"s-kept"_s, u"Kept"_s, u"e2"_s);
            QVERIFY(store.commit());
            for (int revision = 1; revision <= Each; ++revision) {
                store.begin();
                store.appendEvent(u"s-gone"_s, revision, frame(u"s-gone"_s, revision));
                store.appendEvent(u"s-kept"_s, revision, frame(u"s-kept"_s, revision));
                QVERIFY(store.commit());
            }
            // Deleting publishes the deletion, then forgets the rest, in one transaction.
            store.begin();
            store.appendEvent(u"s-gone"_s, Each + 1, u"deleted"_s);
            store.forgetSession(u"s-gone"_s, Each + 1);
            QVERIFY(store.commit());
            QCOMPARE(store.durabilityBarrier()(), QString());

            // Whether the sweep got there yet or not, a load sees the deletion alone.
            const SessionStore::Contents contents = store.load();
            for (const auto &session : contents.sessions) {
                if (session.id == u"s-gone"_s)
                    QCOMPARE(session.events, QStringList { u"deleted"_s });
                else
                    QCOMPARE(session.events.size(), Each);
            }
            // The sweep goes on by itself, a step at a time, until nothing of it is left.
            QTRY_COMPARE(countRows(u"event_log WHERE session_id = 's-gone'"_s), 1);
            QTRY_COMPARE(countRows(u"meta WHERE key = 'log_sweep'"_s), 0);
            QCOMPARE(countRows(u"event_log WHERE session_id = 's-kept'"_s), Each);
            QCOMPARE(countRows(u"event_log WHERE session_id = 's-gone' AND revision = 1"
                               " AND frame = 'deleted'"_s),
                1);

            // A deletion after that sweep ended starts a sweep of its own.
            store.begin();
            store.appendEvent(u"s-kept"_s, Each + 1, u"deleted"_s);
            store.forgetSession(u"s-kept"_s, Each + 1);
            QVERIFY(store.commit());
            QTRY_COMPARE(countRows(u"event_log WHERE session_id = 's-kept'"_s), 1);
            QTRY_COMPARE(countRows(u"meta WHERE key = 'log_sweep'"_s), 0);
            QCOMPARE(countRows(u"event_log WHERE session_id = 's-gone'"_s), 1);
        }

        // Rows of it that no sweep is after (put back by hand where its old ones were, before
        // where its log begins now): never loaded.
        QVERIFY(execOther(u"INSERT INTO event_log (seq, session_id, revision, frame)"
                          " VALUES (1, 's-gone', 1, 'old'), (3, 's-gone', 2, 'older')"_s));
        {
            SqliteSessionStore store(path);
            QString error;
            QVERIFY2(store.open(&error), qPrintable(error));
            for (const auto &session : store.load().sessions) {
                if (session.id == u"s-gone"_s)
                    QCOMPARE(session.events, QStringList { u"deleted"_s });
            }
            QCOMPARE(store.durabilityBarrier()(), QString());
            QCOMPARE(countRows(u"event_log WHERE session_id = 's-gone'"_s), 3);
        }
        // A sweep stored as having reached the end of the log, with a deletion made while it
        // ran ('again'): it starts over, and finds them.
        QVERIFY(execOther(u"INSERT INTO meta (key, value) SELECT 'log_sweep', max(seq) || ' 1'"
                          " FROM event_log"_s));
        {
            SqliteSessionStore store(path);
            QString error;
            QVERIFY2(store.open(&error), qPrintable(error));
            QTRY_COMPARE(countRows(u"event_log WHERE session_id = 's-gone'"_s), 1);
            QTRY_COMPARE(countRows(u"meta WHERE key = 'log_sweep'"_s), 0);
        }
        QCOMPARE(countRows(u"event_log"_s), 2);
    }

    void aDeletionWrittenEarlierIsFoundInTheLog()
    {
        SqliteSessionStore store(path);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        (void)store.load();
        store.begin();
        store.saveSession(u"s-1"_s, u"One"_s, u"e1"_s);
        for (int revision = 1; revision <= 3; ++revision)
            store.appendEvent(u"s-1"_s, revision, frame(u"s-1"_s, revision));
        store.appendEvent(u"s-1"_s, 4, u"deleted"_s);
        QVERIFY(store.commit());
        QCOMPARE(store.durabilityBarrier()(), QString()); // else both share one transaction
        // Forgotten in a later transaction than its deletion (nothing does so today).
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"not written with it"_s));
        store.begin();
        store.forgetSession(u"s-1"_s, 4);
        QVERIFY(store.commit());
        QCOMPARE(store.durabilityBarrier()(), QString());
        QCOMPARE(store.load().sessions.first().events, QStringList { u"deleted"_s });
        QTRY_COMPARE(countRows(u"event_log"_s), 1);
    }

    void theAnswersKeptAreTheNewestThatLoadReads()
    {
        constexpr int Answers = 1000;
        const QString text(100, u'a'); // with "r-NNN": about 210 bytes each
        constexpr qint64 Budget = 20 * 1024;
        {
            SqliteSessionStore store(path);
            store.setAnswerBudget(Budget);
            QString error;
            QVERIFY2(store.open(&error), qPrintable(error));
            (void)store.load();
            for (int n = 0; n < Answers; ++n) {
                store.begin();
                store.saveAnswer(u"u-%1"_s.arg(n % 7), u"r-%1"_s.arg(n), text);
                QVERIFY(store.commit());
            }
            QCOMPARE(store.durabilityBarrier()(), QString());
        }
        // Trimmed every 64 answers: the file holds the budget and at most 64 more.
        const qint64 each = SqliteWriter::answerBytes({ {}, u"r-999"_s, text });
        const int kept = countRows(u"answer_log"_s);
        QVERIFY2(kept >= Budget / (each + 1) && kept <= Budget / each + 64,
            qPrintable(QString::number(kept)));
        SqliteSessionStore store(path);
        store.setAnswerBudget(Budget);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        const QList<SessionStore::StoredAnswer> loaded = store.load().answers;
        QVERIFY(!loaded.isEmpty() && loaded.size() <= Budget / each);
        QCOMPARE(loaded.last().requestId, u"r-%1"_s.arg(Answers - 1)); // oldest first
        QCOMPARE(loaded.first().requestId, u"r-%1"_s.arg(Answers - loaded.size()));
        QCOMPARE(loaded.last().userId, u"u-%1"_s.arg((Answers - 1) % 7));
    }

    void batchesWithinTheCommitSpacingShareTheNextCommit()
    {
        using namespace std::chrono_literals;
        constexpr auto Spacing = 1s;
        SqliteSessionStore store(path);
        store.setCommitSpacing(Spacing);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        (void)store.load();
        const quint64 before = store.writtenTransactions();
        QElapsedTimer sinceFirst;
        sinceFirst.start();
        int durable = 0;
        const auto commitAndCount = [&](int n) {
            saveUserCommitted(store, n);
            store.notifyWhenDurable(this, [&](const QString &error) {
                QCOMPARE(error, QString());
                ++durable;
            });
        };
        // After a quiet spell the first commit goes at once (well within the spacing).
        commitAndCount(0);
        QTRY_COMPARE_WITH_TIMEOUT(durable, 1, 5000);
        QCOMPARE(store.writtenTransactions() - before, 1u);
        // The next nine, handed over at once, wait for the spacing and share one commit.
        for (int n = 1; n < 10; ++n)
            commitAndCount(n);
        QTRY_COMPARE_WITH_TIMEOUT(durable, 10, 10000);
        QVERIFY2(sinceFirst.elapsed() >= 1000, qPrintable(QString::number(sinceFirst.elapsed())));
        QCOMPARE(store.writtenTransactions() - before, 2u);
        QCOMPARE(countRows(u"users"_s), 10);
    }

    void aBarrierAndClosingDoNotWaitForTheCommitSpacing()
    {
        using namespace std::chrono_literals;
        // Declared before the store: should the barrier hang, closing the store (which does
        // not wait either) releases it before the future's destructor waits for it.
        std::future<QString> barrier;
        QElapsedTimer sinceClosing;
        {
            SqliteSessionStore store(path);
            // Longer than any machine has been up: the steady clock counts from the boot, so
            // a first commit timed from the clock's epoch would wait (it did, on a machine up
            // for less than the spacing).
            store.setCommitSpacing(24h * 365 * 10);
            QString error;
            QVERIFY2(store.open(&error), qPrintable(error));
            (void)store.load();
            saveUserCommitted(store, 0); // the first commit: at once
            bool first = false;
            store.notifyWhenDurable(this, [&](const QString &) { first = true; });
            QTRY_VERIFY_WITH_TIMEOUT(first, 5000);
            saveUserCommitted(store, 1); // within the spacing
            // The event loop waits for it when it closes, and so may a thread: at once.
            barrier = std::async(std::launch::async, store.durabilityBarrier());
            QCOMPARE(barrier.wait_for(10s), std::future_status::ready);
            QCOMPARE(barrier.get(), QString());
            QCOMPARE(countRows(u"users"_s), 2);
            saveUserCommitted(store, 2);
            saveUserCommitted(store, 3);
            sinceClosing.start();
        }
        // Closing wrote the last two without waiting for the spacing.
        QVERIFY2(
            sinceClosing.elapsed() < 10'000, qPrintable(QString::number(sinceClosing.elapsed())));
        QCOMPARE(countRows(u"users"_s), 4);
    }

    void closingTheStoreWritesWhatWasCommitted()
    {
        {
            SqliteSessionStore store(path);
            QString error;
            QVERIFY2(store.open(&error), qPrintable(error));
            (void)store.load();
            for (int n = 0; n < 20; ++n)
                saveUserCommitted(store, n);
        }
        QCOMPARE(countRows(u"users"_s), 20);
    }
};

QTEST_GUILESS_MAIN(TestSqliteWriter)
#include "tst_sqlitewriter.moc"
