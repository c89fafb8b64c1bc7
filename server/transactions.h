// SPDX-License-Identifier: MIT
#pragma once

#include "backends.h"
#include "clientconnection.h"
#include "fanout.h"
#include "protocol.h"

#include <QElapsedTimer>
#include <QList>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <optional>

class Session;
class SessionRegistry;
class ServerMetrics;

/**
 * @brief Every change runs in a transaction: the store commits before anyone sees its events
 * or its answer (so what was acknowledged is durable), then what it sends goes out.
 *
 * What a transaction sends waits in the outbox, in order: events for every follower (a
 * Delivery, fanned out by Fanout) and frames for one connection. A transaction that loses a
 * race with another node is undone (SessionRegistry::undo) and sends nothing; transact()
 * runs it again on the new state.
 *
 * Group commit (SQLite): the changes of one event-loop pass share one commit instead of one
 * each; what they send waits until then. Each change stays atomic with its answer, and
 * nothing is seen before it is committed (nor answered before it is durable: below). (A
 * cluster's store commits every change on its own: its commit is the ordering.)
 *
 * A store whose commit leaves an fsync to do (SQLite: its writer thread writes and syncs
 * each batch) tells the loop when a group is durable (SessionStore::notifyWhenDurable): the
 * loop goes on reading, answering reads and committing the next groups meanwhile, and what
 * each group sends goes out, in order, once it is durable. No thread waits for it, and the
 * groups committed while the writer syncs share its next sync.
 *
 * Delivering before the sync (setDeliverBeforeSync, SQLite's default): a committed group's
 * events go to their followers at once, and what answers a connection — an ack, a
 * snapshot, a remembered answer — waits for the sync in that connection's own queue. So an
 * answer still promises only what is durable, while the followers do not wait for the
 * fsync. What a crash may lose is what was delivered and not yet answered; the store then
 * starts new epochs (SqliteSessionStore), and every client takes a snapshot.
 */
class Transactions
{
public:
    /// How long a change keeps being re-run after lost races before it is answered
    /// `unavailable` (retryable). Turns (RedisSessionStore) make that the exception.
    static constexpr int MaxRetryMs = 2000;

    Transactions(const Backends &backends, SessionRegistry &registry, Fanout &fanout,
        ServerMetrics &metrics);
    ~Transactions();
    Q_DISABLE_COPY_MOVE(Transactions)

    void setGroupCommit(bool groupCommit) { m_groupCommit = groupCommit; }
    /// For a store that syncs after its commit: events go to their followers when their
    /// group is committed, and only the frames for one connection (a request's answer, a
    /// snapshot) wait for the sync, held in that connection's queue with everything sent
    /// to it after them (ClientConnection::sendWhenDurable). Off: everything waits.
    void setDeliverBeforeSync(bool early) { m_deliverBeforeSync = early; }
    /// Called once a commit failed: memory is ahead of the store, nothing may go out.
    void setStorageFailedHandler(std::function<void(const QString &error)> handler)
    {
        m_onStorageFailed = std::move(handler);
    }
    /// Called after a transaction was undone, with the sessions to catch up with.
    void setUndoneHandler(std::function<void(const QStringList &sessionIds)> handler)
    {
        m_onUndone = std::move(handler);
    }

    /// Runs `body` in a transaction; when another node's commit overtook it, undoes it,
    /// catches up and runs it again. False when it kept losing for MaxRetryMs (or storage
    /// failed, or is unavailable).
    bool transact(const std::function<void()> &body);
    bool inTransaction() const { return m_depth > 0; }
    /// The last commit lost a race (the body may look for what the winner did).
    bool lastCommitConflicted() const { return m_lastCommitConflicted; }
    /// The last transact() was undone because the shared storage is unreachable: nothing
    /// of it was seen; the request may be retried later (error `unavailable`).
    bool lastCommitUnavailable() const { return m_lastCommitUnavailable; }
    bool storageFailed() const { return m_storageFailed; }
    /// Races lost so far (each one re-ran its change).
    qint64 conflictCount() const { return m_conflicts; }
    /// Commits the open group, waits for every sync, and sends all that waited for them
    /// (before the server says goodbye, say). The loop's own commits do not wait.
    void commitGroup();

