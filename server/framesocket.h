// SPDX-License-Identifier: MIT
#pragma once

#include <QHostAddress>
#include <QObject>
#include <QWebSocketProtocol>

class DirectTcpSocket;
class QWebSocket;

/**
 * @brief One client's WebSocket, as the front end and ClientConnection use it: messages in
 * and out, pings, closing. On ws:// it is our own PlainWebSocket; on wss:// (and for the
 * tests' in-memory connections) Qt's QWebSocket behind QtFrameSocket.
 */
class FrameSocket : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

    virtual void sendTextMessage(const QString &text) = 0;
    virtual void ping() = 0;
    /// Sends a close frame with `code` and `reason`; the connection ends once the peer
    /// answers (or the owner aborts it).
    virtual void close(QWebSocketProtocol::CloseCode code, const QString &reason) = 0;
    /// Cuts the connection now, dropping what is unsent.
    virtual void abort() = 0;
    /// Hands what waits in Qt's queue to the kernel, as far as it takes it.
    virtual void flush() = 0;
    /// Bytes waiting in our memory for the kernel to take them.
    virtual qint64 bytesToWrite() const = 0;
    /// Connected and not closing: frames sent now reach the peer.
    virtual bool isOpen() const = 0;
    virtual QHostAddress peerAddress() const = 0;
    virtual quint16 peerPort() const = 0;
    /// A larger message (or frame) from the peer closes the connection with 1009.
    virtual void setMaxIncomingMessageSize(qint64 bytes) = 0;
    /// The socket under a ws:// connection (nullptr on wss://).
    virtual DirectTcpSocket *direct() const { return nullptr; }

Q_SIGNALS:
    void textMessageReceived(const QString &text);
    void binaryMessageReceived(const QByteArray &data);
    void pong();
    /// A message over setMaxIncomingMessageSize() was refused on its frame's header, before
    /// any of it was buffered (`bytes`: what it would have been): a receiver may say why
    /// with a last message, then the socket closes with 1009 (unless the receiver closed).
    /// PlainWebSocket only; QWebSocket cuts such a message with 1009 after reading it.
    void messageTooLarge(qint64 bytes);
    /// The connection ended (closed, cut or failed); emitted once.
    void disconnected();
    /// The kernel took `bytes` more of what waited in our memory.
    void bytesWritten(qint64 bytes);
};

/// A QWebSocket as a FrameSocket (made its child): wss://, whose TLS QWebSocketServer
/// handles, and connections the tests make without a network.
class QtFrameSocket final : public FrameSocket
{
    Q_OBJECT

public:
    explicit QtFrameSocket(QWebSocket *socket, QObject *parent = nullptr);

    QWebSocket *webSocket() const { return m_socket; }

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

private:
    QWebSocket *m_socket;
};
