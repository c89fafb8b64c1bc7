// SPDX-License-Identifier: MIT
#include "directtcpserver.h"

#include "logging.h"

#include <QTimer>

#include <algorithm>
#include <utility>

#if defined(Q_OS_UNIX)
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#endif

namespace {
/// The sockets that wrote in this event-loop pass (null once deleted).
QList<DirectTcpSocket *> s_wroteInPass;
/// The bytes they wrote, not yet sent: each socket's spans point into it.
QByteArray s_arena;
quint64 s_systemCalls = 0;
} // namespace

DirectTcpSocket::~DirectTcpSocket()
{
    push(); // QAbstractSocket's destructor closes the descriptor
    if (m_passIndex >= 0)
        s_wroteInPass[m_passIndex] = nullptr; // its pass has not ended
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

qint64 DirectTcpSocket::writeData(const char *data, qint64 size)
{
#if defined(Q_OS_LINUX)
    // Only when nothing is queued: bytes must leave in the order they were written.
    if (size > 0 && QTcpSocket::bytesToWrite() == 0 && state() == ConnectedState) {
        endPassLater();
        if (size >= LargeWriteBytes || m_spanCount == MaxSpans)
            return sendNow(data, size, true) ? size : -1; // corked: more may follow
        const qsizetype offset = s_arena.size();
        s_arena.append(data, size);
        Span *last = m_spanCount > 0 ? &m_spans[m_spanCount - 1] : nullptr;
        if (last && last->offset + last->length == offset)
            last->length += quint32(size); // a frame's payload after its header
        else
            m_spans[m_spanCount++] = { quint32(offset), quint32(size) };
        if (s_arena.size() >= ArenaBytes)
            sendArena();
        return size;
    }
#endif
    if (!sendNow(nullptr, 0, false))
        return -1;
    return QTcpSocket::writeData(data, size);
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
    const bool wasQueueEmpty = QTcpSocket::bytesToWrite() == 0;
    qint64 sent = 0;
#if defined(Q_OS_LINUX)
    if (state() == ConnectedState && wasQueueEmpty) {
        msghdr message {};
        message.msg_iov = parts;
        message.msg_iovlen = size_t(count);
        ++s_systemCalls;
        // Without MSG_MORE, what earlier sends of the pass corked leaves with it.
        const ssize_t n = ::sendmsg(
            int(socketDescriptor()), &message, MSG_NOSIGNAL | MSG_DONTWAIT | (more ? MSG_MORE : 0));
        // EAGAIN: the kernel's buffer is full. Another error: Qt's own write below meets
        // it again when it flushes, and reports it as for any socket.
        sent = std::max<qint64>(0, n);
        m_corked = more;
    }
#endif
    // What the kernel did not take waits in Qt's queue, in order.
    for (int i = 0; i < count; ++i) {
        const auto length = qint64(parts[i].iov_len);
        const qint64 skip = std::min(sent, length);
        sent -= skip;
        if (skip < length
            && QTcpSocket::writeData(
                   static_cast<const char *>(parts[i].iov_base) + skip, length - skip)
                < 0)
            return false;
    }
    if (wasQueueEmpty && m_observer && QTcpSocket::bytesToWrite() > 0)
        m_observer->backlogStarted();
    return true;
}

void DirectTcpSocket::push()
{
    if (m_spanCount > 0) {
        sendNow(nullptr, 0, false);
        return;
    }
#if defined(Q_OS_LINUX)
    // Setting TCP_NODELAY (already set) sends what MSG_MORE held back.
    if (std::exchange(m_corked, false) && state() == ConnectedState) {
        const int on = 1;
        ++s_systemCalls;
        ::setsockopt(int(socketDescriptor()), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    }
#endif
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

void DirectTcpSocket::disconnectFromHost()
{
    push();
    QTcpSocket::disconnectFromHost();
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

void DirectTcpServer::incomingConnection(qintptr descriptor)
{
    auto *socket = new DirectTcpSocket(this);
    if (!socket->setSocketDescriptor(descriptor)) {
        qCWarning(lcServer) << "cannot take an accepted connection:" << socket->errorString();
        delete socket;
#if defined(Q_OS_UNIX)
        ::close(int(descriptor));
#endif
        return;
    }
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    addPendingConnection(socket);
}
