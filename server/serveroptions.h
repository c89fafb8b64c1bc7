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
    int maxParticipants = 500;
    /// Requests a user (token) may send a second, across all of its connections.
    int maxRequestsPerSecond = 50;
    /// Requests, malformed frames and frames before hello one address (IPv6: its /64) may
    /// send a second, across users and connections; 0: 4 × maxRequestsPerSecond.
    int maxRequestsPerSecondPerAddress = 0;
    /// hellos an address may send a second (bursts of 3 ×); past it: rate_limited, closed.
    int maxHellosPerSecondPerAddress = 20;
    /// Connections kept at once; lowered at start to stay under RLIMIT_NOFILE (see Budgets).
    int maxConnections = 10000;
    int maxConnectionsPerUser = 32;
    /// Sessions a user may own at once (create_session past it: limit_exceeded).
    int maxSessionsOwnedPerUser = 1000;
    /// Invites a user may create in an hour (create_invite past it: limit_exceeded).
    int maxInvitesPerUserPerHour = 200;
    int eventLogSize = 1000; ///< events kept per session for resume
    int snapshotMessages = 50;
    /// Bytes a connection may have queued unsent; past it the slow reader is closed with 1013.
    qint64 maxPendingBytes = 4 * 1024 * 1024;
    /// Bytes queued unsent across all connections; past it the largest backlogs are closed
    /// with 1013 until ¾ of it is left, and the memory is handed back to the OS.
    qint64 maxQueuedBytesTotal = 256 * 1024 * 1024;
    /// A slow reader closed with 1013 keeps its socket this long to take the close frame.
    int slowReaderGraceMs = 10000;
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
