// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTcpServer>

#include "lingeringcloses.h"

class QSocketNotifier;

/// Told when a socket's bytes begin to wait in its queue: the kernel refused some.
class BacklogObserver
{
public:
    virtual void backlogStarted() = 0;

protected:
    ~BacklogObserver() = default;
};

/**
 * @brief A connected TCP socket on its bare descriptor, for PlainWebSocket (ws://): reads
 * straight from the kernel into the caller's buffer, and writes to the kernel in one
 * system call per event-loop pass. Only what the kernel refuses (its send buffer full) is
 * queued in our memory, behind which later writes wait.
 *
 * Why not QTcpSocket: an accepted QTcpSocket reads buffered (Qt 6.4 makes a socket
 * unbuffered only in connectToHost()), so it kept a 16 KiB read chunk from its first read on,
 * besides its private, its socket engine and their notifiers; a QTcpSocket opened buffered
 * also copied every write into a 32 KiB write chunk kept for the socket's life, and handed
 * it to the kernel only when the event loop came round. Here an idle connection holds this
 * object and one read notifier; a write notifier is made only when a backlog begins.
 *
 * What the sockets are written in one event-loop pass is appended to one arena shared by
 * all of them, each socket keeping where its bytes are (up to MaxSpans spans: a frame's
 * header and payload, written apart, are adjacent and make one). When the pass ends each
 * socket sends its spans in one sendmsg(2): one system call and one packet per connection
 * and pass, however many frames, and no allocation per socket (the arena is kept from pass
 * to pass). A socket whose spans are full, or a write of LargeWriteBytes or more, is sent at
 * once, corked (MSG_MORE) until the pass's last send; when the arena reaches ArenaBytes
 * every socket's bytes are sent so, and it starts again: a pass holds at most ArenaBytes
 * (and a burst's arena is given back after the pass).
 */
class DirectTcpSocket : public QObject
{
    Q_OBJECT

public:
    /// Takes the connected descriptor `descriptor` (closed when the socket is done).
    explicit DirectTcpSocket(qintptr descriptor, QObject *parent = nullptr);
    ~DirectTcpSocket() override;

    /// A write at least this long is sent at once (after what the socket holds).
    static constexpr qint64 LargeWriteBytes = 4096;
    /// A socket holds at most this many separate stretches of the arena.
    static constexpr int MaxSpans = 8;
    /// The arena is sent when a pass has written this much.
    static constexpr qsizetype ArenaBytes = 4 * 1024 * 1024;
    /// After a pass, an arena larger than this is given back.
    static constexpr qsizetype KeptArenaBytes = 256 * 1024;

    /// Open both ways (not closing, not gone).
    bool isConnected() const { return m_state == State::Connected; }
    QHostAddress peerAddress() const { return m_peerAddress; }
    quint16 peerPort() const { return m_peerPort; }
    qintptr socketDescriptor() const { return m_descriptor; }

    /// Reads at most `size` bytes: how many, 0 when nothing is there now, -1 when the peer
    /// closed or the connection failed (the socket is then gone: disconnected() was emitted).
    qint64 read(char *data, qint64 size);
    /// Writes `bytes` after everything written before; false when the socket is not open.
    bool write(QByteArrayView bytes);
    /// Bytes waiting in our queue for the kernel (the arena's are pendingBytes()).
    qint64 bytesToWrite() const { return m_queue.size() - m_queueOffset; }
    /// Hands the queue to the kernel now, as far as it takes it.
    void flush();
    /// Sends what the arena holds for this socket and what is corked now, rather than when
    /// the pass ends.
    void push();
    /// Bytes in the arena for this socket now (not in the queue: bytesToWrite() does not
    /// count them).
    qint64 pendingBytes() const;
    /// The arena's allocation now (tests: a burst's is given back).
    static qsizetype arenaCapacity();
    /// Closes once everything written has left (pushed first: what is corked must be on its
    /// way before the FIN); reads nothing more. disconnected() then. With LingeringCloses
    /// set, the descriptor is handed to them (what the peer still sends does not make the
    /// kernel reset the connection); otherwise it is closed.
    void disconnectFromHost();
    /// Where disconnectFromHost() hands the descriptor (DirectTcpServer sets its own).
    void setLingeringCloses(LingeringCloses *closes) { m_lingeringCloses = closes; }
    /// Closes now, dropping what waits. disconnected() then, unless already gone.
    void abort();
    /// Tells `observer` (or nobody) when bytes begin to wait in the queue, which can happen
    /// when the pass ends, outside any write of its owner's.
    void setBacklogObserver(BacklogObserver *observer) { m_observer = observer; }
    /// SO_SNDBUF (tests: a small kernel buffer makes a backlog).
    void setSendBufferSize(int bytes);
    /// The sends and pushes made so far, by every DirectTcpSocket (tests count them).
    static quint64 systemCalls();

Q_SIGNALS:
    /// Bytes (or the peer's end) are there to read().
    void readyRead();
    /// The kernel took `bytes` more of the queue.
    void bytesWritten(qint64 bytes);
    /// The connection ended; emitted once.
    void disconnected();

private:
    enum class State : quint8 { Connected, Closing, Gone };
    /// Pushes every socket that wrote in the pass.
    static void endPass();
    /// This socket is pushed when the pass ends.
    void endPassLater();
    /// Sends every socket's spans, corked, and empties the arena.
    static void sendArena();
    /// Sends the spans and then `data` in one system call (corked if `more`); what the
    /// kernel refuses goes to the queue in order. False when the connection failed.
    bool sendNow(const char *data, qint64 size, bool more);
    /// Queues `size` bytes behind the queue; the write notifier then waits for room.
    void enqueue(const char *data, qint64 size);
    void onWritable();
    /// A send failed (the peer is gone): cut later, outside the writer's call.
    void failLater();
    /// Gone now: the descriptor closed, or handed to the lingering closes when `linger`.
    void closeNow(bool linger = false);

    struct Span
    {
        quint32 offset;
        quint32 length;
    };
    Span m_spans[MaxSpans]; ///< this pass's bytes in the arena, not yet sent
    int m_spanCount = 0;
    qsizetype m_passIndex = -1; ///< in the list of sockets that wrote in this pass
    int m_descriptor;
    State m_state = State::Connected;
    bool m_corked = false;
    bool m_failing = false;
    quint16 m_peerPort = 0;
    QHostAddress m_peerAddress;
    QSocketNotifier *m_readNotifier = nullptr;
    QSocketNotifier *m_writeNotifier = nullptr; ///< made at the first backlog
    QByteArray m_queue; ///< what the kernel refused, from m_queueOffset on
    qsizetype m_queueOffset = 0;
    BacklogObserver *m_observer = nullptr;
    QPointer<LingeringCloses> m_lingeringCloses;
};

/**
 * @brief Accepts connections as DirectTcpSocket (Nagle off), for PlainWebSocket (a server
 * in plain ws:// mode; TLS sockets are QWebSocketServer's own).
 */
class DirectTcpServer : public QTcpServer
{
    Q_OBJECT

public:
    using QTcpServer::QTcpServer;

    /// The next socket accepted (this server's child until taken), or nullptr.
    DirectTcpSocket *takeSocket();
    /// Where its sockets' descriptors linger when the server ends a connection.
    const LingeringCloses &lingeringCloses() const { return m_lingeringCloses; }

Q_SIGNALS:
    /// A socket waits to be taken.
    void socketAccepted();

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    QList<DirectTcpSocket *> m_accepted;
    LingeringCloses m_lingeringCloses;
};
