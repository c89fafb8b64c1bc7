// SPDX-License-Identifier: MIT
#pragma once

#include "protocol.h"

#include <optional>

class Session;

/**
 * @brief What members learn of a session they do not follow: `session_activity` for each
 * chat message (Fanout sends it to their connections that do not follow the session; in a
 * cluster, each node for its own connections, ClusterEvents for another node's messages), and
 * the last message in `list_sessions` rows. Notices (a Helpy that cannot answer) are not
 * conversation: they count for neither.
 */
namespace SessionActivityPush {

/// The session's last chat message, shortened; none when it has none (in its recent history).
std::optional<Protocol::MessagePreview> lastMessageOf(const Session &session);

/// The `session_activity` of a message event; none for a notice. Encoded only when some
/// member's connection does not follow the session (Fanout): usually none.
std::optional<Protocol::SessionActivity> activityOf(const Protocol::MessageEvent &event);

} // namespace SessionActivityPush
