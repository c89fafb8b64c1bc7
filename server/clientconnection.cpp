// SPDX-License-Identifier: MIT
#include "clientconnection.h"

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
    QWebSocket *socket, int requestsPerSecond, qint64 maxPendingBytes, QObject *parent)
    : QObject(parent)
    , rateLimiter(requestsPerSecond)
    , m_socket(socket)
    , m_maxPendingBytes(maxPendingBytes)
{
    m_socket->setParent(this);
    helloTimer.setSingleShot(true);
    m_lastTraffic.start();
}

ClientConnection::~ClientConnection()
{
    m_socket->disconnect(this);
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

qint64 ClientConnection::silentForMs() const
{
    const qint64 stalled = m_loopClock ? m_loopClock->stalledMs() - m_stalledAtTraffic : 0;
    return std::max<qint64>(0, m_lastTraffic.elapsed() - stalled);
}

QString ClientConnection::peer() const
{
    return m_socket->peerAddress().toString() + QLatin1Char(':')
        + QString::number(m_socket->peerPort());
}

void ClientConnection::send(const QString &text)
{
    if (m_overloaded || m_socket->state() != QAbstractSocket::ConnectedState)
        return;
    if (m_socket->bytesToWrite() > m_maxPendingBytes) {
        m_overloaded = true;
        qCInfo(lcServer) << peer() << userId << "has" << m_socket->bytesToWrite()
                         << "bytes unread; closing it with 1013";
        // The close frame queues behind the backlog; a peer that never reads is cut later.
        m_socket->close(QWebSocketProtocol::CloseCode(1013), QStringLiteral("try again later"));
        QTimer::singleShot(10000, m_socket, &QWebSocket::abort);
        return;
    }
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
}

void ClientConnection::closeWith(QWebSocketProtocol::CloseCode code, const QString &reason)
{
    m_socket->close(code, reason);
}
