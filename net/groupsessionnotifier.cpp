// SPDX-License-Identifier: MIT
#include "groupsessionnotifier.h"

#include "logging.h"
#include "membership.h"
#include "websocketservice.h"

using namespace Protocol;

namespace {
constexpr qsizetype MaxKeptMessages = 500;
}

GroupSessionNotifier::GroupSessionNotifier(
    WebSocketService *service, const QString &sessionId, QObject *parent)
    : QObject(parent)
    , m_service(service)
    , m_sessionId(sessionId)
{
    connect(service, &WebSocketService::sessionSnapshotReceived, this,
        &GroupSessionNotifier::onSnapshot);
    connect(service, &WebSocketService::participantChanged, this,
        &GroupSessionNotifier::onParticipantChanged);
    connect(service, &WebSocketService::messageReceived, this, &GroupSessionNotifier::onMessage);
    connect(service, &WebSocketService::typingChanged, this, &GroupSessionNotifier::onTyping);
    connect(
        service, &WebSocketService::sessionDigestReceived, this, &GroupSessionNotifier::onDigest);
    connect(service, &WebSocketService::sessionSettingsChanged, this,
        &GroupSessionNotifier::onSettings);
    connect(
        service, &WebSocketService::messageDeltaReceived, this, [this](const MessageDelta &delta) {
            if (delta.sessionId == m_sessionId)
                Q_EMIT messageDeltaReceived(delta);
        });
    connect(service, &WebSocketService::sessionRenamed, this, &GroupSessionNotifier::onRenamed);
    connect(service, &WebSocketService::sessionDeleted, this, &GroupSessionNotifier::onDeleted);
    connect(service, &WebSocketService::rosterSummaryReceived, this,
        &GroupSessionNotifier::onRosterSummary);
    // A new connection has no subscriptions: resume what we had.
    connect(service, &WebSocketService::welcomed, this, [this] {
        m_resyncing = false;
        if (hasState() && !m_removed)
            join();
    });
    if (const auto snapshot = service->lastSnapshot(sessionId))
        adopt(*snapshot);
}

std::optional<Participant> GroupSessionNotifier::participant(const QString &id) const
{
    if (const Participant *p = m_roster.find(id))
        return *p;
    return std::nullopt;
}

void GroupSessionNotifier::join()
{
    if (!m_service)
        return;
    m_removed = false;
    // A partial roster cannot be brought up to date by events: the server sends a summary
    // snapshot (the stage, messages and the count: small) instead.
    if (hasState() && !m_rosterPartial)
        m_service->resumeSession(m_sessionId, m_epoch, m_revision, onAnswered(), rosterMode());
    else
        m_service->joinSession(m_sessionId, onAnswered(), rosterMode());
}

RosterMode GroupSessionNotifier::rosterMode() const
{
    return m_wholeRosterAsked ? RosterMode::Full : RosterMode::Default;
}

void GroupSessionNotifier::requestFullRoster()
{
    if (!m_service || m_wholeRosterAsked)
        return;
    m_wholeRosterAsked = true;
    m_resyncing = true; // events until the snapshot are covered by it
    m_service->joinSession(m_sessionId, onAnswered(), RosterMode::Full);
}

void GroupSessionNotifier::setRosterSize(int count, bool partial)
{
    if (count == m_participantCount && partial == m_rosterPartial)
        return;
    m_participantCount = count;
    m_rosterPartial = partial;
    Q_EMIT rosterSizeChanged();
}

void GroupSessionNotifier::onRosterSummary(const RosterSummary &summary)
{
    if (summary.sessionId != m_sessionId || !hasState() || m_removed || m_resyncing
        || summary.epoch != m_epoch || summary.revision < m_revision)
        return;
    m_revision = summary.revision;
    if (!m_rosterPartial) {
        // Followed since the session was small: in summary from now on. The plain members we
        // hold would go stale (their leaving is not sent): keep the stage and ourselves.
        QList<Participant> kept;
        const QString self = m_service ? m_service->userId() : QString();
        m_roster.forEach([&](qsizetype, const Participant &p) {
            if (p.type == ParticipantType::Helpy || p.role != Role::Member || p.id == self)
                kept.append(p);
        });
        m_roster.applySnapshot(kept);
    }
    setRosterSize(summary.participantCount, true);
}