    /// Assigns the next revision, applies a roster event to the roster, records the event
    /// and queues it for its followers, encoded once. Inside a transaction only.
    void publish(Session &session, Protocol::ServerFrame event);
    /// A frame for one connection (none: `text` empty), then the connection follows
    /// `subscribe` from `revision` on. Queued inside a transaction, at once outside one.
    void post(ClientConnection *connection, const QString &text, const QString &subscribe = {},
        qint64 revision = 0, bool summary = false, bool wholeAsked = false);
    /// The session's state, after which the connection follows it: a summary snapshot when
    /// RosterSummaries::wantsSummary, else the whole roster.
    void sendSnapshot(ClientConnection *connection, const Session &session,
        Protocol::RosterMode mode = Protocol::RosterMode::Default);
    /// Sends once what came before it is durable (at once when nothing waits).
    void sendAfterCommit(ClientConnection *connection, const QString &text);
    /// Something committed is waiting to be durable (SessionStore::notifyWhenDurable).
    bool isSyncing() const { return !m_unsynced.isEmpty(); }

private:
    class Transaction;
    struct Outgoing
    {
        std::optional<Delivery> delivery;
        QPointer<ClientConnection> connection;
        QString text; ///< may be empty: only a subscription
        QString subscribeSession;
        qint64 subscribeRevision = 0;
        bool summary = false;
        bool wholeAsked = false;
    };

    void begin();
    void finish();
    /// Commits the open group; what it sends waits for its sync, if the store needs one.
    void commitOpenGroup();
    /// The groups up to `ticket` are durable (or `error`): what they send goes out.
    void onDurable(quint64 ticket, const QString &error);
    /// Queues `out` behind what waits for a commit or a sync; false when nothing waits.
    bool queueBehindCommits(Outgoing &&out);
    void sendAll(const QList<Outgoing> &sends);
    /// Deliver-before-sync: the events go now, the connections' frames wait for `ticket`.
    void sendHoldingAnswers(const QList<Outgoing> &sends, quint64 ticket);
    /// `out`'s frame waits in its connection's queue for `ticket`; its subscription starts
    /// now, so that the events committed meanwhile queue behind it.
    void hold(const Outgoing &out, quint64 ticket);
    /// The one way a connection starts following a session (Fanout keeps an index of it).
    void subscribe(ClientConnection &connection, const QString &sessionId,
        const ClientConnection::Subscription &subscription);
    /// A commit (lastError()) or a sync (`syncError`) failed.
    void failStorage(const QString &syncError = {});
    /// The store's commit, timed for helpy_commit_seconds.
    bool commitStore();

    const Backends &m_backends;
    SessionRegistry &m_registry;
    Fanout &m_fanout;
    ServerMetrics &m_metrics;
    std::function<void(const QString &)> m_onStorageFailed;
    std::function<void(const QStringList &)> m_onUndone;

    QList<Outgoing> m_outbox;
    int m_depth = 0;
    bool m_lastCommitConflicted = false;
    bool m_lastCommitUnavailable = false;
    qint64 m_conflicts = 0;
    bool m_storageFailed = false;
    bool m_groupCommit = false;
    bool m_deliverBeforeSync = false;
    /// Connections with frames held for a sync (each once).
    QList<QPointer<ClientConnection>> m_holding;
    bool m_groupOpen = false;
    QList<Outgoing> m_awaitingCommit;
    QTimer m_groupCommitTimer;
    /// Committed groups waiting to be durable, oldest first, by ticket.
    struct Unsynced
    {
        quint64 ticket = 0;
        QElapsedTimer committed; ///< for helpy_sync_seconds
        QList<Outgoing> sends;
    };
    QList<Unsynced> m_unsynced;
    quint64 m_lastTicket = 0;
    QObject m_syncNotifier; ///< the store tells the loop through it that groups are durable
};
