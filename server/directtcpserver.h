// SPDX-License-Identifier: MIT
#pragma once

#include <QTcpServer>
#include <QTcpSocket>

/// Told when a socket's bytes begin to wait in Qt's queue: the kernel refused some.
class BacklogObserver
{
public:
    virtual void backlogStarted() = 0;

protected:
    ~BacklogObserver() = default;
};

/**
 * @brief A TCP socket whose writes go to the kernel in one system call per event-loop pass:
 * only what the kernel refuses (its send buffer full) is queued in Qt's write buffer, behind
 * which later writes wait.
 *
 * A QTcpSocket opened buffered copies every write into its QRingBuffer, whose 32 KiB chunk
 * is allocated on the first write and kept for the socket's life, and hands it to the
 * kernel only when the event loop comes round: a fan-out to N connections held N copies of
 * each frame in our memory until then. Reading stays buffered: an accepted QTcpSocket cannot
 * be made unbuffered (Qt 6.4 sets that only in connectToHost()), so it keeps a read chunk of
 * 16 KiB from its first read on (one page of it touched by an idle connection).
 *
 * Here what the sockets are written in one event-loop pass is appended to one arena shared
 * by all of them, each socket keeping where its bytes are (up to MaxSpans spans: a frame's
 * header and payload, written apart by PlainWebSocket, are adjacent and make one). When the
 * pass ends each socket sends its spans in one sendmsg(2): one system call and one packet
 * per connection and pass, however many frames, and no allocation per socket (the arena
 * is kept from pass to pass). A socket whose spans are full, or a write of LargeWriteBytes
 * or more, is sent at once, corked (MSG_MORE) until the pass's last send; when the arena
 * reaches ArenaBytes every socket's bytes are sent so, and it starts again: a pass holds at
 * most ArenaBytes (and a burst's arena is given back after the pass).
 */
class DirectTcpSocket : public QTcpSocket
{
    Q_OBJECT

public:
    using QTcpSocket::QTcpSocket;
    ~DirectTcpSocket() override;

    /// A write at least this long is sent at once (after what the socket holds).
    static constexpr qint64 LargeWriteBytes = 4096;
    /// A socket holds at most this many separate stretches of the arena.
    static constexpr int MaxSpans = 8;
    /// The arena is sent when a pass has written this much.
    static constexpr qsizetype ArenaBytes = 4 * 1024 * 1024;
    /// After a pass, an arena larger than this is given back.
    static constexpr qsizetype KeptArenaBytes = 256 * 1024;

    /// Sends what the arena holds for this socket and what is corked now, rather than when
    /// the pass ends.
    void push();
    /// Bytes in the arena for this socket now (not in Qt's queue: bytesToWrite() does not
    /// count them).
    qint64 pendingBytes() const;
    /// The arena's allocation now (tests: a burst's is given back).
    static qsizetype arenaCapacity();
    /// Pushes first: what is corked must be on its way before the FIN (or the reset that
    /// closing with unread bytes sends, which drops what is still in the kernel).
    void disconnectFromHost() override;
    /// Tells `observer` (or nobody) when bytes begin to wait in Qt's queue, which can
    /// happen when the pass ends, outside any write of its owner's.
    void setBacklogObserver(BacklogObserver *observer) { m_observer = observer; }
    /// The sends and pushes made so far, by every DirectTcpSocket (tests count them).
    static quint64 systemCalls();

protected:
    qint64 writeData(const char *data, qint64 size) override;

private:
    /// Pushes every socket that wrote in the pass.
    static void endPass();
    /// This socket is pushed when the pass ends.
    void endPassLater();
    /// Sends every socket's spans, corked, and empties the arena.
    static void sendArena();
    /// Sends the spans and then `data` in one system call (corked if `more`); what the
    /// kernel refuses, and everything when it cannot be sent, goes to Qt's queue in order.
    bool sendNow(const char *data, qint64 size, bool more);

    struct Span
    {
        quint32 offset;
        quint32 length;
    };
    Span m_spans[MaxSpans]; ///< this pass's bytes in the arena, not yet sent
    int m_spanCount = 0;
    qsizetype m_passIndex = -1; ///< in the list of sockets that wrote in this pass
    bool m_corked = false;
    BacklogObserver *m_observer = nullptr;
};

/**
 * @brief Accepts connections as DirectTcpSocket, for PlainWebSocket (a server in plain ws://
 * mode; TLS sockets are QWebSocketServer's own).
 */
class DirectTcpServer : public QTcpServer
{
    Q_OBJECT

public:
    using QTcpServer::QTcpServer;

protected:
    void incomingConnection(qintptr descriptor) override;
};
