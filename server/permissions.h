// SPDX-License-Identifier: MIT
#pragma once

#include "protocol.h"

/**
 * @brief Who may do what in a session (protocol v1, "Permissions").
 *
 * Pure functions of roles, so the rules are read and tested in one place.
 */
namespace Permissions {

/// Adding a user needs moderator or owner; any participant may add a helpy.
bool mayAdd(Protocol::Role actor, Protocol::ParticipantType added);
/// Removing someone else: moderators remove members (people and helpys); owners anyone.
bool mayRemove(Protocol::Role actor, Protocol::Role target);
bool maySetRole(Protocol::Role actor);
bool mayCreateInvite(Protocol::Role actor);

} // namespace Permissions
