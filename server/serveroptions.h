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
    /// Peers found silent are dropped at most this share of the connections (in percent, at
    /// least one) per heartbeat, the most silent first: never everybody at once.
    int silentDropsPercentPerHeartbeat = 10;
    /// "reconnecting" lasts this long before "offline"; it is also the damping of presence:
    /// at most one presence change per user and session in this time.
    int presenceGraceSeconds = 10;
    int helloTimeoutMs = 5000;
    /// A TCP connection that has not finished its WebSocket handshake by then is cut (ws://;
    /// for wss:// the TLS handshake counts too).
    int handshakeTimeoutMs = 10000;
    int maxParticipants = 500; ///< people in a session (Helpys count against maxHelpys)
    int maxHelpys = 5; ///< Helpys in a session
    int inviteExpirySeconds = 7 * 24 * 3600; ///< an invite's life when create_invite names none
    int maxInviteExpirySeconds = 30 * 24 * 3600; ///< the longest a create_invite may ask
    /// Failed invite look-ups an address may make in a minute; past it, rate_limited.
    int inviteGuessesPerMinute = 10;
    /// Requests a user (token) may send a second, across all of its connections.
    int maxRequestsPerSecond = 50;
    /// Requests, malformed frames and frames before hello one address (IPv6: its /64) may
    /// send a second, across users and connections; 0: 4 × maxRequestsPerSecond.
    int maxRequestsPerSecondPerAddress = 0;
    /// hellos an address may send a second (bursts of 3 ×); past it: rate_limited, closed.
    int maxHellosPerSecondPerAddress = 20;
    /// Reverse proxies whose X-Forwarded-For names the client (--trusted-proxy): the address
    /// budgets charge that client, not the proxy. Empty: every peer is the client.
    QList<QHostAddress> trustedProxies;
    /// Connections kept at once; lowered at start to stay under RLIMIT_NOFILE (see Budgets).
    int maxConnections = 10000;
    int maxConnectionsPerUser = 32;
    /// Sessions a user may own at once (create_session past it: limit_exceeded).
    int maxSessionsOwnedPerUser = 1000;
    /// Invites a user may create in an hour (create_invite past it: limit_exceeded).
    int maxInvitesPerUserPerHour = 200;
    int eventLogSize = 1000; ///< events kept per session for resume
    /// A session is large while its roster has more participants than this: a connection
    /// that asked for `roster_summary` is then sent a summary of it (docs/protocol.md).
    int largeSessionThreshold = 50;
    /// A large session's summary subscriptions get a roster_summary at most this often, and
    /// this often per rosterSummaryParticipantsPerInterval participants in larger ones (so
    /// a session sends its summaries at a rate that does not grow with its size).
    int rosterSummaryIntervalMs = 1000;
    int rosterSummaryParticipantsPerInterval = 100;
    /// Rows of one list_sessions answer at most (a larger `limit` gets this many).
    int maxListPage = 200;
    /// Answers remembered so a retried request is answered, not applied again (reads such as
    /// list_sessions are recomputed instead): per user at most this many (in storage too) …
    int answersPerUser = 1024;
    /// … and this many bytes (UTF-16, as held in memory; the oldest go first) …
    qint64 answerBytesPerUser = 256 * 1024;
    /// … and this many bytes over all users, the oldest anybody's going first. Start-up loads
    /// at most this much, the newest.
    qint64 answerBytesTotal = 64 * 1024 * 1024;
    int snapshotMessages = 50;
    /// Bytes a connection may have queued unsent; past it the slow reader is closed with 1013.
    qint64 maxPendingBytes = 4 * 1024 * 1024;
    /// Bytes queued unsent across all connections; past it the largest backlogs are closed
    /// with 1013 until ¾ of it is left, and the memory is handed back to the OS.
    qint64 maxQueuedBytesTotal = 256 * 1024 * 1024;
    /// A slow reader closed with 1013 keeps its socket this long to take the close frame.
    int slowReaderGraceMs = 10000;
    /// Frames up to this size are read and answered with too_large; larger ones are refused
    /// on their header (close 1009).
    qsizetype hardFrameLimit = 2 * 1024 * 1024;
    /// Bytes of messages (and handshakes) not yet whole, held across all ws:// connections;
    /// a connection that would take the total past it is closed with 1013. (A peer may
    /// otherwise make every connection hold a frame of hardFrameLimit.)
    qint64 maxIncomingBytesTotal = 64 * 1024 * 1024;
    Protocol::Limits limits;
    /// PEM certificate (its chain after it) and private key: with both, the server serves
    /// wss:// (docs/operations.md, "TLS"); empty: plain ws://.
    QString tlsCertificatePath;
    QString tlsKeyPath;
    /// SQLite file that keeps sessions across restarts; empty: memory only.
    QString dataPath;
    /// SQLite: events go to the other followers as soon as they are committed, before the
    /// writer thread has synced them; only each requester's answer waits for the sync. A
    /// crash may then lose events that were delivered but never acknowledged: after one,
    /// every session starts a new epoch and clients take a snapshot (docs/architecture.md,
    /// "Deliver before the sync"). False: nothing goes out before its sync (--deliver-after-sync).
    bool deliverBeforeSync = true;
    /// SQLite: a commit (one fsync) begins at least this long after the one before: under
    /// load, what the event loop commits meanwhile shares it (at most 1000 / this many fsyncs
    /// a second); after a quiet spell nothing waits (--commit-spacing-ms; 0: none).
    int commitSpacingMs = 8;
    /// redis://HOST:PORT shared by several nodes (overrides dataPath); empty: not used.
    QString redisUrl;
    /// This node's name among those sharing redisUrl; empty: a random one.
    QString nodeId;

    // Helpy tutors (docs/helpy.md)
    /// OpenAI-compatible base URL (…/v1); empty: Helpys say once that no model is connected.
    QString helpyEndpoint;
    QString helpyModel; ///< the `model` of each request; empty: the server's default model
    QString helpyApiKey; ///< sent as a bearer token; from HELPY_API_KEY, never logged
    int helpyContextChars = 12000; ///< characters of prompt and chat history per request
    int helpyTimeoutSeconds = 120; ///< overall deadline of one answer
    int helpyAnswersPerMinute = 6; ///< answers a session gets in a minute at most
    int helpyQueueSize = 5; ///< questions a session has waiting at most (older are refused)
    int helpyDeltaIntervalMs = 100; ///< a streamed draft goes out at most this often
};
