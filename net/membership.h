// SPDX-License-Identifier: MIT
#pragma once

#include "protocol.h"

#include <optional>

class Roster;

/**
 * @brief The one rule that turns a roster event into a line of the membership history.
 *
 * The server calls it when it publishes or replays an event (so the snapshot's history
 * survives restarts), the client when it applies a live one: both on the roster as it was
 * before the event, so both word the same line with the same names.
 */
namespace Membership {

/// The history entry of `event` applied to `before`; none for a presence-only update.
std::optional<Protocol::MembershipEntry> entryOf(
    const Protocol::ParticipantChangeEvent &event, const Roster &before);

} // namespace Membership
