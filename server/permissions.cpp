// SPDX-License-Identifier: MIT
#include "permissions.h"

using Protocol::ParticipantType;
using Protocol::Role;

namespace Permissions {

bool mayAdd(Role actor, ParticipantType added)
{
    return added == ParticipantType::Helpy || actor != Role::Member;
}

bool mayRemove(Role actor, Role target)
{
    switch (actor) {
    case Role::Owner:
        return true;
    case Role::Moderator:
        return target == Role::Member;
    case Role::Member:
        return false;
    }
    return false;
}

bool maySetRole(Role actor)
{
    return actor == Role::Owner;
}

bool mayCreateInvite(Role actor)
{
    return actor != Role::Member;
}

} // namespace Permissions
