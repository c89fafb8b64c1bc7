// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>

/**
 * @brief Tells systemd (Type=notify) how the service is doing, by the sd_notify protocol:
 * one datagram of `KEY=VALUE` lines to the AF_UNIX socket named by $NOTIFY_SOCKET.
 *
 * Written by hand, a dozen lines, rather than linking libsystemd for one call. Nothing
 * happens when $NOTIFY_SOCKET is not set (not run by systemd, or Type=simple).
 */
namespace SystemdNotify {

/// Sends `state` (e.g. "READY=1\nSTATUS=listening"); false when it could not be sent.
bool notify(const QByteArray &state);

} // namespace SystemdNotify
