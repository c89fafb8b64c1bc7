// SPDX-License-Identifier: MIT
#include "embeddedsessionhost.h"

#include "hostcertificate.h"
#include "logging.h"
#include "sessionserver.h"

#include <QCoreApplication>
#include <QSettings>
#include <QStandardPaths>

namespace {
const QString PortKey = QStringLiteral("hosting/port");
} // namespace

EmbeddedSessionHost::EmbeddedSessionHost()
    : m_remembered(true)
{ }

EmbeddedSessionHost::EmbeddedSessionHost(quint16 port)
    : m_port(port)
{ }

EmbeddedSessionHost::~EmbeddedSessionHost() = default;

quint16 EmbeddedSessionHost::rememberedPort()
{
    bool ok = false;
    const uint port = QSettings().value(PortKey).toUInt(&ok);
    return ok && port > 0 && port <= 65535 ? quint16(port) : 0;
}

bool EmbeddedSessionHost::listen()
{
    if (isListening())
        return true;
    if (!m_remembered)
        return listenOn(m_port);
    // The remembered port first: that is where guests reconnect to. Taken (another program
    // has it now): the next free one, remembered from now on.
    const quint16 start = rememberedPort() ? rememberedPort() : m_firstPort;
    for (int i = 0; i < PortsTried && int(start) + i <= 65535; ++i) {
        if (listenOn(quint16(start + i))) {
            if (port() != rememberedPort()) {
                qCInfo(lcHost) << "remembering port" << port() << "for hosting";
                QSettings().setValue(PortKey, port());
            }
            return true;
        }
    }
    return false;
}

bool EmbeddedSessionHost::listenOn(quint16 port)
{
    const QString dataDirectory = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    ServerOptions options;
    options.address = m_address;
    options.port = port;
    options.dataPath = dataDirectory + QStringLiteral("/hosted-sessions.sqlite");
    m_fingerprint.clear();
    if (isSecure()) {
        HostCertificate certificate(dataDirectory);
        if (!certificate.ensure()) {
            m_errorString = QCoreApplication::translate(
                "EmbeddedSessionHost", "cannot make this computer's certificate: %1")
                                .arg(certificate.errorString());
            qCWarning(lcHost).noquote() << m_errorString;
            return false;
        }
        options.tlsCertificatePath = certificate.certificatePath();
        options.tlsKeyPath = certificate.keyPath();
        m_fingerprint = certificate.fingerprint();
    }
    options.helpyEndpoint = m_helpyEndpoint;
    options.helpyModel = m_helpyModel;
    options.helpyApiKey = m_helpyApiKey;
    m_server = std::make_unique<SessionServer>(options);
    if (!m_server->listen()) {
        // Not kept: the next listen() starts afresh (the port or data file may be free then).
        m_errorString = m_server->errorString();
        m_server.reset();
        qCWarning(lcHost) << "cannot host on port" << port << m_errorString;
        return false;
    }
    m_errorString.clear();
    if (!m_remembered && port != 0)
        QSettings().setValue(PortKey, port); // chosen on the command line: kept for next time
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

QString EmbeddedSessionHost::certificateFingerprint() const
{
    return isListening() ? m_fingerprint : QString();
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
    if (isListening())
        return m_server->port();
    if (m_remembered)
        return rememberedPort() ? rememberedPort() : m_firstPort;
    return m_port;
}
