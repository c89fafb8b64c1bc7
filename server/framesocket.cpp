// SPDX-License-Identifier: MIT
#include "framesocket.h"

#include <QWebSocket>

QtFrameSocket::QtFrameSocket(QWebSocket *socket, QObject *parent)
    : FrameSocket(parent)
    , m_socket(socket)
{
    m_socket->setParent(this);
    connect(m_socket, &QWebSocket::textMessageReceived, this, &FrameSocket::textMessageReceived);
    connect(
        m_socket, &QWebSocket::binaryMessageReceived, this, &FrameSocket::binaryMessageReceived);
    connect(m_socket, &QWebSocket::pong, this, &FrameSocket::pong);
    connect(m_socket, &QWebSocket::disconnected, this, &FrameSocket::disconnected);
    connect(m_socket, &QWebSocket::bytesWritten, this, &FrameSocket::bytesWritten);
}

void QtFrameSocket::sendTextMessage(const QString &text)
{
    m_socket->sendTextMessage(text);
}

void QtFrameSocket::ping()
{
    m_socket->ping();
}

void QtFrameSocket::close(QWebSocketProtocol::CloseCode code, const QString &reason)
{
    m_socket->close(code, reason);
}

void QtFrameSocket::abort()
{
    m_socket->abort();
}

void QtFrameSocket::flush()
{
    m_socket->flush();
}

qint64 QtFrameSocket::bytesToWrite() const
{
    return m_socket->bytesToWrite();
}

bool QtFrameSocket::isOpen() const
{
    return m_socket->state() == QAbstractSocket::ConnectedState;
}

QHostAddress QtFrameSocket::peerAddress() const
{
    return m_socket->peerAddress();
}

quint16 QtFrameSocket::peerPort() const
{
    return m_socket->peerPort();
}

void QtFrameSocket::setMaxIncomingMessageSize(qint64 bytes)
{
    m_socket->setMaxAllowedIncomingMessageSize(quint64(bytes));
    m_socket->setMaxAllowedIncomingFrameSize(quint64(bytes));
}
