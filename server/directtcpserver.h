// SPDX-License-Identifier: MIT
#pragma once

#include <QTcpServer>
#include <QTcpSocket>

/**
 * @brief A TCP socket whose writes go straight to the kernel: only what the kernel refuses
 * (its send buffer full) is queued in Qt's write buffer, behind which later writes wait.
 *
 * A QTcpSocket opened buffered copies every write into its QRingBuffer, whose 32 KiB chunk
 * is allocated on the first write and kept for the socket's life, and hands it to the
 * kernel only when the event loop comes round: a fan-out to N connections held N copies of
 * each frame in our memory until then. Reading stays buffered, which QWebSocket needs (an
 * unbuffered socket is not notified again of a frame it left half-read).
 *
 * Batching stays the kernel's: a socket's first frame in an event-loop pass leaves at once
 * (Nagle is off); its later frames in the same pass are corked (MSG_MORE) and pushed
 * together when the pass ends, so a burst of frames to N connections costs a system call
 * per frame but a packet per connection and pass, not one per frame. QWebSocket writes a
 * frame's header apart from its payload: a write no longer than a header (14 bytes) is held
 * here and leaves with the next one (one sendmsg(2) of both), or when the pass ends. So a
 * frame is one system call and, alone in its pass, one packet (it was two and a push).
 */
class DirectTcpSocket : public QTcpSocket
{
    Q_OBJECT

public:
    using QTcpSocket::QTcpSocket;
    ~DirectTcpSocket() override;

    /// Sends what is corked now, rather than when the pass ends.
    void push();
    /// Pushes first: what is corked must be on its way before the FIN (or the reset that
    /// closing with unread bytes sends, which drops what is still in the kernel).
    void disconnectFromHost() override;
    /// The sends and pushes made so far, by every DirectTcpSocket (tests count them).
    static quint64 systemCalls();

protected:
    qint64 writeData(const char *data, qint64 size) override;

private:
    /// Pushes every socket that wrote in the pass.
    static void endPass();
    /// This socket is pushed when the pass ends.
    void endPassLater();
    /// Moves the held header into Qt's queue (before bytes that must follow it).
    bool queueHeld();
    bool m_inPassList = false;
    bool m_wroteInPass = false;
    bool m_corked = false;
    int m_heldSize = 0;
    char m_held[14]; ///< a WebSocket frame header at most: 2 + 8 + a mask's 4
};

/**
 * @brief Accepts connections as DirectTcpSocket, for QWebSocketServer::handleConnection
 * (a server in plain ws:// mode; TLS sockets are QWebSocketServer's own).
 */
class DirectTcpServer : public QTcpServer
{
    Q_OBJECT

public:
    using QTcpServer::QTcpServer;

protected:
    void incomingConnection(qintptr descriptor) override;
};
