// SPDX-License-Identifier: MIT
#include "clientconnection.h"

#include "budgets.h"
#include "logging.h"
#include "loopclock.h"

namespace {
quint64 s_pass = 1;
bool s_passEndScheduled = false;
} // namespace

quint64 ClientConnection::currentPass()
{
    // A pass ends when the event loop has run everything queued so far.
    if (!s_passEndScheduled) {
        s_passEndScheduled = true;
        QTimer::singleShot(0, [] {
            ++s_pass;
            s_passEndScheduled = false;
        });
    }
    return s_pass;
}

ClientConnection::ClientConnection(
    FrameSocket *socket, qint64 maxPendingBytes, int graceMs, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_address(socket->peerAddress())
    , m_maxPendingBytes(maxPendingBytes)
    , m_graceMs(graceMs)
{
    m_socket->setParent(this);
    m_lastTraffic.start();
}

ClientConnection::~ClientConnection()
{
    m_socket->disconnect(this);
    if (m_direct)
        m_direct->setBacklogObserver(nullptr);
    if (m_budgets)
        m_budgets->addQueued(-m_metered);
}

void ClientConnection::meterBacklog(Budgets *budgets)
{
    m_budgets = budgets;
    // On ws://, bytesWritten is connected once there is a backlog to watch (a connection
    // costs an idle peer's memory); the socket says when one begins. On wss://, at once.
    m_direct = m_socket->direct();
    if (m_direct)
        m_direct->setBacklogObserver(this);
    else
        watchWrites();
    updateBacklog();
}

void ClientConnection::watchWrites()
{
    if (std::exchange(m_watchingWrites, true))
        return;
    connect(m_socket, &FrameSocket::bytesWritten, this, &ClientConnection::onBytesWritten);
}

void ClientConnection::onBytesWritten()
{
    updateBacklog();
    // A busy peer's pong may sit behind a backlog of our frames. While we have a backlog,
    // the kernel only takes more bytes when the peer acknowledges some: that is traffic.
    // (Without one, a write says nothing: the kernel buffers it for a dead peer too.)
    if (m_socket->bytesToWrite() > 0)
        markAlive();
}

void ClientConnection::updateBacklog()
{
    if (!m_budgets)
        return;
    const qint64 now = pendingBytes();
    if (now > m_heldBytes) // bytes in the socket's queue
        watchWrites();
    const qint64 delta = now - std::exchange(m_metered, now);
    if (delta != 0)
        m_budgets->addQueued(delta);
}

void ClientConnection::setLoopClock(const LoopClock *clock)
{
    m_loopClock = clock;
    m_stalledAtTraffic = clock ? clock->stalledMs() : 0;
}

void ClientConnection::markAlive()
{
    m_lastTraffic.restart();
    m_stalledAtTraffic = m_loopClock ? m_loopClock->stalledMs() : 0;
}

ClientConnection::Now ClientConnection::now(const LoopClock *clock)
{
    QElapsedTimer now;
    now.start();
    return { now.msecsSinceReference(), clock ? clock->stalledMs() : 0 };
}

qint64 ClientConnection::silentForMs() const
{
    return silentForMs(now(m_loopClock));
}

qint64 ClientConnection::silentForMs(const Now &now) const
{
    const qint64 stalled = m_loopClock ? now.stalledMs - m_stalledAtTraffic : 0;
    const qint64 elapsed = now.sinceReferenceMs - m_lastTraffic.msecsSinceReference();
    return std::max<qint64>(0, elapsed - stalled);
}

QString ClientConnection::peer() const
{
    const QString peer = m_socket->peerAddress().toString() + QLatin1Char(':')
        + QString::number(m_socket->peerPort());
    if (m_address == m_socket->peerAddress())
        return peer;
    return m_address.toString() + QStringLiteral(" via ") + peer;
}

void ClientConnection::send(const QString &text)
{
    if (m_held.isEmpty())
        transmit(text);
    else
        hold(0, text);
}

void ClientConnection::sendWhenDurable(quint64 ticket, const QString &text)
{
    hold(ticket, text);
}

void ClientConnection::hold(quint64 ticket, const QString &text)
{
    if (m_overloaded)
        return;
    const auto bytes = qint64(text.size()) * qint64(sizeof(QChar));
    if (shedIfOverBudget(bytes)) {
        dropHeld();
        return;
    }
    m_held.append({ ticket, text });
    m_heldBytes += bytes;
    updateBacklog();
}

bool ClientConnection::shedIfOverBudget(qint64 adding)
{
    if (pendingBytes() + adding <= m_maxPendingBytes)
        return false;
    qCInfo(lcServer) << peer() << userId << "has" << pendingBytes()
                     << "bytes unread or held for a sync; closing it with 1013";
    shed(m_graceMs);
    return true;
}

bool ClientConnection::releaseHeld(quint64 durable)
{
    qsizetype due = 0;
    while (due < m_held.size() && m_held.at(due).ticket <= durable)
        ++due;
    if (due == 0)
        return m_held.isEmpty(); // dropped meanwhile (shed): nothing left to wait for
    // Taken out first: a frame written may find the peer gone, and nothing may change the
    // list under the loop.
    const QList<Held> released = m_held.first(due);
    m_held = due == m_held.size() ? QList<Held>() : m_held.sliced(due);
    for (const Held &held : released) {
        m_heldBytes -= qint64(held.text.size()) * qint64(sizeof(QChar));
        transmit(held.text);
    }
    updateBacklog(); // also when the frames found the connection closed
    return m_held.isEmpty();
}

void ClientConnection::dropHeld()
{
    m_held = {};
    m_heldBytes = 0;
    updateBacklog();
}

void ClientConnection::transmit(const QString &text)
{
    if (m_overloaded || !m_socket->isOpen() || shedIfOverBudget(0))
        return;
    const bool wasIdle = m_socket->bytesToWrite() == 0;
    m_socket->sendTextMessage(text);
    // Qt writes to the kernel only when the event loop comes round, so a fan-out to N
    // would leave only once all N frames are queued. Hand an idle connection's first frame
    // of this pass to the kernel at once (early recipients get it while later frames are
    // still being queued); later frames of the pass are batched by the loop, so a burst
    // costs no system call per frame, unless a batch reaches FlushThresholdBytes.
    const quint64 pass = currentPass();
    if ((wasIdle && m_flushedInPass != pass) || m_socket->bytesToWrite() >= FlushThresholdBytes) {
        m_flushedInPass = pass;
        m_socket->flush();
    }
    updateBacklog();
}

void ClientConnection::ping()
{
    if (!m_overloaded && m_socket->isOpen())
        m_socket->ping();
}

void ClientConnection::shed(int abortAfterMs)
{
    m_overloaded = true;
    // The close frame queues behind the backlog; a peer that never reads is cut later.
    m_socket->close(QWebSocketProtocol::CloseCode(1013), QStringLiteral("try again later"));
    abortAfter(abortAfterMs);
}

void ClientConnection::abortAfter(int ms)
{
    if (!m_abortTimer) {
        m_abortTimer = std::make_unique<QTimer>();
        m_abortTimer->setSingleShot(true);
        connect(m_abortTimer.get(), &QTimer::timeout, this, [this] {
            m_socket->abort();
            updateBacklog();
        });
    }
    m_abortTimer->start(ms);
}

void ClientConnection::closeWith(QWebSocketProtocol::CloseCode code, const QString &reason)
{
    m_socket->close(code, reason);
}
