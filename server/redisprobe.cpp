// SPDX-License-Identifier: MIT
#include "redisprobe.h"

#include "logging.h"

RedisProbe::RedisProbe(QString host, quint16 port, QObject *parent)
    : QObject(parent)
    , m_host(std::move(host))
    , m_port(port)
{
    m_next.setSingleShot(true);
    m_deadline.setSingleShot(true);
    m_deadline.setInterval(AttemptTimeoutMs);
    connect(&m_next, &QTimer::timeout, this, &RedisProbe::attempt);
    connect(&m_deadline, &QTimer::timeout, this, &RedisProbe::failed);
    connect(&m_socket, &QTcpSocket::connected, this, [this] { m_socket.write("PING\r\n"); });
    connect(&m_socket, &QTcpSocket::readyRead, this, [this] {
        m_received += m_socket.readAll();
        if (!m_received.contains("\r\n"))
            return;
        if (!m_received.startsWith("+PONG")) {
            // -LOADING while it reads its data back, for instance: not yet.
            qCDebug(lcServer).noquote() << "redis probe:" << m_received.trimmed();
            failed();
            return;
        }
        m_deadline.stop();
        m_socket.abort();
        m_probing = false;
        m_backoff.reset();
        Q_EMIT reachable();
    });
    connect(&m_socket, &QTcpSocket::errorOccurred, this, [this] {
        if (m_deadline.isActive())
            failed();
    });
}

void RedisProbe::start()
{
    if (m_probing)
        return;
    m_probing = true;
    m_next.start(m_backoff.nextDelayMs());
}

void RedisProbe::stop()
{
    m_probing = false;
    m_next.stop();
    m_deadline.stop();
    m_socket.abort();
}

void RedisProbe::attempt()
{
    m_received.clear();
    m_socket.abort();
    m_deadline.start();
    m_socket.connectToHost(m_host, m_port);
}

void RedisProbe::failed()
{
    m_deadline.stop();
    m_socket.abort();
    if (m_probing)
        m_next.start(m_backoff.nextDelayMs());
}
