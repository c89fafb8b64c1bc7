// SPDX-License-Identifier: MIT
#include "session.h"

#include "membership.h"
#include "rostersummaries.h"

#include <algorithm>

using namespace Protocol;

Session::Session(QString id, QString title, QString epoch, int logCapacity, int snapshotMessages)
    : m_id(std::move(id))
    , m_title(std::move(title))
    , m_epoch(std::move(epoch))
    , m_logCapacity(std::max(1, logCapacity))
    , m_snapshotMessages(snapshotMessages)
{ }

void Session::record(qint64 revision, const QString &encodedEvent)
{
    Q_ASSERT(revision == m_revision + 1);
    m_revision = revision;
    EventTraits traits;
    if (m_pendingRevision == revision) {
        traits = std::exchange(m_pendingTraits, {});
        m_rosterRevision = revision;
    } else {
        traits.rosterSizeBefore = m_roster.size();
    }
    traits.rosterSizeAfter = m_roster.size();
    m_pendingRevision = -1;
    m_log.push_back({ encodedEvent, std::move(traits) });
    while (qsizetype(m_log.size()) > m_logCapacity)
        m_log.pop_front();
}

void Session::forgetHistory()
{
    m_messages = {};
    m_membership = {};
    while (m_log.size() > 1)
        m_log.pop_front();
}

std::optional<QStringList> Session::eventsSince(qint64 sinceRevision) const
{
    if (sinceRevision > m_revision)
        return std::nullopt; // the client is ahead of us: it cannot be our history
    const qint64 missed = m_revision - sinceRevision;
    if (missed > qint64(m_log.size()))
        return std::nullopt;
    QStringList events;
    events.reserve(missed);
    for (auto it = m_log.end() - missed; it != m_log.end(); ++it)
        events.append(it->text);
    return events;
}

std::optional<QStringList> Session::eventsUntilRemoved(
    qint64 sinceRevision, const QString &participantId) const
{
    const qint64 missed = m_revision - sinceRevision;
    if (sinceRevision > m_revision || missed > qint64(m_log.size()))
        return std::nullopt;
    const auto first = m_log.end() - missed;
    for (auto it = m_log.end(); it != first;) {
        if ((--it)->traits.removedId != participantId)
            continue;
        QStringList events;
        events.reserve(it - first + 1);
        for (auto kept = first; kept != it + 1; ++kept)
            events.append(kept->text);
        return events;
    }
    return std::nullopt;
}

std::optional<Session::EventTraits> Session::traitsOf(qint64 revision) const
{
    const qint64 back = m_revision - revision; // 0: the last one
    if (revision < 1 || back < 0 || back >= qint64(m_log.size()))
        return std::nullopt;
    return m_log.at(m_log.size() - 1 - back).traits;
}

void Session::applyChange(const ParticipantChangeEvent &event)
{
    m_pendingRevision = event.revision;
    m_pendingTraits = EventTraits { RosterSummaries::plainMemberOf(m_roster, event),
        m_roster.size(), 0,
        event.type == ParticipantChangeEvent::Type::Removed ? event.participantId : QString() };
    if (auto entry = Membership::entryOf(event, m_roster)) {
        m_membership.push_back(std::move(*entry));
        while (qsizetype(m_membership.size()) > m_snapshotMessages)
            m_membership.pop_front();
    }
    m_roster.apply(event);
}

Protocol::SessionDigest Session::heartbeatDigest(qint64 nowMs, qint64 minIntervalMs) const
{
    const bool hashKept = !m_roster.cachedHash().isEmpty();
    if (!hashKept && m_heartbeatDigest && nowMs - m_heartbeatHashAtMs < minIntervalMs)
        return *m_heartbeatDigest; // changed again since: the last one, at its revision
    if (!hashKept)
        m_heartbeatHashAtMs = nowMs;
    m_heartbeatDigest
        = SessionDigest { m_id, m_epoch, m_revision, m_roster.hash(), int(m_roster.size()) };
    return *m_heartbeatDigest;
}

QString Session::displayNameOf(const QString &participantId) const
{
    const Participant *participant = m_roster.find(participantId);
    return participant ? participant->displayName : QString();
}

void Session::appendMessage(ChatMessage message)
{
    if (message.authorName.isEmpty())
        message.authorName = displayNameOf(message.authorId);
    m_messages.push_back(std::move(message));
    while (qsizetype(m_messages.size()) > m_snapshotMessages)
        m_messages.pop_front();
}

void Session::setBanned(const QString &userId, bool banned)
{
    if (banned)
        m_banned.insert(userId);
    else
        m_banned.remove(userId);
}

QStringList Session::bannedUserIds() const
{
    QStringList ids(m_banned.cbegin(), m_banned.cend());
    ids.sort();
    return ids;
}

SessionSnapshot Session::snapshot() const
{
    SessionSnapshot s;
    s.sessionId = m_id;
    s.epoch = m_epoch;
    s.revision = m_revision;
    s.title = m_title;
    s.participants = m_roster.participants();
    s.messages = QList<ChatMessage>(m_messages.cbegin(), m_messages.cend());
    s.settings = m_settings;
    s.membership = QList<MembershipEntry>(m_membership.cbegin(), m_membership.cend());
    return s;
}

SessionSnapshot Session::summarySnapshot(const QString &userId) const
{
    SessionSnapshot s;
    s.sessionId = m_id;
    s.epoch = m_epoch;
    s.revision = m_revision;
    s.title = m_title;
    // The stage and the user, in join order: O(stage log n), not a scan of the roster.
    QList<int> rows;
    for (const QString &id : m_roster.stageIds())
        rows.append(m_roster.rowOf(id));
    if (const int own = m_roster.rowOf(userId); own >= 0 && !rows.contains(own))
        rows.append(own);
    std::sort(rows.begin(), rows.end());
    for (const int row : std::as_const(rows))
        s.participants.append(m_roster.at(row));
    s.messages = QList<ChatMessage>(m_messages.cbegin(), m_messages.cend());
    s.settings = m_settings;
    // Lines about plain members' comings and goings are not sent live either.
    for (const MembershipEntry &entry : m_membership) {
        if (!RosterSummaries::isAboutPlainMember(entry) || entry.participantId == userId)
            s.membership.append(entry);
    }
    s.rosterPartial = true;
    s.participantCount = m_roster.size();
    // Only when at hand: computing it for each joiner of a join storm would be O(N²) again
    // (roster_summary frames carry it, once a second at most).
    s.rosterHash = m_roster.cachedHash();
    return s;
}

ParticipantChangeEvent changeOf(
    ParticipantChangeEvent::Type type, const Participant &participant, const QString &actorId)
{
    ParticipantChangeEvent event;
    event.type = type;
    event.participantId = participant.id;
    event.participantType = participant.type;
    event.participant = participant;
    event.actorId = actorId;
    return event;
}
