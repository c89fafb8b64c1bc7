// SPDX-License-Identifier: MIT
#pragma once

#include "backoff.h"
#include "redisasyncconnection.h"

#include <QObject>
#include <QTimer>

/**
 * @brief Waits, without blocking the event loop, until a Redis answers again, and hands
 * over the connection that answered.
 *
 * Each attempt connects asynchronously (RedisAsyncConnection), sends `PING` and then the
 * greeting (commands the caller needs before it uses Redis again, such as loading a
 * script), and waits for every answer; a paused Redis accepts the connection but never
 * answers, and the attempt times out. Attempts are spaced by an exponential backoff with
 * jitter. When all answered, reachable() hands the socket over (so reconnecting blocks
 * nothing either), and the probe stops.
 */
class RedisProbe final : public QObject
{
    Q_OBJECT

public:
    static constexpr int AttemptTimeoutMs = 1000;

    RedisProbe(QString host, quint16 port, QObject *parent = nullptr);

    /// Commands sent after PING on each attempt; their replies come with reachable().
    void setGreeting(QList<QList<QByteArray>> commands) { m_greeting = std::move(commands); }
    /// Starts probing (again); nothing when already probing.
    void start();
    void stop();
    bool isProbing() const { return m_probing; }

Q_SIGNALS:
    /// Redis answered PING and the greeting without an error. `descriptor` is the connected
    /// socket in blocking mode, now the receiver's (see redisConnectFd).
    void reachable(int descriptor, const QList<RedisReply> &greetingReplies);

private:
    void attempt();
    void handOver();
    void failed(const QString &why);

    QList<QList<QByteArray>> m_greeting;
    RedisAsyncConnection m_connection;
    QTimer m_next; ///< the next attempt
    Backoff m_backoff { 100, 2000 };
    QList<RedisReply> m_replies;
    bool m_probing = false;
    bool m_attempting = false;
};