WebSocketService::ReplyHandler GroupSessionNotifier::onAnswered()
{
    return [self = QPointer(this)](const WebSocketService::Reply &reply) {
        if (!self)
            return;
        self->m_resyncing = false;
        // The events and snapshot of the answer came before it, so they are applied now.
        if (reply.ok && self->hasState())
            Q_EMIT self->caughtUp();
        else if (!reply.ok)
            self->onRefused(reply.error);
    };
}

void GroupSessionNotifier::onRefused(const Error &error)
{
    if (!hasState() || m_removed)
        return;
    // Our state is of a session we are no longer in: taken out (or the session deleted) while
    // we were away, and the events that said so are out of the server's reach. Nothing more
    // comes; say so instead of showing the last state as if it were live.
    if (error.code == ErrorCode::Forbidden) {
        qCInfo(lcNet) << "session" << m_sessionId << "refused us:" << error.message;
        m_removed = true;
        Q_EMIT removedFromSession(ParticipantChangeEvent::Reason::Removed);
    } else if (error.code == ErrorCode::NotFound) {
        qCInfo(lcNet) << "session" << m_sessionId << "is gone:" << error.message;
        m_removed = true;
        Q_EMIT deleted(SessionDeletedEvent { m_sessionId, m_epoch, m_revision, {}, {} });
    }
}

void GroupSessionNotifier::onSnapshot(const SessionSnapshot &snapshot)
{
    if (snapshot.sessionId != m_sessionId)
        return;
    adopt(snapshot);
    qCDebug(lcNet) << "session" << m_sessionId << "snapshot at revision" << m_revision;
    Q_EMIT snapshotApplied(snapshot);
}

void GroupSessionNotifier::adopt(const SessionSnapshot &snapshot)
{
    m_epoch = snapshot.epoch;
    m_revision = snapshot.revision;
    m_title = snapshot.title;
    m_resyncing = false;
    m_removed = false;
    m_roster.applySnapshot(snapshot.participants); // the difference, row by row
    setRosterSize(snapshot.rosterPartial ? snapshot.participantCount : m_roster.size(),
        snapshot.rosterPartial);
    m_messages = snapshot.messages;
    if (std::exchange(m_settings, snapshot.settings) != snapshot.settings)
        Q_EMIT settingsChanged(m_settings);
    m_membership = snapshot.membership;
}

/// True when the event is the next one; false when it is old or after a gap.
bool GroupSessionNotifier::acceptRevision(const QString &epoch, qint64 revision)
{
    if (!hasState() || m_removed)
        return false;
    if (epoch != m_epoch) {
        qCInfo(lcNet) << "session" << m_sessionId << "epoch changed; asking for a snapshot";
        m_epoch.clear(); // a new epoch's revisions mean nothing against ours
        m_resyncing = false;
        resync();
        return false;
    }
    if (revision <= m_revision)
        return false; // already applied (a resume can overlap what we had)
    if (revision != m_revision + 1) {
        qCInfo(lcNet) << "session" << m_sessionId << "gap: have" << m_revision << "got" << revision;
        resync();
        return false;
    }
    m_revision = revision;
    return true;
}

void GroupSessionNotifier::resync()
{
    // One resume at a time: events after the gap are dropped until the answer fills it.
    if (m_resyncing || !m_service)
        return;
    m_resyncing = true;
    Q_EMIT resyncRequested(m_revision);
    if (hasState() && !m_rosterPartial)
        m_service->resumeSession(m_sessionId, m_epoch, m_revision, onAnswered(), rosterMode());
    else
        m_service->joinSession(m_sessionId, onAnswered(), rosterMode());
}

