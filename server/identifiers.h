// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

/// @brief Fresh identifiers and secrets for users, sessions, epochs and invites.
namespace Identifiers {
QString userId(); ///< "u-" + 12 hex digits
QString sessionId(); ///< "s-" + 12 hex digits
QString helpyId(); ///< "h-" + 12 hex digits
QString messageId(); ///< "m-" + 16 hex digits
QString epoch(); ///< 16 hex digits
QString secretToken(); ///< 256 random bits from the system's CSPRNG, hex
QString inviteCode(); ///< 8 characters, no look-alikes (0/O, 1/I/L), from the CSPRNG
} // namespace Identifiers
