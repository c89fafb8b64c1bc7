// SPDX-License-Identifier: MIT
#pragma once

#include <QTcpServer>
#include <QTcpSocket>

/**
 * @brief A TCP socket whose writes go to the kernel in one system call per event-loop pass:
 * only what the kernel refuses (its send buffer full) is queued in Qt's write buffer, behind
 * which later writes wait.
 *
 * A QTcpSocket opened buffered copies every write into its QRingBuffer, whose 32 KiB chunk
 * is allocated on the first write and kept for the socket's life, and hands it to the
 * kernel only when the event loop comes round: a fan-out to N connections held N copies of
 * each frame in our memory until then. Reading stays buffered, which QWebSocket needs (an
 * unbuffered socket is not notified again of a frame it left half-read).
 *
 * Here the frames a socket is written in one pass gather in a small buffer of its own, at
 * most PassBufferBytes, and leave together when the pass ends: one sendmsg(2) and one packet
 * per connection and pass, however many frames (QWebSocket writes each frame's header
 * apart from its payload: those are two writes). A buffer that would pass PassBufferBytes
 * leaves at once, corked (MSG_MORE) until the pass's last send. The buffer's memory is
 * given back after each pass: a fan-out to N holds at most N × PassBufferBytes, for the
 * pass, and an idle connection holds nothing.
 */
class DirectTcpSocket : public QTcpSocket
{
    Q_OBJECT

public:
    using QTcpSocket::QTcpSocket;
    ~DirectTcpSocket() override;

    /// A socket's frames of one pass gather up to this many bytes before they are sent.
    static constexpr qint64 PassBufferBytes = 4096;

    /// Sends what the pass buffer holds and what is corked now, rather than when the pass ends.
    void push();
    /// Bytes in the pass buffer now (not in Qt's queue: bytesToWrite() does not count them).
    qint64 pendingBytes() const { return m_pending.size(); }
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
    /// Sends the pass buffer and then `data` in one system call (corked if `more`); what the
    /// kernel refuses, and everything when it cannot be sent, goes to Qt's queue in order.
    bool sendNow(const char *data, qint64 size, bool more);
    bool m_inPassList = false;
    bool m_corked = false;
    QByteArray m_pending; ///< this pass's frames, not yet sent
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
