// SPDX-License-Identifier: MIT
#pragma once

#include <QHostAddress>
#include <QObject>
#include <QTcpServer>
#include <QUrl>

#include <memory>
#include <vector>

class QTcpSocket;

/**
 * @brief A TCP proxy on 127.0.0.1 that tests put between a client and a server to inject
 * network faults: cut connections, stall them (blackhole), delay them, refuse new ones.
 *
 * Each accepted connection is forwarded, byte for byte, to the target host:port over a
 * fresh upstream connection. Everything runs on the thread's event loop (no threads), so a
 * test waits on the proxy's signals like on any other QObject's.
 *
 * Fault semantics, chosen to look like the network faults they stand for:
 * - cutAll() / cut(i): both sockets are aborted at once and queued bytes dropped: each peer
 *   sees its TCP connection end without a WebSocket close (QWebSocket reports 1006).
 * - blackhole: nothing moves in either direction, and neither does a close; bytes are held
 *   in order (as TCP would keep retransmitting them) and delivered when the blackhole lifts.
 *   Connections accepted meanwhile are held too: the client's TCP connect succeeds (the
 *   kernel completes it anyway), but the upstream connection is only opened, and the
 *   WebSocket handshake only moves, once the blackhole lifts.
 * - delay: every chunk is forwarded `ms` after it was read, order kept in each direction.
 * - refuse: new connections are aborted right after accept (like a connection refused);
 *   live ones are untouched.
 * - cutAfterBytes(n): each live connection is cut after forwarding n more bytes.
 * - When the target refuses or a side closes normally, the other side is closed after the
 *   bytes already queued for it are written.
 */
class FaultProxy : public QObject
{
    Q_OBJECT

public:
    explicit FaultProxy(QObject *parent = nullptr);
    ~FaultProxy() override;

    /// Listens on 127.0.0.1 (OS-chosen port) and forwards to target; false if listen failed.
    bool listen(const QHostAddress &targetHost, quint16 targetPort);
    /// Where new connections go from now on (e.g. a restarted server on a new port).
    void setTarget(const QHostAddress &targetHost, quint16 targetPort);
    quint16 port() const;
    QString errorString() const;
    /// `serverUrl` with its host and port replaced by the proxy's (path and scheme kept).
    QUrl proxiedUrl(const QUrl &serverUrl) const;

    /// Live connections (accepted and not yet closed), in accept order.
    int connectionCount() const;
    /// Bytes forwarded so far, both directions, all connections.
    qint64 bytesForwarded() const { return m_bytesForwarded; }

    /// Aborts both sides of every live connection now, like a dropped network.
    void cutAll();
    /// Aborts both sides of the live connection at `index` (accept order; 0 is the oldest).
    void cut(int index);
    /// Stalls (true) or resumes (false) all traffic; see the class comment.
    void setBlackhole(bool on);
    bool isBlackholed() const { return m_blackhole; }
    /// Delays every chunk read from now on by `ms` milliseconds (0: forward at once).
    void setDelay(int ms);
    int delay() const { return m_delayMs; }
    /// Aborts new connections right after accept while on.
    void setRefuse(bool on);
    bool isRefusing() const { return m_refuse; }
    /// Cuts each live connection once it has forwarded `bytes` more bytes (either way).
    void cutAfterBytes(qint64 bytes);

Q_SIGNALS:
    void connectionAccepted();
    void connectionRefused();
    /// A connection was cut by cut(), cutAll() or cutAfterBytes().
    void connectionCut();
    void connectionCountChanged(int count);
    /// Some bytes reached the other side (emitted once per forwarded chunk).
    void forwarded(qint64 bytes);

private:
    struct Link;
    struct Direction;

    void onNewConnection();
    void connectUpstream(Link *link);
    void onReadyRead(Link *link, Direction &direction);
    void pump(Link *link, Direction &direction);
    void onSideClosed(Link *link, Direction &direction);
    void abortLink(Link *link, bool emitCut);
    void removeLink(Link *link);
    Direction &directionFrom(Link *link, QTcpSocket *socket);

    QTcpServer m_server;
    QHostAddress m_targetHost;
    quint16 m_targetPort = 0;
    std::vector<std::unique_ptr<Link>> m_links;
    bool m_blackhole = false;
    bool m_refuse = false;
    int m_delayMs = 0;
    qint64 m_bytesForwarded = 0;
};
