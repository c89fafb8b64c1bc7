// SPDX-License-Identifier: MIT
#include "directtcpserver.h"

#include "logging.h"

#include <QTimer>

#include <algorithm>
#include <cstring>
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
quint64 s_systemCalls = 0;
} // namespace

DirectTcpSocket::~DirectTcpSocket()
{
    push(); // QAbstractSocket's destructor closes the descriptor
    if (!m_inPassList)
        return;
    if (const qsizetype at = s_wroteInPass.indexOf(this); at >= 0)
        s_wroteInPass[at] = nullptr; // its pass has not ended
}

void DirectTcpSocket::endPassLater()
{
    if (std::exchange(m_inPassList, true))
        return;
    if (s_wroteInPass.isEmpty())
        QTimer::singleShot(0, &DirectTcpSocket::endPass);
    s_wroteInPass.append(this);
}

qint64 DirectTcpSocket::writeData(const char *data, qint64 size)
{
#if defined(Q_OS_LINUX)
    // Only when nothing is queued: bytes must leave in the order they were written.
    if (size > 0 && QTcpSocket::bytesToWrite() == 0 && state() == ConnectedState) {
        if (m_heldSize == 0 && size <= qint64(sizeof m_held)) {
            // A frame's header (QWebSocket writes it apart from its payload): it leaves
            // with the next write, in one system call and one packet, or when the pass ends.
            memcpy(m_held, data, size_t(size));
            m_heldSize = int(size);
            endPassLater();
            return size;
        }
        // A socket's first write in a pass leaves at once; later ones are held in the
        // kernel (MSG_MORE) until the pass ends, or a packet is full.
        int flags = MSG_NOSIGNAL | MSG_DONTWAIT;
        if (m_wroteInPass) {
            flags |= MSG_MORE;
            m_corked = true;
        }
        m_wroteInPass = true;
        endPassLater();
        iovec parts[2]
            = { { m_held, size_t(m_heldSize) }, { const_cast<char *>(data), size_t(size) } };
        msghdr message {};
        message.msg_iov = m_heldSize > 0 ? parts : parts + 1;
        message.msg_iovlen = m_heldSize > 0 ? 2 : 1;
        ++s_systemCalls;
        const ssize_t n = ::sendmsg(int(socketDescriptor()), &message, flags);
        // EAGAIN: the kernel's buffer is full. Another error: Qt's own write below meets
        // it again when it flushes, and reports it as for any socket.
        const qint64 sent = std::max<qint64>(0, n);
        const qint64 heldSent = std::min<qint64>(sent, m_heldSize);
        const qint64 dataSent = sent - heldSent;
        if (heldSent < m_heldSize
            && QTcpSocket::writeData(m_held + heldSent, m_heldSize - heldSent) < 0) {
            m_heldSize = 0;
            return -1;
        }
        m_heldSize = 0;
        if (dataSent == size)
            return size;
        const qint64 queued = QTcpSocket::writeData(data + dataSent, size - dataSent);
        if (queued < 0)
            return dataSent > 0 ? dataSent : queued;
        return dataSent + queued;
    }
#endif
    if (!queueHeld())
        return -1;
    return QTcpSocket::writeData(data, size);
}

bool DirectTcpSocket::queueHeld()
{
    const int held = std::exchange(m_heldSize, 0);
    return held == 0 || QTcpSocket::writeData(m_held, held) == held;
}

void DirectTcpSocket::push()
{
#if defined(Q_OS_LINUX)
    if (m_heldSize > 0 && state() == ConnectedState) {
        // Sent without MSG_MORE: what was corked leaves with it.
        const int held = std::exchange(m_heldSize, 0);
        const ssize_t n
            = ::send(int(socketDescriptor()), m_held, size_t(held), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n == held) {
            m_corked = false;
            return;
        }
        const int sent = int(std::max<ssize_t>(0, n));
        QTcpSocket::writeData(m_held + sent, held - sent); // behind nothing: Qt's queue was empty
    }
    // Setting TCP_NODELAY (already set) sends what MSG_MORE held back.
    if (std::exchange(m_corked, false) && state() == ConnectedState) {
        const int on = 1;
        ++s_systemCalls;
        ::setsockopt(int(socketDescriptor()), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    }
#endif
    m_heldSize = 0;
}

quint64 DirectTcpSocket::systemCalls()
{
    return s_systemCalls;
}

void DirectTcpSocket::disconnectFromHost()
{
    push();
    QTcpSocket::disconnectFromHost();
}

void DirectTcpSocket::endPass()
{
    const QList<DirectTcpSocket *> sockets = std::exchange(s_wroteInPass, {});
    for (DirectTcpSocket *socket : sockets) {
        if (!socket)
            continue;
        socket->m_inPassList = false;
        socket->m_wroteInPass = false;
        socket->push();
    }
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
