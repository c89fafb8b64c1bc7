// SPDX-License-Identifier: MIT
#pragma once

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QTcpServer>

class QTcpSocket;
class SessionServer;

/**
 * @brief The operator's port: `GET /healthz` and `GET /metrics` (Prometheus text) over plain
 * HTTP/1.1, one request per connection.
 *
 * A small QTcpServer responder rather than Qt HttpServer: two fixed GETs need no routing,
 * and it adds no dependency (qt6-httpserver-dev) to the build or the package. A request
 * line and headers over MaxRequestBytes, or not in HTTP form, get 400; a client that sends
 * nothing complete within RequestTimeoutMs is cut; at most MaxClients are served at once.
 */
class MetricsEndpoint : public QObject
{
    Q_OBJECT

public:
    static constexpr qsizetype MaxRequestBytes = 8192;
    static constexpr int RequestTimeoutMs = 5000;
    static constexpr int MaxClients = 32;

    explicit MetricsEndpoint(SessionServer &server, QObject *parent = nullptr);

    /// false (see errorString) when the port cannot be had.
    bool listen(const QHostAddress &address, quint16 port);
    quint16 port() const { return m_tcp.serverPort(); }
    QString errorString() const { return m_tcp.errorString(); }

private:
    void onNewConnection();
    void onReadyRead(QTcpSocket *socket);
    void respond(QTcpSocket *socket, int status, const QByteArray &contentType,
        const QByteArray &body, bool headOnly = false);

    /// What one connection sent so far; answered: anything more is read and dropped.
    struct Client
    {
        QByteArray request;
        bool answered = false;
    };

    SessionServer &m_server;
    QTcpServer m_tcp;
    QHash<QTcpSocket *, Client> m_clients; ///< at most MaxClients
};
