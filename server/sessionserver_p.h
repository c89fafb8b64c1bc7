// SPDX-License-Identifier: MIT
#pragma once

// Not part of SessionServer's API: the socket front end's insides, shared with
// SessionServerTester (tests/common/sessionservertester.h) and nothing else.

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
    QList<ClientConnection *> connections;
    ServerCore core;
    QString storeError;

    void onNewConnection();
    /// Connects the socket's signals to this front end (frames, pongs, progress, close).
    void wire(ClientConnection *connection);
    void onTextMessage(ClientConnection *connection, const QString &text);
    void onClosed(ClientConnection *connection);
    void onHeartbeat();
    void handleHello(ClientConnection *connection, const Protocol::Hello &hello);
    void sendError(ClientConnection *connection, const QString &requestId, Protocol::ErrorCode code,
        const QString &message);
    /// A change could not be stored: every connection is closed.
    void onStorageFailed(const QString &error);
};
