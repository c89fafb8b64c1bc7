// SPDX-License-Identifier: MIT
#include "membership.h"

#include "roster.h"

using namespace Protocol;

namespace Membership {

std::optional<MembershipEntry> entryOf(const ParticipantChangeEvent &event, const Roster &before)
{
    const Participant *was = before.find(event.participantId);
    const bool byThemselves = event.actorId.isEmpty() || event.actorId == event.participantId;
    MembershipEntry entry;
    switch (event.type) {
    case ParticipantChangeEvent::Type::Added:
        entry.change
            = byThemselves ? MembershipEntry::Change::Joined : MembershipEntry::Change::Added;
        entry.participantName = event.participant.displayName;
        entry.role = event.participant.role;
        break;
    case ParticipantChangeEvent::Type::Removed:
        entry.change = event.reason == ParticipantChangeEvent::Reason::Left || byThemselves
            ? MembershipEntry::Change::Left
            : MembershipEntry::Change::Removed;
        if (was) {
            entry.participantName = was->displayName;
            entry.role = was->role;
        }
        break;
    case ParticipantChangeEvent::Type::Updated:
        if (!was || was->role == event.participant.role)
            return std::nullopt; // presence (or nothing shown) changed: not a membership line
        entry.change = MembershipEntry::Change::RoleChanged;
        entry.participantName = event.participant.displayName;
        entry.role = event.participant.role;
        break;
    }
    entry.revision = event.revision;
    entry.timestamp = event.timestamp;
    entry.participantId = event.participantId;
    entry.participantType = event.participantType;
    entry.actorId = event.actorId;
    if (entry.change == MembershipEntry::Change::Joined
        || entry.change == MembershipEntry::Change::Left)
        entry.actorId.clear(); // by themselves: no one else to name
    else if (const Participant *actor = before.find(event.actorId))
        entry.actorName = actor->displayName;
    return entry;
}

} // namespace Membership
