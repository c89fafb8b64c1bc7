// SPDX-License-Identifier: MIT
#include "rostersummaries.h"

#include "clientconnection.h"
#include "logging.h"
#include "roster.h"
#include "serveroptions.h"
#include "session.h"
#include "sessionregistry.h"
#include "userdirectory.h"

#include <limits>

using namespace Protocol;

RosterSummaries::RosterSummaries(SessionRegistry &registry)
    : m_registry(registry)
{
    m_timer.setSingleShot(true);
    m_clock.start();
    QObject::connect(&m_timer, &QTimer::timeout, [this] { sendThrottled(); });
}

QString RosterSummaries::plainMemberOf(const Roster &before, const ParticipantChangeEvent &event)
{
    if (event.participantType != ParticipantType::User)
        return {};
    const Participant *was = before.find(event.participantId);
    if (was && was->role != Role::Member)
        return {};
    if (event.type != ParticipantChangeEvent::Type::Removed
        && event.participant.role != Role::Member)
        return {};
    if (!was && event.type != ParticipantChangeEvent::Type::Added)
        return {}; // not ours to judge: everyone gets it
    return event.participantId;
}

bool RosterSummaries::isOnStage(const Participant &participant)
{
    return participant.type == ParticipantType::Helpy || participant.role != Role::Member;
}

bool RosterSummaries::isAboutPlainMember(const MembershipEntry &entry)
{
    return entry.participantType == ParticipantType::User && entry.role == Role::Member
        && entry.change != MembershipEntry::Change::RoleChanged;
}

bool RosterSummaries::wantsSummary(const ClientConnection &connection, const Session &session,
    RosterMode mode, int largeSessionThreshold)
{
    if (!connection.rosterSummary || mode == RosterMode::Full
        || session.roster().size() <= largeSessionThreshold)
        return false;
    if (mode == RosterMode::Summary)
        return true;
    // Default: a subscription that asked for the whole roster keeps it.
    const auto it = connection.subscriptions.constFind(session.id());
    return it == connection.subscriptions.cend() || !it->wholeAsked;
}

QString RosterSummaries::textAt(const Session &session, qint64 revision)
{
    State &state = m_states[session.id()];
    if (state.cachedRevision == revision)
        return state.cachedText;
    const int count = countAt(session, revision);
    if (count < 0)
        return {}; // the client sees a gap and resumes
    state.cachedRevision = revision;
    state.cachedText = encode(RosterSummary {
        session.id(), session.epoch(), revision, count, hashAt(session, revision) });
    return state.cachedText;
}

int RosterSummaries::countAt(const Session &session, qint64 revision)
{
    if (revision == session.revision())
        return session.roster().size();
    if (const auto traits = session.traitsOf(revision))
        return traits->rosterSizeAfter;
    if (const auto next = session.traitsOf(revision + 1))
        return next->rosterSizeBefore;
    return -1;
}

QString RosterSummaries::hashAt(const Session &session, qint64 revision)
{
    // The hash is the roster's now; it is the one at `revision` only if no roster event
    // came after it (else the summary goes without: the client cannot check it anyway).
    return session.rosterRevision() <= revision ? session.roster().hash() : QString();
}

void RosterSummaries::delivered(const Session &session, qint64 revision, bool skipped)
{
    auto it = m_states.find(session.id());
    if (it == m_states.end()) {
        if (!skipped)
            return;
        it = m_states.insert(session.id(), State {});
    }
    it->delivered = revision;
    if (!skipped)
        return;
    if (it->dirty)
        return;
    it->dirty = true;
    it->dirtyAtMs = m_clock.elapsed();
    arm();
}

qint64 RosterSummaries::intervalMs(int count) const
{
    const ServerOptions &options = m_registry.options();
    const qint64 base = std::max(0, options.rosterSummaryIntervalMs);
    const int per = std::max(1, options.rosterSummaryParticipantsPerInterval);
    return base * std::max(1, count / per);
}

void RosterSummaries::arm()
{
    qint64 soonest = -1;
    const qint64 now = m_clock.elapsed();
    for (auto it = m_states.cbegin(); it != m_states.cend(); ++it) {
        if (!it->dirty)
            continue;
        const Session *session = m_registry.find(it.key());
        const qint64 interval = intervalMs(session ? session->roster().size() : 0);
        const qint64 due = it->dueMs(interval);
        soonest = soonest < 0 ? due : std::min(soonest, due);
    }
    if (soonest < 0)
        return;
    const qint64 wait = std::max<qint64>(0, soonest - now);
    if (!m_timer.isActive() || m_timer.remainingTime() > wait)
        m_timer.start(int(std::min<qint64>(wait, std::numeric_limits<int>::max())));
}

void RosterSummaries::sendThrottled()
{
    UserDirectory &users = m_registry.users();
    for (auto it = m_states.begin(); it != m_states.end();) {
        const Session *session = m_registry.find(it.key());
        if (!session) {
            it = m_states.erase(it);
            continue;
        }
        State &state = *it;
        ++it;
        if (!state.dirty)
            continue;
        const qint64 now = m_clock.elapsed();
        if (now < state.dueMs(intervalMs(session->roster().size())))
            continue; // not due yet: arm() below wakes us for it
        state.dirty = false;
        state.sentAtMs = now;
        const qint64 revision = state.delivered;
        const QString text = textAt(*session, revision);
        if (text.isEmpty())
            continue;
        const int count = countAt(*session, revision);
        const QString hash = hashAt(*session, revision);
        if (count == state.sentCount && hash == state.sentHash)
            continue;
        state.sentCount = count;
        state.sentHash = hash;
        qint64 sent = 0;
        session->forEachUserId([&](const QString &userId) {
            const User *user = users.find(userId);
            if (!user)
                return;
            for (ClientConnection *connection : user->connections) {
                auto sub = connection->subscriptions.find(session->id());
                if (sub == connection->subscriptions.end() || !sub->summary
                    || sub->revision >= revision)
                    continue;
                sub->revision = revision;
                connection->send(text);
                ++sent;
            }
        });
        qCDebug(lcServer) << "roster_summary of" << session->id() << "at" << revision << "to"
                          << sent << "connections";
    }
    arm();
}
