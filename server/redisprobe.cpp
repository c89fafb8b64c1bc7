// SPDX-License-Identifier: MIT
#include "redisprobe.h"

#include "logging.h"

RedisProbe::RedisProbe(QString host, quint16 port, QObject *parent)
    : QObject(parent)
    , m_connection(std::move(host), port, AttemptTimeoutMs)
{
    m_next.setSingleShot(true);
    connect(&m_next, &QTimer::timeout, this, &RedisProbe::attempt);
    connect(&m_connection, &RedisAsyncConnection::closed, this, [this](const QString &why) {
        if (m_attempting)
            failed(why);
    });
    connect(&m_connection, &RedisAsyncConnection::connected, this, [this] {
        QList<QList<QByteArray>> commands { { "PING" } };
        commands += m_greeting;
        for (const auto &command : std::as_const(commands)) {
            m_connection.command(command, [this, count = commands.size()](const RedisReply &r) {
                if (!m_attempting)
                    return;
                if (!r.ok || (m_replies.isEmpty() && r.string != "PONG")) {
                    // -LOADING while it reads its data back, for instance: not yet.
                    failed(r.error.isEmpty() ? QString::fromUtf8(r.string) : r.error);
                    return;
                }
                m_replies.append(r);
                if (m_replies.size() == count)
                    handOver();
            });
        }
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
    m_attempting = false;
    m_next.stop();
    m_connection.close();
}

void RedisProbe::attempt()
{
    m_replies.clear();
    m_attempting = true;
    QString why;
    if (!m_connection.open(&why))
        failed(why);
}

void RedisProbe::handOver()
{
    m_attempting = false;
    const int descriptor = m_connection.takeDescriptor();
    if (descriptor < 0) {
        failed(QStringLiteral("cannot take the connection over"));
        return;
    }
    m_probing = false;
    m_backoff.reset();
    Q_EMIT reachable(descriptor, m_replies.mid(1));
}

void RedisProbe::failed(const QString &why)
{
    qCDebug(lcServer).noquote() << "redis probe:" << why;
    m_attempting = false;
    m_connection.close();
    if (m_probing)
        m_next.start(m_backoff.nextDelayMs());
}
