// SPDX-License-Identifier: MIT
#pragma once

// Not part of SessionServer's API: the socket front end's insides, shared with
// SessionServerTester (tests/common/sessionservertester.h) and nothing else.

#include "budgets.h"
#include "clientconnection.h"
#include "deadlinequeue.h"
#include "directtcpserver.h"
#include "heartbeatschedule.h"
#include "loopclock.h"
#include "plainwebsocket.h"
#include "servercore.h"
#include "sessionserver.h"

#include <QElapsedTimer>
#include <QList>
#include <QTimer>
#include <QWebSocketServer>

#include <vector>

class ClientConnection;

/**
 * @brief SessionServer's socket front end: accepts connections (within the connection caps)
 * and wires them, decodes frames, charges the shared budgets, signs users in, sheds the
 * largest backlogs when the queued bytes pass their cap, beats the heart (pings, digests, dropping
 * silent peers) and closes. Everything past a decoded request is ServerCore's.
 */
class SessionServer::Private
{
public:
    Private(SessionServer *q, ServerOptions options);

    SessionServer *q;
    ServerOptions options;
    QWebSocketServer wsServer;
    /// What the ws:// connections hold of incomplete messages, against its cap.
    IncomingBytes incoming;
    /// ws:// sockets in their handshake, by serial, until upgraded or gone.
    QHash<quint64, PlainWebSocket *> handshaking;
    /// Every socket's handshake deadline on one timer, where a timer per socket cost an idle
    /// connection about 600 bytes for the 10 s it ran on. An upgraded or vanished socket's
    /// deadline is not searched for: it finds its serial gone when it comes due.
    DeadlineQueue<quint64> handshakeDeadlines { [this](const quint64 &serial) {
        onHandshakeDeadline(serial);
    } };
    quint64 handshakeSerial = 0;
    void onHandshakeDeadline(const quint64 &serial);
    /// Accepts plain ws:// connections as DirectTcpSocket, for PlainWebSocket; wsServer
    /// listens itself only for TLS.
    DirectTcpServer tcpServer;
    bool secure() const { return wsServer.secureMode() == QWebSocketServer::SecureMode; }
    bool listening() const { return secure() ? wsServer.isListening() : tcpServer.isListening(); }
    void pauseAccepting();
    void resumeAccepting();
    /// Ticks every HeartbeatTickMs; each tick pings (and sends digests to) one slot of the
    /// connections, so each is pinged once per heartbeat interval and no pass of the loop
    /// sends to more than a slot's at once: at 10,000 connections and 15 s, 7 pings and
    /// digests per tick. One tick a second sent 667 at once, and every peer's frames waited
    /// behind them; one every 100 ms sent 67, which still held the many-rooms bench's p99 at
    /// 2.3 ms (1.0 ms without heartbeats; 1.2 ms now). Presence and silence are checked once
    /// per interval, at slot 0. Empty slots are skipped (HeartbeatSchedule): an app hosting
    /// five wakes six times an interval for it, not a hundred times a second.
    static constexpr int HeartbeatTickMs = 10;
    QTimer heartbeat; ///< single shot, armed for the schedule's next tick
    QElapsedTimer heartbeatClock;
    HeartbeatSchedule heartbeatSchedule {
        std::max(1, options.heartbeatSeconds * 1000 / HeartbeatTickMs), HeartbeatTickMs
    };
    int nextHeartbeatSlot = 0;
    void armHeartbeat();
    /// The connections by heartbeat slot (ClientConnection::heartbeatSlot): a tick walks its
    /// own slice only, not every connection.
    std::vector<QList<ClientConnection *>> heartbeatSlots;
    /// Our own stalls, which liveness does not count against the peers. It ticks ten times
    /// an interval (at least every 100 ms): a stall shorter than a tick that ends between
    /// two ticks goes uncounted, at most a tenth of the interval against a peer allowed two
    /// (15 s: 1.5 s of 30), and an idle server is not woken ten times a second for it.
    LoopClock loopClock { std::max(LoopClock::DefaultTickMs, options.heartbeatSeconds * 100) };
    QList<ClientConnection *> connections;
    /// Connections that have not said hello yet, and the one timer for them all.
    DeadlineQueue<ClientConnection *> helloDeadlines { [this](ClientConnection *const &connection) {
        onHelloDeadline(connection);
    } };
    ServerCore core;
    Budgets budgets;
    QString storeError;
    QString tlsError; ///< why the certificate and key could not be served; empty: they could
    QString storageFailure; ///< why storage failed; empty while it works
    /// Connections refused at accept and not yet gone: each still holds a descriptor.
    int refusing = 0;
    /// Refusals are logged at most once a second, with how many there were since the last
    /// line (the clock is invalid until the first one).
    QElapsedTimer refusalLogClock;
    int refusalsNotLogged = 0;

    /// A peer refused past a budget may keep its socket this long to read why.
    static constexpr int RefusedAbortAfterMs = 1000;
    /// Past this many refusals in flight, accepting pauses: they must not exhaust descriptors.
    static constexpr int MaxRefusing = Budgets::FdHeadroom / 2;

    /// A TCP connection accepted (plain ws://): its handshake starts, within a deadline.
    void onTcpConnection();
    /// A wss:// connection upgraded by wsServer.
    void onNewConnection();
    /// An upgraded socket (ws:// or wss://): a connection, unless its endpoint is wrong or
    /// the server is full.
    void accept(FrameSocket *socket, const QString &path, const QByteArray &forwardedFor);
    /// Closes a socket not taken (with code and reason), counted until it is gone.
    void refuse(FrameSocket *socket, QWebSocketProtocol::CloseCode code, const QString &reason);
    void logRefusal(const QString &peer, const QString &reason);
    /// A frame that is not a request: the address pays; false when it could not (closed).
    bool chargeStrayFrame(ClientConnection *connection);
    /// The queued bytes passed their cap: the largest backlogs are closed with 1013.
    void shedSlowReaders();
    /// hello past the per-address or per-user budget: refused, closed; false then.
    bool admitHello(ClientConnection *connection, const Protocol::Hello &hello);
    /// Connects the socket's signals to this front end (frames, pongs, progress, close).
    void wire(ClientConnection *connection);
    void onTextMessage(ClientConnection *connection, const QString &text);
    /// A frame over the protocol's limit: error too_large, then close 1009.
    void refuseTooLarge(ClientConnection *connection, qint64 bytes);
    void onClosed(ClientConnection *connection);
    /// Counts it among the connections, in the next heartbeat slot.
    void addConnection(ClientConnection *connection);
    /// A new connection must say hello within helloTimeoutMs, or is closed with 1008.
    void expectHello(ClientConnection *connection);
    /// It said hello (or closed): its deadline is gone.
    void helloReceived(ClientConnection *connection);
    void onHelloDeadline(ClientConnection *connection);
    void onHeartbeat();
    /// Pings this tick's slice of the connections, each with a digest per followed session.
    void pingSlice(int slot);
    /// Drops the most silent of the peers silent for 2 heartbeats, at most a share of all
    /// connections (silentDropsPercentPerHeartbeat): a mass silence is more likely ours.
    void dropSilent(QList<ClientConnection *> silent, const ClientConnection::Now &clocks);
    void handleHello(ClientConnection *connection, const Protocol::Hello &hello);
    void sendError(ClientConnection *connection, const QString &requestId, Protocol::ErrorCode code,
        const QString &message);
    /// A change could not be stored: every connection is closed.
    void onStorageFailed(const QString &error);
};
