// SPDX-License-Identifier: MIT
#pragma once

#include "protocol.h"

#include <QString>

#include <functional>

class ClusterSync;
class Fanout;
class Session;
class SessionRegistry;
class Transactions;

/**
 * @brief Keeps this node's sessions in step with the events the other nodes of a cluster
 * commit: each is applied to our copy and sent to our followers as if this node had
 * published it. A gap (a lost message, a resubscription) is filled from the shared log.
 *
 * Only a node of a cluster constructs one.
 */
class ClusterEvents
{
public:
    ClusterEvents(ClusterSync &cluster, SessionRegistry &registry, Transactions &transactions,
        Fanout &fanout);
    Q_DISABLE_COPY_MOVE(ClusterEvents)

    /// Called for each message of another node applied here (the Helpys may answer it).
    void setMessageAppliedHandler(
        std::function<void(const QString &sessionId, const Protocol::ChatMessage &)> handler)
    {
        m_onMessage = std::move(handler);
    }
    /// An event any node published; applied when it is the next one we miss.
    void onEvent(const QString &sessionId, qint64 revision, const QString &event);
    /// Applies the events of the shared log this node has not seen yet, and delivers them.
    void catchUp(const QString &sessionId);
    /// Every session this node has (events may have been missed).
    void catchUpAll();

private:
    void apply(Session &session, const QString &event);
    /// Redis lost the session's log: write ours back under a new epoch (see catchUp).
    void restore(Session &session);
    /// Forgets our copy, rebuilds it from the stored log, sends its followers a snapshot.
    void reload(const QString &sessionId);
    /// Someone else added `userId`: its connections here get the state, then the events.
    void sendSnapshots(const QString &userId, const Session &session);

    ClusterSync &m_cluster;
    SessionRegistry &m_registry;
    Transactions &m_transactions;
    Fanout &m_fanout;
    std::function<void(const QString &, const Protocol::ChatMessage &)> m_onMessage;
};
