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
    options.helpyEndpoint = m_helpyEndpoint;
    options.helpyModel = m_helpyModel;
    options.helpyApiKey = m_helpyApiKey;
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

void EmbeddedSessionHost::setHelpyBackend(
    const QString &endpoint, const QString &model, const QString &apiKey)
{
    m_helpyEndpoint = endpoint;
    m_helpyModel = model;
    m_helpyApiKey = apiKey;
    if (m_server)
        m_server->setHelpyBackend(endpoint, model, apiKey);
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
