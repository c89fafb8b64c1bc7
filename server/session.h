// SPDX-License-Identifier: MIT
#pragma once

#include "protocol.h"

#include <QHash>
#include <QSet>
#include <QStringList>

#include <deque>
#include <optional>

/**
 * @brief One session's authoritative state on the server: roster, recent messages,
 * revision and the bounded event log that lets clients resume.
 *
 * Knows nothing of sockets: the server records each event here (already encoded, so
 * a resume re-sends the very text that was fanned out) and then sends it.
 */
class Session
{
public:
    Session(QString id, QString title, QString epoch, int logCapacity, int snapshotMessages);

    const QString &id() const { return m_id; }
    const QString &title() const { return m_title; }
    const QString &epoch() const { return m_epoch; }
    qint64 revision() const { return m_revision; }

    /// The revision the next event gets; call record() with it right after.
    qint64 nextRevision() const { return m_revision + 1; }
    /// Advances the revision and keeps the encoded event for resume.
    void record(qint64 revision, const QString &encodedEvent);
    /// The encoded events after `sinceRevision`, or nothing when the log no longer has them.
    std::optional<QStringList> eventsSince(qint64 sinceRevision) const;

    const Protocol::Participant *participant(const QString &id) const;
    bool contains(const QString &id) const { return m_participants.contains(id); }
    int participantCount() const { return int(m_participants.size()); }
    int ownerCount() const;
    /// Users (not helpys) in the session, for fan-out.
    const QSet<QString> &userIds() const { return m_userIds; }
    QList<Protocol::Participant> participants() const;

    void upsertParticipant(const Protocol::Participant &participant);
    void removeParticipant(const QString &id);

    void appendMessage(const Protocol::ChatMessage &message);

    Protocol::SessionSnapshot snapshot() const;
    /// Protocol::rosterHash of the roster, computed once per roster change.
    const QString &rosterHash() const;

private:
    QString m_id;
    QString m_title;
    QString m_epoch;
    qint64 m_revision = 0;
    int m_logCapacity;
    int m_snapshotMessages;
    QStringList m_order; // join order, as clients show it
    QHash<QString, Protocol::Participant> m_participants;
    QSet<QString> m_userIds;
    mutable QString m_rosterHash; // empty: stale
    std::deque<Protocol::ChatMessage> m_messages;
    std::deque<QString> m_log; // m_log.back() has revision m_revision
};

/// A roster event about `participant`; Transactions::publish() fills in session, revision
/// and time.
Protocol::ParticipantChangeEvent changeOf(Protocol::ParticipantChangeEvent::Type type,
    const Protocol::Participant &participant, const QString &actorId);
