// SPDX-License-Identifier: MIT
#pragma once

#include "directtcpserver.h"
#include "framesocket.h"

#include <QElapsedTimer>
#include <QObject>
#include <QSet>
#include <QStringList>
#include <QTimer>

#include <memory>

class LoopClock;

/**
 * @brief The server's side of one client connection: its socket, the user it signed in
 * as, the sessions it follows, its backlog and its liveness clock. (Its request budget is
 * its user's and its address's, shared with their other connections: see Budgets.)
 */
class Budgets;

class ClientConnection
    : public QObject
    , private BacklogObserver
{
    Q_OBJECT

public:
    /// Takes `socket` (made its child).
    ClientConnection(FrameSocket *socket, qint64 maxPendingBytes, int graceMs = 10000,
        QObject *parent = nullptr);
    ~ClientConnection() override;

    static constexpr qint64 FlushThresholdBytes = 64 * 1024;

    FrameSocket *socket() const { return m_socket; }
    /// Whom the address budgets charge: the peer, or the client behind a trusted proxy.
    QHostAddress address() const { return m_address; }
    void setAddress(const QHostAddress &address) { m_address = address; }
    /// The address and port, for logs ("client via proxy:port" behind a proxy).
    QString peer() const;

    bool isSignedIn() const { return !userId.isEmpty(); }
    /// Queues a frame, behind any frame held for a sync (sendWhenDurable()). A peer that
    /// leaves more than maxPendingBytes unread (or held) is closed with 1013 "try again
    /// later" instead: its backlog must not grow the server without bound.
    void send(const QString &text);
    /// Holds `text` until the store's sync `ticket` is durable (releaseHeld()): an answer
    /// must not promise what a crash could still lose. Every frame sent to this connection
    /// meanwhile waits behind it, so the connection sees its frames in the order sent.
    void sendWhenDurable(quint64 ticket, const QString &text);
    /// Sends the held frames up to the first whose sync is later than `durable`; true when
    /// nothing is held any more.
    bool releaseHeld(quint64 durable);
    /// Storage failed: what is held is never sent.
    void dropHeld();
    bool isHolding() const { return !m_held.isEmpty(); }
    bool isOverloaded() const { return m_overloaded; }
    /// Pings the peer, unless the socket is closing or gone (a closed TLS socket warns).
    void ping();
    virtual void closeWith(QWebSocketProtocol::CloseCode code, const QString &reason);
    /// Closes with 1013 "try again later" behind the backlog, and cuts the connection (its
    /// backlog freed) if the peer has not taken it all within `abortAfterMs`.
    void shed(int abortAfterMs);
    /// Cuts the connection in `ms` unless it is gone by then (the timer is this object's,
    /// so nothing outlives the connection; a repeated call moves the deadline).
    void abortAfter(int ms);
    /// Closed for its backlog: once it is gone, the memory is worth returning to the OS.
    bool wasShed() const { return m_overloaded; }

    /// Reports this connection's backlog to the shared budget from now on, and counts the
    /// peer alive whenever the kernel takes more of a backlog (see markAlive()).
    /// On ws:// the DirectTcpSocket tells of a backlog begun when a pass ends, so
    /// bytesWritten is watched only from then on.
    void meterBacklog(Budgets *budgets);
    qint64 backlog() const { return m_metered; }

    /// Silence is measured on this clock's running time: a stall of our own loop (when we
    /// read nobody) does not count. Without one, on the wall clock.
    void setLoopClock(const LoopClock *clock);
    /// Any frame or pong counts: a busy peer is alive.
    void markAlive();
    /// How long the peer has been silent while our event loop was running.
    qint64 silentForMs() const;
    /// The clocks read once, for asking many connections on `clock` (their setLoopClock()).
    struct Now
    {
        qint64 sinceReferenceMs = 0; ///< on QElapsedTimer's monotonic clock
        qint64 stalledMs = 0; ///< clock->stalledMs(), 0 without one
    };
    static Now now(const LoopClock *clock);
    /// silentForMs() without reading a clock: a scan of every connection reads them once.
    qint64 silentForMs(const Now &now) const;

    QString userId;
    /// @brief A followed session: the last revision the connection has (by snapshot, resume,
    /// event or roster_summary), so nothing is delivered twice; whether it is in summary
    /// (RosterSummaries: no events about other plain members); and whether it asked for the
    /// whole roster (join_session `roster: "full"`), which it then keeps however large.
    struct Subscription
    {
        qint64 revision = 0;
        bool summary = false;
        bool wholeAsked = false;
    };
    QHash<QString, Subscription> subscriptions;
    /// The peer asked for the `roster_summary` feature in its hello.
    bool rosterSummary = false;
    /// The server is going away: frames still arriving are not answered.
    bool closing = false;
    /// Which of the heartbeat's ticks (10 ms each) pings this connection (SessionServer spreads
    /// the pings and digests of all connections over the heartbeat interval).
    int heartbeatSlot = 0;
    /// Its slot comes round within a second of its arrival: that first ping is skipped (it
    /// has just shown it is alive, and has no snapshot to check a digest against yet).
    bool skipNextPing = false;

protected:
    /// Writes a frame to the socket now. (Virtual for the tests' in-memory connections,
    /// which capture what is sent.)
    virtual void transmit(const QString &text);

private:
    struct Held
    {
        quint64 ticket = 0; ///< the sync it waits for; 0: only for the frames before it
        QString text;
    };
    void hold(quint64 ticket, const QString &text);
    /// What the peer has not taken yet: in the socket's queue, or held for a sync.
    qint64 pendingBytes() const { return m_socket->bytesToWrite() + m_heldBytes; }
    /// Sheds the connection (1013) when `adding` more would take its backlog past
    /// maxPendingBytes.
    bool shedIfOverBudget(qint64 adding);
    QList<Held> m_held;
    qint64 m_heldBytes = 0;

    /// Made on the first abortAfter() only: most connections never need one, and an idle
    /// connection should cost as little as a relay's (a QTimer is a QObject).
    std::unique_ptr<QTimer> m_abortTimer;
    FrameSocket *m_socket;
    QHostAddress m_address;
    qint64 m_maxPendingBytes;
    int m_graceMs; ///< after a 1013 for its backlog, the socket is cut this much later
    quint64 m_flushedInPass = 0;
    /// A number that changes each time the event loop comes round.
    static quint64 currentPass();
    void updateBacklog();
    void onBytesWritten();
    void backlogStarted() override { updateBacklog(); }
    /// See meterBacklog(): told of a backlog (our child's child).
    DirectTcpSocket *m_direct = nullptr;

    bool m_overloaded = false;
    Budgets *m_budgets = nullptr;
    /// Told whenever the kernel takes more of a backlog, from the first backlog on: most
    /// ws:// connections never have one, and the signal connection costs memory.
    void watchWrites();
    bool m_watchingWrites = false;
    qint64 m_metered = 0; ///< bytes of backlog last reported to m_budgets
    QElapsedTimer m_lastTraffic;
    const LoopClock *m_loopClock = nullptr;
    qint64 m_stalledAtTraffic = 0; ///< m_loopClock->stalledMs() when m_lastTraffic restarted
};
