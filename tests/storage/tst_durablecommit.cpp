// SPDX-License-Identifier: MIT
// When a durable commit's sync runs off the event loop (SessionStore::notifyWhenDurable):
// nothing a change sends goes out before the sync that covers it, the loop goes on
// committing meanwhile, order is kept, and a failed sync sends nothing.
#include "budgets.h"
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

/// A store that keeps nothing, counts commits and syncs behind the gate: each wait for
/// durability asked for is one pass of the gate, one at a time, on a thread of its own (as
/// SqliteWriter's), and reports to the loop.
class GatedStore final : public SessionStore
{
public:
    explicit GatedStore(std::shared_ptr<SyncGate> gate)
        : m_gate(std::move(gate))
        , m_worker([this] { run(); })
    { }
    ~GatedStore() override
    {
        {
            std::lock_guard lock(m_mutex);
            m_stopping = true;
            m_changed.notify_all();
        }
        m_worker.join();
    }
    bool open(QString *) override { return true; }
    Contents load() override { return {}; }
    void begin() override { }
    bool commit() override
    {
        ++commits;
        return true;
    }
    bool notifyWhenDurable(
        QObject *context, std::function<void(const QString &error)> done) override
    {
        std::lock_guard lock(m_mutex);
        m_queue.append({ context, std::move(done) });
        ++m_asked;
        m_changed.notify_all();
        return true;
    }
    void cancelDurableNotifications(const QObject *context) override
    {
        std::lock_guard lock(m_mutex);
        for (Notification &n : m_queue) {
            if (n.context == context)
                n.context = nullptr;
        }
        if (m_passing == context)
            m_passing = nullptr;
    }
    /// Waits for every sync asked for so far (the shutdown path).
    std::function<QString()> durabilityBarrier() override
    {
        return [this] {
            std::unique_lock lock(m_mutex);
            const int target = m_asked;
            m_changed.wait(lock, [&] { return m_done >= target; });
            return m_lastError;
        };
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
    struct Notification
    {
        QObject *context = nullptr;
        std::function<void(const QString &)> done;
    };
    void run()
    {
        std::unique_lock lock(m_mutex);
        for (;;) {
            m_changed.wait(lock, [&] { return !m_queue.isEmpty() || m_stopping; });
            if (m_queue.isEmpty())
                return;
            Notification n = m_queue.takeFirst();
            m_passing = n.context;
            lock.unlock();
            const QString error = m_gate->pass();
            lock.lock();
            ++m_done;
            m_lastError = error;
            if (m_passing) {
                QMetaObject::invokeMethod(
                    m_passing, [done = n.done, error] { done(error); }, Qt::QueuedConnection);
            }
            m_passing = nullptr;
            m_changed.notify_all();
        }
    }

    std::shared_ptr<SyncGate> m_gate;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    QList<Notification> m_queue;
    QObject *m_passing = nullptr;
    int m_asked = 0;
    int m_done = 0;
    QString m_lastError;
    bool m_stopping = false;
    std::thread m_worker; ///< last: started once the rest is there
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

        explicit Rig(bool deliverBeforeSync = false)
        {
            transactions.setGroupCommit(true);
            transactions.setDeliverBeforeSync(deliverBeforeSync);
        }
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

    void anAnswerWaitsForItsSyncAndWhatFollowsItWaitsBehind()
    {
        // Deliver-before-sync (SQLite's default): the answer is held in its connection's
        // queue, and a frame sent to that connection meanwhile (an event of another
        // change, delivered at once to everyone else) queues behind it.
        Rig rig(true);
        rig.change(u"answer"_s);
        QTRY_COMPARE(rig.gate->startedCount(), 1);
        QVERIFY(rig.connection->isHolding());
        rig.connection->send(u"event"_s);
        rig.transactions.sendAfterCommit(rig.connection, u"read"_s);
        QCoreApplication::processEvents();
        QVERIFY(rig.sent->isEmpty()); // not durable yet: nothing for this connection

        rig.gate->release();
        QTRY_COMPARE(*rig.sent, (QStringList { u"answer"_s, u"event"_s, u"read"_s }));
        QTRY_VERIFY(!rig.transactions.isSyncing());
        QVERIFY(!rig.connection->isHolding());
        rig.connection->send(u"now"_s); // nothing held: at once
        QCOMPARE(rig.sent->last(), u"now"_s);
    }

    void heldFramesCountInTheBacklogBudgets()
    {
        // What waits for a sync is memory the server holds for that peer: it counts towards
        // the connection's backlog and the total of every connection's (Budgets).
        const ServerOptions options;
        Budgets budgets(options); // outlives the rig's connection, which reports to it
        Rig rig(true);
        rig.connection->meterBacklog(&budgets);
        rig.change(u"answer"_s);
        QTRY_COMPARE(rig.gate->startedCount(), 1);
        rig.connection->send(u"event"_s);
        const qint64 held = qint64(u"answerevent"_s.size() * sizeof(QChar));
        QCOMPARE(rig.connection->backlog(), held);
        QCOMPARE(budgets.queuedBytes(), held);
        rig.gate->release();
        QTRY_COMPARE(rig.sent->size(), 2);
        QCOMPARE(rig.connection->backlog(), 0);
        QCOMPARE(budgets.queuedBytes(), 0);
    }

    void aFailedSyncDropsWhatWasHeld()
    {
        Rig rig(true);
        rig.change(u"never"_s);
        QTRY_COMPARE(rig.gate->startedCount(), 1);
        rig.connection->send(u"behind it"_s);
        rig.gate->release(u"fdatasync: I/O error"_s);
        QTRY_VERIFY(rig.transactions.storageFailed());
        QCoreApplication::processEvents();
        QVERIFY(rig.sent->isEmpty());
        QVERIFY(!rig.connection->isHolding());
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
