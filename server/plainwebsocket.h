// SPDX-License-Identifier: MIT
#pragma once

#include "framesocket.h"
#include "websocketframes.h"

class DirectTcpSocket;

/// What the ws:// connections of one server hold of messages and handshakes not yet whole,
/// against its cap (ServerOptions::maxIncomingBytesTotal).
struct IncomingBytes
{
    qint64 held = 0;
    qint64 cap = 0;
};

/**
 * @brief The server's end of a ws:// WebSocket, on a DirectTcpSocket: reads the opening
 * handshake, then decodes the client's frames (WebSocketFrameDecoder) and writes its own.
 *
 * Why not QWebSocket: an idle QWebSocket keeps the handshake's request with every header, a
 * frame processor with its timer, the signal connections between them and its socket, and
 * a QTcpSocket with a read chunk of its own. Here an idle connection holds the socket's
 * descriptor and notifier, this object and its decoder (empty): what is read goes through
 * one buffer shared by all connections, and only an incomplete frame is kept. Writing is
 * the DirectTcpSocket's (one sendmsg per pass).
 *
 * A request that is not a WebSocket's is answered with its HTTP error (400, 426, 431) and
 * closed; a frame breaking the protocol is answered with a close frame (1002, 1007 or 1009)
 * and the connection closed. What the connections hold of incomplete messages counts
 * against a total (IncomingBytes): the one that would pass it is closed with 1013.
 */
class PlainWebSocket final : public FrameSocket
{
    Q_OBJECT

public:
    /// The most a request's headers may take.
    static constexpr qsizetype MaxHandshakeBytes = 8192;

    /// Takes `socket` (made its child) and reads its handshake; what it holds of incomplete
    /// messages counts in `incoming` (none: no cap), which must outlive it.
    explicit PlainWebSocket(
        DirectTcpSocket *socket, IncomingBytes *incoming = nullptr, QObject *parent = nullptr);
    ~PlainWebSocket() override;

    /// After upgraded(): the request's path and X-Forwarded-For.
    QString requestPath() const { return m_path; }
    QByteArray forwardedFor() const { return m_forwardedFor; }

    void sendTextMessage(const QString &text) override;
    void ping() override;
    void close(QWebSocketProtocol::CloseCode code, const QString &reason) override;
    void abort() override;
    void flush() override;
    qint64 bytesToWrite() const override;
    bool isOpen() const override;
    QHostAddress peerAddress() const override;
    quint16 peerPort() const override;
    void setMaxIncomingMessageSize(qint64 bytes) override;
    DirectTcpSocket *direct() const override { return m_socket; }

Q_SIGNALS:
    /// The handshake was answered with 101: frames flow from now on.
    void upgraded();

protected:
    /// bytesWritten is the socket's, connected only when someone listens (most connections
    /// never do: see ClientConnection::meterBacklog).
    void connectNotify(const QMetaMethod &signal) override;

private:
    enum class State : quint8 { Handshake, Open, Closing, Gone };
    void onReadyRead();
    /// Handles `bytes` read; false when this object may be gone.
    bool take(QByteArrayView bytes);
    void readHandshake(QByteArrayView bytes);
    bool handle(WebSocketFrameDecoder::Message &&message);
    void writeFrame(WebSocketFrames::Opcode opcode, QByteArrayView payload);
    /// The TCP connection ended: disconnected(), once.
    void onGone();
    /// Reports what is held now to m_incoming; false when that passed the cap (closed).
    bool meterIncoming();
    /// Drops what is held (and its count).
    void dropIncoming();

    DirectTcpSocket *m_socket;
    IncomingBytes *m_incoming;
    qint64 m_metered = 0; ///< what this connection counts in m_incoming
    WebSocketFrameDecoder m_decoder;
    QByteArray m_handshake; ///< the request read so far (freed once answered)
    QString m_path;
    QByteArray m_forwardedFor;
    State m_state = State::Handshake;
    bool *m_alive = nullptr; ///< while handling bytes: set false if this object is deleted
    bool m_watchingWrites = false;
};
