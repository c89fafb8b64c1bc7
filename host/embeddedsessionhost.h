// SPDX-License-Identifier: MIT
#pragma once

#include "sessionhosting.h"

#include <memory>

class SessionServer;

/**
 * @brief The session server the desktop app hosts sessions with (host mode).
 *
 * Listens on every interface, so others join from their own machines, and keeps its
 * sessions in AppDataLocation/hosted-sessions.sqlite, so they outlive the app. The server
 * (and its data file) exists only from the first successful listen() on.
 */
class EmbeddedSessionHost final : public SessionHosting
{
public:
    /// `port` 0: the OS picks a free one.
    explicit EmbeddedSessionHost(quint16 port = 0);
    ~EmbeddedSessionHost() override;

    bool listen() override;
    bool isListening() const override;
    QUrl url() const override;
    quint16 port() const override;
    QString errorString() const override { return m_errorString; }
    void setHelpyBackend(
        const QString &endpoint, const QString &model, const QString &apiKey) override;

private:
    quint16 m_port;
    std::unique_ptr<SessionServer> m_server;
    QString m_errorString;
    QString m_helpyEndpoint, m_helpyModel, m_helpyApiKey;
};
