// SPDX-License-Identifier: MIT
#include "metricsendpoint.h"

#include "metrics.h"
#include "sessionserver.h"

#include <QLoggingCategory>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

Q_LOGGING_CATEGORY(lcMetrics, "helpy.metrics")

namespace {

const QByteArray PlainText = QByteArrayLiteral("text/plain; charset=utf-8");
const QByteArray PrometheusText = QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8");

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return QByteArrayLiteral("OK");
    case 400:
        return QByteArrayLiteral("Bad Request");
    case 404:
        return QByteArrayLiteral("Not Found");
    case 405:
        return QByteArrayLiteral("Method Not Allowed");
    case 503:
        return QByteArrayLiteral("Service Unavailable");
    default:
        return QByteArrayLiteral("Error");
    }
}

} // namespace

MetricsEndpoint::MetricsEndpoint(SessionServer &server, QObject *parent)
    : QObject(parent)
    , m_server(server)
{
    connect(&m_tcp, &QTcpServer::newConnection, this, &MetricsEndpoint::onNewConnection);
    connect(&m_tcp, &QTcpServer::acceptError, this, [](QAbstractSocket::SocketError error) {
        qCWarning(lcMetrics) << "accept failed:" << error;
    });
}

bool MetricsEndpoint::listen(const QHostAddress &address, quint16 port)
{
    if (!m_tcp.listen(address, port)) {
        qCCritical(lcMetrics) << "cannot listen on" << address << port << ":"
                              << m_tcp.errorString();
        return false;
    }
    qCInfo(lcMetrics).noquote() << "metrics and health on http://"
            + (address.protocol() == QAbstractSocket::IPv6Protocol
                    ? QLatin1Char('[') + address.toString() + QLatin1Char(']')
                    : address.toString())
            + QLatin1Char(':') + QString::number(m_tcp.serverPort());
    return true;
}

void MetricsEndpoint::onNewConnection()
{
    while (QTcpSocket *socket = m_tcp.nextPendingConnection()) {
        if (m_clients.size() >= MaxClients) {
            socket->abort();
            socket->deleteLater();
            continue;
        }
        m_clients.insert(socket, {});
        socket->setParent(this);
        connect(socket, &QObject::destroyed, this, [this, socket] { m_clients.remove(socket); });
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        QTimer::singleShot(RequestTimeoutMs, socket, [socket] {
            socket->abort();
            socket->deleteLater();
        });
    }
}

void MetricsEndpoint::onReadyRead(QTcpSocket *socket)
{
    Client &client = m_clients[socket];
    if (client.answered) {
        socket->readAll(); // a body or a second request: one request per connection
        return;
    }
    QByteArray &buffer = client.request;
    buffer += socket->read(MaxRequestBytes + 1 - buffer.size());
    if (!buffer.contains("\r\n\r\n")) {
        if (buffer.size() > MaxRequestBytes)
            respond(socket, 400, PlainText, "request too large\n");
        return;
    }
    // "GET /metrics HTTP/1.1": three parts, an absolute path, HTTP/1.x.
    const QList<QByteArray> parts = buffer.left(buffer.indexOf("\r\n")).split(' ');
    if (parts.size() != 3 || !parts[1].startsWith('/') || !parts[2].startsWith("HTTP/1.")) {
        respond(socket, 400, PlainText, "malformed request\n");
        return;
    }
    const QByteArray &method = parts[0];
    const qsizetype query = parts[1].indexOf('?');
    const QByteArray path = query < 0 ? parts[1] : parts[1].left(query);
    const bool head = method == "HEAD";
    if (path != "/healthz" && path != "/metrics") {
        respond(socket, 404, PlainText, "not found; try /healthz or /metrics\n", head);
        return;
    }
    if (method != "GET" && !head) {
        respond(socket, 405, PlainText, "only GET and HEAD\n");
        return;
    }
    if (path == "/metrics") {
        respond(socket, 200, PrometheusText, m_server.metrics().exposition(), head);
        return;
    }
    // Degraded is still 200: the node serves what it can, and every node of a cluster sees
    // the same Redis go away: a balancer that dropped them all would serve nobody.
    const QString problem = m_server.healthProblem();
    const QString warning = problem.isEmpty() ? m_server.healthWarning() : QString();
    if (!problem.isEmpty())
        respond(socket, 503, PlainText, problem.toUtf8() + '\n', head);
    else if (!warning.isEmpty())
        respond(socket, 200, PlainText, "degraded: " + warning.toUtf8() + '\n', head);
    else
        respond(socket, 200, PlainText, "ok\n", head);
}

void MetricsEndpoint::respond(QTcpSocket *socket, int status, const QByteArray &contentType,
    const QByteArray &body, bool headOnly)
{
    m_clients[socket].answered = true;
    if (status >= 400)
        qCDebug(lcMetrics) << socket->peerAddress() << "got" << status;
    QByteArray response = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status)
        + "\r\nContent-Type: " + contentType + "\r\nContent-Length: "
        + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n";
    if (!headOnly)
        response += body;
    socket->write(response);
    socket->disconnectFromHost(); // once what was written is sent
}
