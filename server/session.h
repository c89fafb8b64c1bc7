// SPDX-License-Identifier: MIT
#pragma once

#include "protocol.h"
#include "roster.h"

#include <QSet>
#include <QStringList>

#include <deque>
#include <optional>

/**
 * @brief One session's authoritative state on the server: roster, recent messages,
 * revision and the bounded event log that lets clients resume.
 *
 * Knows nothing of sockets: the server records each event here (already encoded, so
 * a resume re-sends the very text that was fanned out) and then sends it. Roster events
 * reach the roster through Roster::apply, live (Transactions::publish) and on replay
 * (StoreLoader::replay) alike.
 */
class Session
{
public:
    Session(QString id, QString title, QString epoch, int logCapacity, int snapshotMessages);

    const QString &id() const { return m_id; }
    const QString &title() const { return m_title; }
    /// A session_renamed event's title (live and on replay).
    void setTitle(const QString &title) { m_title = title; }
    const QString &epoch() const { return m_epoch; }
    qint64 revision() const { return m_revision; }

    /// The revision the next event gets; call record() with it right after.
    qint64 nextRevision() const { return m_revision + 1; }
    /// Advances the revision and keeps the encoded event for resume.
    void record(qint64 revision, const QString &encodedEvent);
    /// The encoded events after `sinceRevision`, or nothing when the log no longer has them.
    std::optional<QStringList> eventsSince(qint64 sinceRevision) const;
    /**
     * For a former member resuming: the encoded events after `sinceRevision` up to and
     * including the last one that took `participantId` out (they saw the session until
     * then, and see no further), or nothing when none of the kept log does.
     */
    std::optional<QStringList> eventsUntilRemoved(
        qint64 sinceRevision, const QString &participantId) const;

    /// @brief What a summary subscription needs to know of one logged event (RosterSummary).
    struct EventTraits
    {
        /// The plain member the event is about (a person who is a member before and after
        /// it): a summary subscription of anyone else is not sent it. Empty: everyone is.
        QString plainMemberId;
        int rosterSizeBefore = 0;
        int rosterSizeAfter = 0;
        /// Who the event takes out of the session (participant_removed), else empty.
        QString removedId;
    };
    /// The traits of the event at `revision`, or nothing when the log no longer has it.
    std::optional<EventTraits> traitsOf(qint64 revision) const;
    /// The revision of the last roster event (the roster's hash is that of any revision
    /// from it on).
    qint64 rosterRevision() const { return m_rosterRevision; }

    /// Who is in the session, in join order; its hash() is the digest clients compare.
    const Roster &roster() const { return m_roster; }
    Roster &roster() { return m_roster; }
    /// Calls f(userId) for each person (not helpy) in the session: whom events go to.
    template<typename F> void forEachUserId(F &&f) const
    {
        m_roster.forEach([&f](qsizetype, const Protocol::Participant &participant) {
            if (participant.type == Protocol::ParticipantType::User)
                f(participant.id);
        });
    }

    /**
     * Applies a roster event (Roster::apply) and keeps its membership line, derived from the
     * roster before it (Membership::entryOf). Live (Transactions::publish) and on replay.
     */
    void applyChange(const Protocol::ParticipantChangeEvent &event);
    /// Keeps a message for snapshots; one without an author name (a log written before
    /// authorName existed) gets the author's name from the roster.
    void appendMessage(Protocol::ChatMessage message);
    /// A participant's display name, or empty when they are not in the session.
    QString displayNameOf(const QString &participantId) const;
    /// The last messages, oldest first (at most the snapshot's number): a tutor's context.
    const std::deque<Protocol::ChatMessage> &recentMessages() const { return m_messages; }

    /// Set by `session_settings_changed` events, live and on replay alike.
    const Protocol::SessionSettings &settings() const { return m_settings; }
    void setSettings(const Protocol::SessionSettings &settings) { m_settings = settings; }

    /// Users kept out (ban_participant): no invite and no add lets them in.
    bool isBanned(const QString &userId) const { return m_banned.contains(userId); }
    void setBanned(const QString &userId, bool banned);
    QStringList bannedUserIds() const;
    /**
     * A session with no person left is closed: it is no longer joined (by id or invite),
     * added to nor listed; its log stays. It cannot reopen, as only a person lets others in.
     * Derived from the roster, so it survives a restart as the log does. A deleted session
     * (session_deleted, its last event) is closed too.
     */
    bool isClosed() const { return m_deleted || (m_revision > 0 && m_roster.userCount() == 0); }
    bool isDeleted() const { return m_deleted; }
    /// A session_deleted event (live and on replay).
    void markDeleted() { m_deleted = true; }
    /// After its deletion: drops its messages, membership lines and resume log (all but the
    /// deletion). The roster stays: the deletion's fan-out goes to its members.
    void forgetHistory();

    Protocol::SessionSnapshot snapshot() const;
    /**
     * What a heartbeat's session_digest says: the roster's hash and size, and the revision
     * they are of. The hash costs O(N) once after each roster change (Roster::hash()), so a
     * roster that changes again within `minIntervalMs` of the last hash computed here (a
     * join storm) is given that last digest, at its own revision, until the interval has
     * passed: a client at that revision checks it, one past it skips it (as it skips any
     * digest not at its revision). However fast a large session changes, the heartbeat
     * computes its hash at most once an interval; once it is quiet, the next digest is
     * current. `nowMs` is any steady clock's milliseconds.
     */
    Protocol::SessionDigest heartbeatDigest(qint64 nowMs, qint64 minIntervalMs) const;
    /**
     * A summary snapshot for `userId`'s connection: only the stage (owners, moderators,
     * Helpys, and `userId`) and the whole roster's size, and its hash when already computed
     * (rosterPartial).
     */
    Protocol::SessionSnapshot summarySnapshot(const QString &userId) const;

private:
    QString m_id;
    QString m_title;
    QString m_epoch;
    qint64 m_revision = 0;
    int m_logCapacity;
    int m_snapshotMessages;
    Roster m_roster;
    std::deque<Protocol::ChatMessage> m_messages;
    std::deque<Protocol::MembershipEntry> m_membership; // as many as m_messages may hold
    struct LoggedEvent
    {
        QString text;
        EventTraits traits;
    };
    std::deque<LoggedEvent> m_log; // m_log.back() has revision m_revision
    EventTraits m_pendingTraits; // of the roster event applied last, until it is recorded
    qint64 m_pendingRevision = -1;
    qint64 m_rosterRevision = 0;
    QSet<QString> m_banned;
    Protocol::SessionSettings m_settings;
    bool m_deleted = false;
    mutable std::optional<Protocol::SessionDigest> m_heartbeatDigest; // the last one given
    mutable qint64 m_heartbeatHashAtMs = 0; // when heartbeatDigest() last computed a hash
};

/// A roster event about `participant`; Transactions::publish() fills in session, revision
/// and time.
Protocol::ParticipantChangeEvent changeOf(Protocol::ParticipantChangeEvent::Type type,
    const Protocol::Participant &participant, const QString &actorId);
