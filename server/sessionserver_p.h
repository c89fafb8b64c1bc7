// SPDX-License-Identifier: MIT
#pragma once

// Not part of SessionServer's API: the socket front end's insides, shared with
// SessionServerTester (tests/common/sessionservertester.h) and nothing else.

#include "loopclock.h"
#include "servercore.h"
#include "sessionserver.h"

#include <QList>
#include <QTimer>
#include <QWebSocketServer>

class ClientConnection;

/**
 * @brief SessionServer's socket front end: accepts connections and wires them, decodes
 * frames, applies the rate limit, signs users in, beats the heart (pings, digests, dropping
 * silent peers) and closes. Everything past a decoded request is ServerCore's.
 */
class SessionServer::Private
{
public:
    Private(SessionServer *q, ServerOptions options);

    SessionServer *q;
    ServerOptions options;
    QWebSocketServer wsServer;
    QTimer heartbeat;
    /// Our own stalls, which liveness does not count against the peers.
    LoopClock loopClock;
    QList<ClientConnection *> connections;
    ServerCore core;
    QString storeError;

    void onNewConnection();
    /// Connects the socket's signals to this front end (frames, pongs, progress, close).
    void wire(ClientConnection *connection);
    void onTextMessage(ClientConnection *connection, const QString &text);
    void onClosed(ClientConnection *connection);
    void onHeartbeat();
    /// Drops the most silent of the peers silent for 2 heartbeats, at most a share of all
    /// connections (silentDropsPercentPerHeartbeat): a mass silence is more likely ours.
    void dropSilent(QList<ClientConnection *> silent);
    void handleHello(ClientConnection *connection, const Protocol::Hello &hello);
    void sendError(ClientConnection *connection, const QString &requestId, Protocol::ErrorCode code,
        const QString &message);
    /// A change could not be stored: every connection is closed.
    void onStorageFailed(const QString &error);
};
