// SPDX-License-Identifier: MIT
// SqliteSessionStore writes on its own thread (SqliteWriter): a commit's barrier passes only
// once the batch is committed in the file, batches handed over while the writer is busy share
// its next transaction (one fsync), a failed write fails every later barrier and commit, and
// closing the store writes what was committed.
#include "sqlitesessionstore.h"

#include <QSqlDatabase>
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
