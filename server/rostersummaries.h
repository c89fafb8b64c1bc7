// SPDX-License-Identifier: MIT
#pragma once

#include "protocol.h"

#include <QElapsedTimer>
#include <QHash>
#include <QString>
#include <QTimer>
#include <algorithm>

class ClientConnection;
class Roster;
class Session;
class SessionRegistry;

/**
 * @brief Summary subscriptions of large sessions (hello feature `roster_summary`,
 * docs/protocol.md "Large sessions"): who gets one, what they are not sent, and the
 * `roster_summary` frames that cover what they were not sent.
 *
 * A summary subscription is not sent the roster events about plain members (people who are
 * members before and after the change) other than its own user. Fanout skips them; before
 * the next event it does send, it sends a roster_summary up to the revision before it, and
 * at most every rosterSummaryIntervalMs (times its size over
 * rosterSummaryParticipantsPerInterval: the bytes per second of a session's summaries do not
 * grow with it) each session whose roster changed gets one for all its summary
 * subscriptions. Each summary is encoded once per session and revision.
 */
class RosterSummaries
{
public:
    explicit RosterSummaries(SessionRegistry &registry);
    Q_DISABLE_COPY_MOVE(RosterSummaries)

    /// The plain member `event` is about (a person, a member before and after it), judged on
    /// the roster before it; empty when every follower is sent it.
    static QString plainMemberOf(
        const Roster &before, const Protocol::ParticipantChangeEvent &event);
    /// Owners, moderators and Helpys: the part of the roster a summary snapshot holds.
    static bool isOnStage(const Protocol::Participant &participant);
    /// A membership line about a plain member joining, being added, leaving or removed.
    static bool isAboutPlainMember(const Protocol::MembershipEntry &entry);
    /// Whether `connection` gets a summary snapshot of `session` (opted in, the session
    /// large, the whole roster not asked for).
    static bool wantsSummary(const ClientConnection &connection, const Session &session,
        Protocol::RosterMode mode, int largeSessionThreshold);

    /// The encoded roster_summary of `session` at `revision` (empty when its log no longer
    /// knows the roster's size then). One encoding per session and revision.
    QString textAt(const Session &session, qint64 revision);
    /// Fanout processed the event at `revision`; `skipped`: some summary subscription was
    /// not sent it, so a throttled roster_summary follows.
    void delivered(const Session &session, qint64 revision, bool skipped);
    /// Forgets what is kept for a session that is deleted or dropped here.
    void forget(const QString &sessionId) { m_states.remove(sessionId); }
    qsizetype sessionsKept() const { return m_states.size(); }

private:
    struct State
    {
        qint64 delivered = 0; ///< the last revision Fanout processed
        qint64 cachedRevision = -1;
        QString cachedText;
        int sentCount = -1; ///< of the last throttled summary
        QString sentHash;
        bool dirty = false;
        qint64 sentAtMs = -1; ///< m_clock time of the last throttled summary
        qint64 dirtyAtMs = 0; ///< when its roster last changed with nothing pending
        /// Due an interval after the later of the two (a summary covers what came meanwhile).
        qint64 dueMs(qint64 interval) const { return std::max(sentAtMs, dirtyAtMs) + interval; }
    };
    void sendThrottled();
    /// The least time between two throttled summaries of a session of `count` participants.
    qint64 intervalMs(int count) const;
    /// Runs the timer for the soonest summary due (if any session has one pending).
    void arm();
    /// The roster's size at `revision`; -1 when the log no longer knows.
    static int countAt(const Session &session, qint64 revision);
    static QString hashAt(const Session &session, qint64 revision);

    SessionRegistry &m_registry;
    QHash<QString, State> m_states;
    QTimer m_timer;
    QElapsedTimer m_clock;
};
