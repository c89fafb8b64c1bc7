// SPDX-License-Identifier: MIT
#pragma once

#include "sessionhosting.h"

#include <QHostAddress>

#include <memory>

class SessionServer;

/**
 * @brief The session server the desktop app hosts sessions with (host mode).
 *
 * Listens on every interface, so others join from their own machines, and keeps its
 * sessions in AppDataLocation/hosted-sessions.sqlite, so they outlive the app. The server
 * (and its data file) exists only from the first successful listen() on.
 *
 * The port is stable across restarts, so guests reconnect to the same address by
 * themselves: unless given one, the host listens on the port it remembers (QSettings
 * `hosting/port`); the first time on FirstPort, or the next free one above it. The port it
 * listened on is remembered.
 *
 * It serves wss:// with this computer's own self-signed certificate (HostCertificate, made
 * on first host and kept in AppDataLocation); plain ws:// only when it listens on 127.0.0.1
 * alone (nobody else could reach it) or when asked (setInsecure(), `helpy --insecure`).
 */
class EmbeddedSessionHost final : public SessionHosting
{
public:
    static constexpr quint16 FirstPort = 8787;
    /// Ports tried above the remembered (or first) one when it is taken.
    static constexpr int PortsTried = 20;

    /// Hosts on the remembered port (see above).
    EmbeddedSessionHost();
    /// Hosts on exactly `port` (0: any free port, not remembered).
    explicit EmbeddedSessionHost(quint16 port);
    ~EmbeddedSessionHost() override;

    /// The port tried first when none is remembered yet (tests: not 8787).
    void setFirstPort(quint16 port) { m_firstPort = port; }
    /// Plain ws:// even when others can reach it (`helpy --insecure`).
    void setInsecure(bool insecure) { m_insecure = insecure; }
    /// The address to listen on (default: every interface); 127.0.0.1 alone serves ws://.
    void setAddress(const QHostAddress &address) { m_address = address; }
    /// Whether the next listen() serves wss://.
    bool isSecure() const { return !m_insecure && !m_address.isLoopback(); }
    /// The port remembered from an earlier listen(); 0: none yet.
    static quint16 rememberedPort();

    bool listen() override;
    bool isListening() const override;
    QUrl url() const override;
    quint16 port() const override;
    QString errorString() const override { return m_errorString; }
    void setHelpyBackend(
        const QString &endpoint, const QString &model, const QString &apiKey) override;
    bool hasHostedBefore() const override { return rememberedPort() != 0; }
    QString certificateFingerprint() const override;

private:
    bool listenOn(quint16 port);

    quint16 m_port = 0;
    bool m_remembered = false; ///< the port is the remembered one (or the next free)
    quint16 m_firstPort = FirstPort;
    QHostAddress m_address = QHostAddress::Any;
    bool m_insecure = false;
    QString m_fingerprint; ///< of the certificate served; empty while serving ws://
    std::unique_ptr<SessionServer> m_server;
    QString m_errorString;
    QString m_helpyEndpoint, m_helpyModel, m_helpyApiKey;
};
