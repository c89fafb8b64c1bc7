// SPDX-License-Identifier: MIT
#include "directtcpserver.h"

#include "logging.h"

#include <QSocketNotifier>
#include <QTimer>

#include <algorithm>
#include <cerrno>
#include <utility>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef MSG_MORE
#define MSG_MORE 0 // Linux's: elsewhere each send goes out as it is
#endif
#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0
#endif

namespace {
/// The sockets that wrote in this event-loop pass (null once deleted).
QList<DirectTcpSocket *> s_wroteInPass;
/// The bytes they wrote, not yet sent: each socket's spans point into it.
QByteArray s_arena;
quint64 s_systemCalls = 0;

bool wouldBlock(int error)
{
    return error == EAGAIN || error == EWOULDBLOCK || error == EINTR;
}
} // namespace

DirectTcpSocket::DirectTcpSocket(qintptr descriptor, QObject *parent)
    : QObject(parent)
    , m_descriptor(int(descriptor))
{
    sockaddr_storage peer {};
    socklen_t length = sizeof peer;
    if (::getpeername(m_descriptor, reinterpret_cast<sockaddr *>(&peer), &length) == 0) {
        m_peerAddress.setAddress(reinterpret_cast<const sockaddr *>(&peer));
        if (peer.ss_family == AF_INET6) {
            m_peerPort = ntohs(reinterpret_cast<const sockaddr_in6 *>(&peer)->sin6_port);
            // A dual-stack listener's IPv4 peer, as Qt names it: 1.2.3.4, not ::ffff:1.2.3.4.
            bool isIPv4 = false;
            const quint32 ipv4 = m_peerAddress.toIPv4Address(&isIPv4);
            if (isIPv4)
                m_peerAddress.setAddress(ipv4);
        } else {
            m_peerPort = ntohs(reinterpret_cast<const sockaddr_in *>(&peer)->sin_port);
        }
    }
    ::fcntl(m_descriptor, F_SETFL, ::fcntl(m_descriptor, F_GETFL) | O_NONBLOCK);
    const int on = 1;
    ::setsockopt(m_descriptor, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    m_readNotifier = new QSocketNotifier(qintptr(m_descriptor), QSocketNotifier::Read, this);
    connect(m_readNotifier, &QSocketNotifier::activated, this, &DirectTcpSocket::readyRead);
}

DirectTcpSocket::~DirectTcpSocket()
{
    if (m_state != State::Gone) {
        push();
        closeNow();
    }
    if (m_passIndex >= 0)
        s_wroteInPass[m_passIndex] = nullptr; // its pass has not ended
}

qint64 DirectTcpSocket::read(char *data, qint64 size)
{
    if (m_state == State::Gone)
        return -1;
    for (;;) {
        const ssize_t n = ::recv(m_descriptor, data, size_t(size), MSG_DONTWAIT);
        if (n > 0)
            return n;
        if (n < 0 && wouldBlock(errno)) {
            if (errno == EINTR)
                continue;
            return 0;
        }
        break; // 0: the peer closed; otherwise the connection failed
    }
    abort();
    return -1;
}

void DirectTcpSocket::endPassLater()
{
    if (m_passIndex >= 0)
        return;
    if (s_wroteInPass.isEmpty())
        QTimer::singleShot(0, &DirectTcpSocket::endPass);
    m_passIndex = s_wroteInPass.size();
    s_wroteInPass.append(this);
}

bool DirectTcpSocket::write(QByteArrayView bytes)
{
    if (m_state != State::Connected || m_failing)
        return false;
    if (bytes.isEmpty())
        return true;
    const char *data = bytes.data();
    const qint64 size = bytes.size();
    // Only when nothing is queued: bytes must leave in the order they were written.
    if (bytesToWrite() == 0) {
        endPassLater();
        if (size >= LargeWriteBytes || m_spanCount == MaxSpans)
            return sendNow(data, size, true); // corked: more may follow
        const qsizetype offset = s_arena.size();
        s_arena.append(data, size);
        Span *last = m_spanCount > 0 ? &m_spans[m_spanCount - 1] : nullptr;
        if (last && last->offset + last->length == offset)
            last->length += quint32(size); // a frame's payload after its header
        else
            m_spans[m_spanCount++] = { quint32(offset), quint32(size) };
        if (s_arena.size() >= ArenaBytes)
            sendArena();
        return true;
    }
    if (!sendNow(nullptr, 0, false))
        return false;
    enqueue(data, size);
    return true;
}

bool DirectTcpSocket::sendNow(const char *data, qint64 size, bool more)
{
    if (m_spanCount == 0 && size == 0)
        return true;
    iovec parts[MaxSpans + 1];
    int count = 0;
    for (int i = 0; i < m_spanCount; ++i)
        parts[count++] = { s_arena.data() + m_spans[i].offset, m_spans[i].length };
    if (size > 0)
        parts[count++] = { const_cast<char *>(data), size_t(size) };
    m_spanCount = 0;
    if (m_state == State::Gone || m_failing)
        return false;
    const bool wasQueueEmpty = bytesToWrite() == 0;
    qint64 sent = 0;
    if (wasQueueEmpty) {
        msghdr message {};
        message.msg_iov = parts;
        message.msg_iovlen = size_t(count);
        ++s_systemCalls;
        // Without MSG_MORE, what earlier sends of the pass corked leaves with it.
        const ssize_t n = ::sendmsg(
            m_descriptor, &message, MSG_NOSIGNAL | MSG_DONTWAIT | (more ? MSG_MORE : 0));
        if (n < 0 && !wouldBlock(errno)) {
            failLater();
            return false;
        }
        sent = std::max<qint64>(0, n); // EAGAIN: the kernel's buffer is full
        m_corked = more;
    }
    // What the kernel did not take waits in the queue, in order.
    for (int i = 0; i < count; ++i) {
        const auto length = qint64(parts[i].iov_len);
        const qint64 skip = std::min(sent, length);
        sent -= skip;
        if (skip < length)
            enqueue(static_cast<const char *>(parts[i].iov_base) + skip, length - skip);
    }
    if (wasQueueEmpty && m_observer && bytesToWrite() > 0)
        m_observer->backlogStarted();
    return true;
}

void DirectTcpSocket::enqueue(const char *data, qint64 size)
{
    if (bytesToWrite() == 0) {
        m_queue.clear();
        m_queueOffset = 0;
    }
    m_queue.append(data, size);
    if (!m_writeNotifier) {
        m_writeNotifier = new QSocketNotifier(qintptr(m_descriptor), QSocketNotifier::Write, this);
        connect(m_writeNotifier, &QSocketNotifier::activated, this, &DirectTcpSocket::onWritable);
    }
    m_writeNotifier->setEnabled(true);
}

void DirectTcpSocket::onWritable()
{
    flush();
}

void DirectTcpSocket::flush()
{
    if (m_state == State::Gone || m_failing || bytesToWrite() == 0)
        return;
    const ssize_t n = ::send(m_descriptor, m_queue.constData() + m_queueOffset,
        size_t(bytesToWrite()), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
        if (!wouldBlock(errno))
            failLater();
        return;
    }
    m_queueOffset += n;
    if (bytesToWrite() == 0) {
        m_queue = QByteArray(); // a backlog's memory goes back as soon as it is out
        m_queueOffset = 0;
        m_writeNotifier->setEnabled(false);
    } else if (m_queueOffset >= 1024 * 1024 && m_queueOffset > m_queue.size() / 2) {
        m_queue.remove(0, m_queueOffset);
        m_queueOffset = 0;
    }
    if (n > 0)
        Q_EMIT bytesWritten(n);
    if (m_state == State::Closing && bytesToWrite() == 0) {
        closeNow(true);
        Q_EMIT disconnected();
    }
}

void DirectTcpSocket::push()
{
    if (m_spanCount > 0) {
        sendNow(nullptr, 0, false);
        return;
    }
    // Setting TCP_NODELAY (already set) sends what MSG_MORE held back.
    if (std::exchange(m_corked, false) && m_state != State::Gone) {
        const int on = 1;
        ++s_systemCalls;
        ::setsockopt(m_descriptor, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    }
}

qint64 DirectTcpSocket::pendingBytes() const
{
    qint64 bytes = 0;
    for (int i = 0; i < m_spanCount; ++i)
        bytes += m_spans[i].length;
    return bytes;
}

quint64 DirectTcpSocket::systemCalls()
{
    return s_systemCalls;
}

qsizetype DirectTcpSocket::arenaCapacity()
{
    return s_arena.capacity();
}

void DirectTcpSocket::setSendBufferSize(int bytes)
{
    ::setsockopt(m_descriptor, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof bytes);
}

void DirectTcpSocket::disconnectFromHost()
{
    if (m_state != State::Connected)
        return;
    push();
    if (m_state == State::Gone)
        return;
    m_state = State::Closing;
    m_readNotifier->setEnabled(false);
    if (bytesToWrite() == 0 && !m_failing) {
        closeNow(true);
        Q_EMIT disconnected();
    }
    // Otherwise the queue goes out first (flush() closes then), or the failure cuts it.
}

void DirectTcpSocket::abort()
{
    if (m_state == State::Gone)
        return;
    closeNow();
    Q_EMIT disconnected();
}

void DirectTcpSocket::failLater()
{
    if (std::exchange(m_failing, true))
        return;
    m_spanCount = 0;
    if (m_writeNotifier)
        m_writeNotifier->setEnabled(false);
    // Not now: the failed send may be in the middle of a fan-out, which must not see a
    // connection go under it.
    QMetaObject::invokeMethod(this, &DirectTcpSocket::abort, Qt::QueuedConnection);
}

void DirectTcpSocket::closeNow(bool linger)
{
    m_state = State::Gone;
    m_spanCount = 0;
    m_corked = false;
    m_queue = QByteArray();
    m_queueOffset = 0;
    // Unregistered before the descriptor is closed (its number may be reused at once).
    m_readNotifier->setEnabled(false);
    if (m_writeNotifier)
        m_writeNotifier->setEnabled(false);
    if (linger && m_lingeringCloses)
        m_lingeringCloses->close(m_descriptor);
    else
        ::close(m_descriptor);
}

void DirectTcpSocket::sendArena()
{
    // The pass wrote ArenaBytes: what each socket holds leaves now, corked, so that the
    // memory a pass holds stays bounded; the pushes wait for the pass's end.
    for (DirectTcpSocket *socket : std::as_const(s_wroteInPass)) {
        if (socket && socket->m_spanCount > 0)
            socket->sendNow(nullptr, 0, true);
    }
    s_arena.resize(0);
}

void DirectTcpSocket::endPass()
{
    const QList<DirectTcpSocket *> sockets = std::exchange(s_wroteInPass, {});
    for (DirectTcpSocket *socket : sockets) {
        if (!socket)
            continue;
        socket->m_passIndex = -1;
        socket->push();
    }
    // Kept for the next pass, unless a burst made it large.
    if (s_arena.capacity() > KeptArenaBytes)
        s_arena = QByteArray();
    else
        s_arena.resize(0);
}

DirectTcpSocket *DirectTcpServer::takeSocket()
{
    return m_accepted.isEmpty() ? nullptr : m_accepted.takeFirst();
}

void DirectTcpServer::incomingConnection(qintptr descriptor)
{
    auto *socket = new DirectTcpSocket(descriptor, this);
    socket->setLingeringCloses(&m_lingeringCloses);
    m_accepted.append(socket);
    Q_EMIT socketAccepted();
}
