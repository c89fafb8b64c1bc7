// SPDX-License-Identifier: MIT
#pragma once

#include "protocol.h"

#include <QHostAddress>

/// @brief What a SessionServer is configured with; the defaults are protocol v1's.
struct ServerOptions
{
    QHostAddress address = QHostAddress::LocalHost;
    quint16 port = 0; ///< 0: the OS picks one (tests, the app's embedded server)
    int heartbeatSeconds = 15;
    int presenceGraceSeconds = 10;
    int helloTimeoutMs = 5000;
    int maxParticipants = 500; ///< people in a session (Helpys count against maxHelpys)
    int maxHelpys = 5; ///< Helpys in a session
    int inviteExpirySeconds = 7 * 24 * 3600; ///< an invite's life when create_invite names none
    int maxInviteExpirySeconds = 30 * 24 * 3600; ///< the longest a create_invite may ask
    /// Failed invite look-ups an address may make in a minute; past it, rate_limited.
    int inviteGuessesPerMinute = 10;
    int maxRequestsPerSecond = 50;
    int eventLogSize = 1000; ///< events kept per session for resume
    int snapshotMessages = 50;
    /// Bytes a connection may have queued unsent; past it the slow reader is closed with 1013.
    qint64 maxPendingBytes = 4 * 1024 * 1024;
    /// Frames up to this size are read and answered with too_large; larger ones are cut by Qt.
    qsizetype hardFrameLimit = 2 * 1024 * 1024;
    Protocol::Limits limits;
    /// SQLite file that keeps sessions across restarts; empty: memory only.
    QString dataPath;
    /// redis://HOST:PORT shared by several nodes (overrides dataPath); empty: not used.
    QString redisUrl;
    /// This node's name among those sharing redisUrl; empty: a random one.
    QString nodeId;
};
