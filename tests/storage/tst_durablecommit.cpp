// SPDX-License-Identifier: MIT
// When a durable commit's sync runs off the event loop (SessionStore::durabilityBarrier):
// nothing a change sends goes out before the sync that covers it, the loop goes on
// committing meanwhile, order is kept, and a failed sync sends nothing.
#include "fanout.h"
#include "metrics.h"
#include "serveroptions.h"
#include "sessionregistry.h"
#include "sessionservertester.h"
#include "sessionstore.h"
#include "transactions.h"

#include <QTest>

#include <condition_variable>
#include <mutex>
#include <thread>

using namespace Qt::StringLiterals;

namespace {

/// Syncs wait until the test lets them finish, one at a time, and may fail.
struct SyncGate
{
    std::mutex mutex;
    std::condition_variable changed;
    int started = 0;
    int released = 0;
    QString error;

    QString pass()
    {
        std::unique_lock lock(mutex);
        const int mine = ++started;
        changed.notify_all();
        changed.wait(lock, [&] { return released >= mine; });
        return error;
    }
    void release(const QString &failWith = {})
    {
        std::lock_guard lock(mutex);
        error = failWith;
        ++released;
        changed.notify_all();
    }
    int startedCount()
    {
        std::lock_guard lock(mutex);
        return started;
    }
};

/// A store that keeps nothing, counts commits and has a sync behind the gate.
class GatedStore final : public SessionStore
{
public:
    explicit GatedStore(std::shared_ptr<SyncGate> gate)
        : m_gate(std::move(gate))
    { }
    bool open(QString *) override { return true; }
    Contents load() override { return {}; }
    void begin() override { }
    bool commit() override
    {
        ++commits;
        return true;
    }
    std::function<QString()> durabilityBarrier() override
    {
        return [gate = m_gate] { return gate->pass(); };
    }
    void saveUser(const StoredUser &) override { }
    void saveSession(const QString &, const QString &, const QString &) override { }
    void appendEvent(const QString &, qint64, const QString &) override { }
    void saveInvite(const StoredInvite &) override { }
    void saveBans(const QString &, const QStringList &) override { }
    void saveAnswer(const QString &, const QString &, const QString &) override { }
    QString lastError() const override { return {}; }
    QString describe() const override { return u"gated"_s; }

    int commits = 0;

private:
    std::shared_ptr<SyncGate> m_gate;
};

} // namespace

class TestDurableCommit : public QObject
{
    Q_OBJECT

    struct Rig
    {
        std::shared_ptr<SyncGate> gate = std::make_shared<SyncGate>();
        GatedStore store { gate };
        ServerOptions options;
        Backends backends { &store, nullptr };
        SessionRegistry registry { options, backends };
        ServerMetrics metrics;
        Fanout fanout { registry, metrics };
        Transactions transactions { backends, registry, fanout, metrics };
        std::shared_ptr<QStringList> sent = std::make_shared<QStringList>();
        QObject parent;
        CapturedConnection *connection = new CapturedConnection(options, sent, &parent);

        Rig() { transactions.setGroupCommit(true); }
        ~Rig()
        {
            // A sync still waiting must not keep the test from ending.
            for (int i = 0; i < 8; ++i)
                gate->release();
        }
        /// A change whose answer is `text`.
        void change(const QString &text)
        {
            transactions.transact([&] { transactions.post(connection, text); });
        }
    };

private Q_SLOTS:
    void nothingGoesOutBeforeTheSyncAndTheLoopGoesOnMeanwhile()
    {
        Rig rig;
        rig.change(u"first"_s);
        QTRY_COMPARE(rig.gate->startedCount(), 1); // committed at the end of the pass, syncing
        QCOMPARE(rig.store.commits, 1);
        QVERIFY(rig.transactions.isSyncing());
        QVERIFY(rig.sent->isEmpty()); // not durable yet: not sent

        // The loop is free: the next change commits while the first sync runs, and a read
        // answered meanwhile waits behind both.
        rig.change(u"second"_s);
        QTRY_COMPARE(rig.store.commits, 2);
        rig.transactions.sendAfterCommit(rig.connection, u"read"_s);
        QCoreApplication::processEvents(); // nothing may go out while the gate is shut
        QVERIFY(rig.sent->isEmpty());

        rig.gate->release();
        QTRY_COMPARE(*rig.sent, QStringList { u"first"_s });
        QTRY_COMPARE(rig.gate->startedCount(), 2); // the next sync covers "second"
        QCOMPARE(*rig.sent, QStringList { u"first"_s });
        rig.gate->release();
        QTRY_COMPARE(*rig.sent, (QStringList { u"first"_s, u"second"_s, u"read"_s }));
        QTRY_VERIFY(!rig.transactions.isSyncing());

        // With nothing waiting, a read goes out at once.
        rig.transactions.sendAfterCommit(rig.connection, u"now"_s);
        QCOMPARE(rig.sent->last(), u"now"_s);
    }

    void aFailedSyncSendsNothingAndFailsTheStorage()
    {
        Rig rig;
        QString failure;
        rig.transactions.setStorageFailedHandler([&](const QString &error) { failure = error; });
        rig.change(u"lost"_s);
        QTRY_COMPARE(rig.gate->startedCount(), 1);
        rig.change(u"also lost"_s);
        QTRY_COMPARE(rig.store.commits, 2);
        rig.gate->release(u"fdatasync: I/O error"_s);
        QTRY_COMPARE(failure, u"fdatasync: I/O error"_s);
        QVERIFY(rig.transactions.storageFailed());
        QCoreApplication::processEvents();
        QVERIFY(rig.sent->isEmpty());
        QVERIFY(!rig.transactions.transact([&] { rig.transactions.post(rig.connection, u"x"_s); }));
    }

    void commitGroupWaitsForEverySyncBeforeAGoodbye()
    {
        Rig rig;
        rig.change(u"answered"_s);
        // The shutdown path: everything committed and synced, and sent, before it returns.
        std::thread opener([gate = rig.gate] {
            while (gate->startedCount() < 1)
                std::this_thread::yield();
            gate->release();
        });
        rig.transactions.commitGroup();
        opener.join();
        QCOMPARE(*rig.sent, QStringList { u"answered"_s });
        QVERIFY(!rig.transactions.isSyncing());
    }
};

QTEST_GUILESS_MAIN(TestDurableCommit)
#include "tst_durablecommit.moc"
