// SPDX-License-Identifier: MIT
#pragma once

#include "protocol.h"

#include <QElapsedTimer>
#include <QHash>
#include <QTimer>

#include <deque>
#include <functional>

class ClientConnection;

/**
 * @brief Requests that wait for another node's turn on their session (a node of a cluster;
 * see RedisSessionStore's turns), per connection and in order, instead of retrying at once.
 *
 * A commit refused because another node holds the session's turn cannot succeed before that
 * node commits: retrying at once only spins the event loop on Redis round trips. The request
 * waits here instead, and runs again after RetryMs, the loop free meanwhile; the connection's
 * later requests queue behind it, so one client's requests are still applied in the order
 * it sent them. A head that waited MaxWaitMs is given up (answered `unavailable`).
 */
class ClusterTurnWaits
{
public:
    static constexpr int RetryMs = 2;
    static constexpr int MaxWaitMs = 10000;

    /// Runs a request again (it may come back through wait()).
    using Rerun = std::function<void(ClientConnection *, const Protocol::ClientFrame &)>;
    explicit ClusterTurnWaits(Rerun rerun);
    Q_DISABLE_COPY_MOVE(ClusterTurnWaits)

    /// The connection has requests waiting: a new one must queue behind them (enqueue()).
    bool queues(ClientConnection *connection) const;
    void enqueue(ClientConnection *connection, const Protocol::ClientFrame &frame);
    /// The request must wait for a turn: it goes first in its connection's queue. False
    /// (nothing queued) when it has waited MaxWaitMs already.
    bool wait(ClientConnection *connection, const Protocol::ClientFrame &frame);
    /// The connection closed: what waited is dropped (its client re-sends it).
    void forget(ClientConnection *connection);
    /// Something changed (another node committed): the waiting requests run again now.
    void retrySoon();
    /// Requests waiting now, over all connections.
    int size() const;

private:
    struct Queue
    {
        std::deque<Protocol::ClientFrame> frames;
        QElapsedTimer headSince; ///< the head's first wait
        bool headWaited = false;
    };
    void retry();

    Rerun m_rerun;
    QHash<ClientConnection *, Queue> m_queues;
    ClientConnection *m_running = nullptr; ///< its head is being run again
    bool m_runningWaitedAgain = false;
    QTimer m_timer;
};