void GroupSessionNotifier::onParticipantChanged(const ParticipantChangeEvent &event)
{
    if (event.sessionId != m_sessionId || !acceptRevision(event.epoch, event.revision))
        return;
    const std::optional<Participant> before = participant(event.participantId);
    // Worded on the roster before the event, as the server did when it published it.
    const std::optional<MembershipEntry> entry = Membership::entryOf(event, m_roster);
    m_roster.apply(event);
    // A partial roster may not hold the participant (a member made moderator comes as an
    // update): the count moves by the event's kind (an add is always someone new).
    int count = m_roster.size();
    if (m_rosterPartial) {
        count = m_participantCount;
        if (event.type == ParticipantChangeEvent::Type::Added)
            ++count;
        else if (event.type == ParticipantChangeEvent::Type::Removed)
            --count;
    }
    setRosterSize(count, m_rosterPartial);
    Q_EMIT participantChanged(event, before);
    if (entry) {
        m_membership.append(*entry);
        if (m_membership.size() > MaxKeptMessages)
            m_membership.remove(0, m_membership.size() - MaxKeptMessages);
        Q_EMIT membershipEntryAppended(*entry);
    }
    if (event.type == ParticipantChangeEvent::Type::Removed && m_service
        && event.participantId == m_service->userId()) {
        m_removed = true;
        Q_EMIT removedFromSession(event.reason);
    }
}

void GroupSessionNotifier::onMessage(const MessageEvent &event)
{
    if (event.sessionId != m_sessionId || !acceptRevision(event.epoch, event.message.revision))
        return;
    m_messages.append(event.message);
    if (m_messages.size() > MaxKeptMessages)
        m_messages.remove(0, m_messages.size() - MaxKeptMessages);
    Q_EMIT messageAppended(event.message);
}

void GroupSessionNotifier::onRenamed(const SessionRenamedEvent &event)
{
    if (event.sessionId != m_sessionId || !acceptRevision(event.epoch, event.revision))
        return;
    m_title = event.title;
    Q_EMIT renamed(event);
}

void GroupSessionNotifier::onDeleted(const SessionDeletedEvent &event)
{
    if (event.sessionId != m_sessionId || !acceptRevision(event.epoch, event.revision))
        return;
    m_removed = true; // nothing follows: no resume either
    Q_EMIT deleted(event);
}

void GroupSessionNotifier::onTyping(const TypingEvent &event)
{
    if (event.sessionId == m_sessionId)
        Q_EMIT typingChanged(event.participantId, event.typing);
}

void GroupSessionNotifier::onSettings(const SessionSettingsEvent &event)
{
    if (event.sessionId != m_sessionId || !acceptRevision(event.epoch, event.revision))
        return;
    m_settings = event.settings;
    Q_EMIT settingsChanged(m_settings);
}

void GroupSessionNotifier::onDigest(const SessionDigest &digest)
{
    // Only a digest of exactly our state proves anything; others are in flight past us.
    if (digest.sessionId != m_sessionId || digest.epoch != m_epoch || digest.revision != m_revision
        || m_resyncing || m_removed || !m_service)
        return;
    if (m_rosterPartial) {
        // Our roster is the stage only: the count is what we can check.
        if (digest.participantCount < 0 || digest.participantCount == m_participantCount)
            return;
        qCInfo(lcNet) << "session" << m_sessionId << "count" << m_participantCount << "server"
                      << digest.participantCount << "; asking for a snapshot";
        m_resyncing = true;
        m_service->joinSession(m_sessionId, onAnswered(), rosterMode());
        return;
    }
    const QString ours = m_roster.hash();
    if (ours == digest.rosterHash)
        return;
    qCWarning(lcNet) << "session" << m_sessionId << "diverged at revision" << m_revision << "ours"
                     << ours << "server" << digest.rosterHash << "; asking for a snapshot";
    Q_EMIT divergenceDetected(ours, digest.rosterHash);
    m_resyncing = true;
    m_service->joinSession(m_sessionId, onAnswered(), rosterMode());
}
