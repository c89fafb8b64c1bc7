// SPDX-License-Identifier: MIT
#include "embeddedsessionhost.h"

#include "logging.h"
#include "sessionserver.h"

#include <QStandardPaths>

EmbeddedSessionHost::EmbeddedSessionHost(quint16 port)
    : m_port(port)
{ }

EmbeddedSessionHost::~EmbeddedSessionHost() = default;

bool EmbeddedSessionHost::listen()
{
    if (isListening())
        return true;
    ServerOptions options;
    options.address = QHostAddress::Any;
    options.port = m_port;
    options.dataPath = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
        + QStringLiteral("/hosted-sessions.sqlite");
    m_server = std::make_unique<SessionServer>(options);
    if (!m_server->listen()) {
        // Not kept: the next listen() starts afresh (the port or data file may be free then).
        m_errorString = m_server->errorString();
        m_server.reset();
        qCWarning(lcHost) << "cannot host on port" << m_port << m_errorString;
        return false;
    }
    m_errorString.clear();
    qCInfo(lcHost) << "hosting on" << m_server->url().toString();
    return true;
}

bool EmbeddedSessionHost::isListening() const
{
    return m_server && m_server->isListening();
}

QUrl EmbeddedSessionHost::url() const
{
    return isListening() ? m_server->url() : QUrl();
}

quint16 EmbeddedSessionHost::port() const
{
    return isListening() ? m_server->port() : m_port;
}
