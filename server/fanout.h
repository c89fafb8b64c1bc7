// SPDX-License-Identifier: MIT
#pragma once

#include "protocol.h"
#include "rostersummaries.h"

#include <QHash>
#include <QSet>
#include <QString>

class ClientConnection;
class Session;
class SessionRegistry;
class ServerMetrics;

/// @brief A committed event on its way to the followers of its session.
struct Delivery
{
    QString sessionId;
    qint64 revision = 0;
    QString text; ///< encoded once; every follower gets this very text
    QString removedUserId; ///< a removal goes to the removed one too, and is its last
    /// A chat message: its `session_activity`, for the members' connections that do not
    /// follow the session (they learn of it without joining); encoded when the first such
    /// connection is found. None for other events.
    std::optional<Protocol::SessionActivity> activity;
};

/**
 * @brief Sends a session's frames to the connections that follow it: each user of the
 * session, each of its connections here that follows the session.
 *
 * The text is encoded once by the caller; nothing here encodes per recipient.
 */
class Fanout
{
public:
    Fanout(SessionRegistry &registry, ServerMetrics &metrics);
    Q_DISABLE_COPY_MOVE(Fanout)

    /// Sends the event to each follower that does not have its revision yet (by snapshot
    /// or resume), and moves the follower on to it; the activity to each member's
    /// connection that does not follow the session. A summary subscription is not sent an
    /// event about another plain member, and gets a roster_summary before an event that
    /// follows such a gap (RosterSummaries).
    void deliver(const Delivery &delivery);
    /// Sends an unrecorded frame (typing) at once to each follower but `except`.
    void broadcast(const Session &session, const QString &text, const ClientConnection *except);

    RosterSummaries &rosterSummaries() { return m_summaries; }
    /// `connection` now follows `sessionId` (in summary or not): a large session's events
    /// about plain members go to the followers not in summary only (see deliver()).
    void subscribed(const ClientConnection &connection, const QString &sessionId, bool summary);
    /// Forgets what is kept for a session: deleted (deliver() does it after the deletion's
    /// event) or dropped from this node's memory.
    void forget(const QString &sessionId);
    /// Sessions something is kept for (tests: nothing outlives its session).
    qsizetype sessionsKept() const;

private:
    /// Sends to the users of a large `session` with a subscription not in summary, and
    /// forgets those that no longer have one.
    template<typename SendTo> void sendToWholeFollowers(const Session &session, SendTo &sendTo);

    SessionRegistry &m_registry;
    ServerMetrics &m_metrics;
    RosterSummaries m_summaries;
    /// Per large session: the users with a connection following it not in summary (kept
    /// from the session's first large event on, dropped when it is small again).
    QHash<QString, QSet<QString>> m_wholeFollowers;
};
