// SPDX-License-Identifier: MIT
#include "clientconnection.h"

ClientConnection::ClientConnection(QWebSocket *socket, int requestsPerSecond, QObject *parent)
    : QObject(parent)
    , rateLimiter(requestsPerSecond)
    , m_socket(socket)
{
    m_socket->setParent(this);
    helloTimer.setSingleShot(true);
    m_lastTraffic.start();
}

ClientConnection::~ClientConnection()
{
    m_socket->disconnect(this);
}

QString ClientConnection::peer() const
{
    return m_socket->peerAddress().toString() + QLatin1Char(':')
        + QString::number(m_socket->peerPort());
}

void ClientConnection::send(const QString &text)
{
    if (m_socket->state() == QAbstractSocket::ConnectedState)
        m_socket->sendTextMessage(text);
}

void ClientConnection::closeWith(QWebSocketProtocol::CloseCode code, const QString &reason)
{
    m_socket->close(code, reason);
}
