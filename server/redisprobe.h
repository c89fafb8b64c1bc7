// SPDX-License-Identifier: MIT
#pragma once

#include "backoff.h"

#include <QObject>
#include <QTcpSocket>
#include <QTimer>

/**
 * @brief Waits, without blocking the event loop, until a Redis answers PING again.
 *
 * Each attempt connects a QTcpSocket, sends `PING` and waits for `+PONG` (a paused Redis
 * accepts the connection but never answers: the attempt times out). Attempts are spaced by
 * an exponential backoff with jitter; reachable() is emitted once, then the probe stops.
 */
class RedisProbe final : public QObject
{
    Q_OBJECT

public:
    static constexpr int AttemptTimeoutMs = 1000;

    RedisProbe(QString host, quint16 port, QObject *parent = nullptr);

    /// Starts probing (again); nothing when already probing.
    void start();
    void stop();
    bool isProbing() const { return m_probing; }

Q_SIGNALS:
    void reachable();

private:
    void attempt();
    void failed();

    QString m_host;
    quint16 m_port;
    QTcpSocket m_socket;
    QTimer m_next; ///< the next attempt
    QTimer m_deadline; ///< the running attempt gives up
    Backoff m_backoff { 100, 2000 };
    QByteArray m_received;
    bool m_probing = false;
};
