// SPDX-License-Identifier: MIT
#pragma once

#include "ratelimiter.h"

#include <QElapsedTimer>
#include <QObject>
#include <QSet>
#include <QStringList>
#include <QTimer>
#include <QWebSocket>

class LoopClock;

/**
 * @brief The server's side of one client connection: its socket, the user it signed in
 * as, the sessions it follows, its request budget and its liveness clock.
 */
class ClientConnection : public QObject
{
    Q_OBJECT

public:
    ClientConnection(QWebSocket *socket, int requestsPerSecond, qint64 maxPendingBytes,
        QObject *parent = nullptr);
    ~ClientConnection() override;

    static constexpr qint64 FlushThresholdBytes = 64 * 1024;

    QWebSocket *socket() const { return m_socket; }
    QString peer() const;

    bool isSignedIn() const { return !userId.isEmpty(); }
    /// Queues a frame. A peer that leaves more than maxPendingBytes unread is closed with
    /// 1013 "try again later" instead: its backlog must not grow the server without bound.
    /// (Virtual for the tests' in-memory connections, which capture what is sent.)
    virtual void send(const QString &text);
    bool isOverloaded() const { return m_overloaded; }
    virtual void closeWith(QWebSocketProtocol::CloseCode code, const QString &reason);

    /// Silence is measured on this clock's running time: a stall of our own loop (when we
    /// read nobody) does not count. Without one, on the wall clock.
    void setLoopClock(const LoopClock *clock);
    /// Any frame or pong counts: a busy peer is alive.
    void markAlive();
    /// How long the peer has been silent while our event loop was running.
    qint64 silentForMs() const;

    QString userId;
    /// Sessions whose events this connection receives, each with the last revision it has
    /// (by snapshot, resume or event): nothing is delivered to it twice.
    QHash<QString, qint64> subscriptions;
    RateLimiter rateLimiter;
    QTimer helloTimer;

private:
    QWebSocket *m_socket;
    qint64 m_maxPendingBytes;
    quint64 m_flushedInPass = 0;
    /// A number that changes each time the event loop comes round.
    static quint64 currentPass();
    bool m_overloaded = false;
    QElapsedTimer m_lastTraffic;
    const LoopClock *m_loopClock = nullptr;
    qint64 m_stalledAtTraffic = 0; ///< m_loopClock->stalledMs() when m_lastTraffic restarted
};
