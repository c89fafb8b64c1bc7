// SPDX-License-Identifier: MIT
#pragma once

#include "serveroptions.h"

#include <QObject>
#include <QStringList>
#include <QUrl>

#include <memory>

class ServerMetrics;

/**
 * @brief The Helpy session server: the single source of truth for sessions.
 *
 * A QWebSocketServer on ws://ADDRESS:PORT/v1 (wss:// when given a certificate) that validates every
 * frame, enforces permissions, assigns revisions and fans events out. Embeddable: the desktop app
 * runs one in-process to host sessions; helpy-server runs one headless.
 */
class SessionServer : public QObject
{
    Q_OBJECT

public:
    explicit SessionServer(ServerOptions options = {}, QObject *parent = nullptr);
    ~SessionServer() override;

    /// Starts listening on options().address:options().port; false (see errorString) on failure.
    bool listen();
    void close();
    bool isListening() const;
    quint16 port() const;
    /// ws://address:port/v1, or wss:// when serving TLS
    QUrl url() const;
    /// Serving wss:// (options().tlsCertificatePath and tlsKeyPath set).
    bool isSecure() const;
    QString errorString() const;
    const ServerOptions &options() const;
    /// The Helpy tutors' model from now on (docs/helpy.md); an empty endpoint: none.
    void setHelpyBackend(const QString &endpoint, const QString &model, const QString &apiKey);

    /// The server's Prometheus metrics (served by MetricsEndpoint).
    ServerMetrics &metrics();
    /// Empty while the server is serving and its storage writable; else why not (/healthz).
    QString healthProblem() const;
    /// Empty unless the server serves but cannot store changes for now (a cluster's Redis
    /// is away): /healthz says `degraded`.
    QString healthWarning() const;

    int connectionCount() const;
    /// Bytes of incomplete messages and handshakes the ws:// connections hold now.
    qint64 incomingBytes() const;
    /// ws:// connections the server ended whose descriptors still linger (LingeringCloses).
    int lingeringCloses() const;
    int sessionCount() const;
    /// The server's view of one session's roster (tests compare clients with it).
    QList<Protocol::Participant> participants(const QString &sessionId) const;
    qint64 revision(const QString &sessionId) const;
    QString epoch(const QString &sessionId) const;

Q_SIGNALS:
    void connectionCountChanged(int count);
    /// A change could not be stored: the server closed every connection and answers no more.
    void storageFailed(const QString &error);

private:
    friend class SessionServerTester; // tests/common/sessionservertester.h
    class Private;
    std::unique_ptr<Private> d;
};
