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
        endPassLater();
        if (m_pending.size() + size < PassBufferBytes) {
            m_pending.append(data, size);
            return size;
        }
        // A full buffer leaves now, corked: more may follow in this pass.
        return sendNow(data, size, true) ? size : -1;
    }
#endif
    if (!sendNow(nullptr, 0, false))
        return -1;
    return QTcpSocket::writeData(data, size);
}

bool DirectTcpSocket::sendNow(const char *data, qint64 size, bool more)
{
    const qint64 pending = m_pending.size();
    if (pending + size == 0)
        return true;
    qint64 sent = 0;
#if defined(Q_OS_LINUX)
    if (state() == ConnectedState && QTcpSocket::bytesToWrite() == 0) {
        iovec parts[2]
            = { { m_pending.data(), size_t(pending) }, { const_cast<char *>(data), size_t(size) } };
        msghdr message {};
        message.msg_iov = pending > 0 ? parts : parts + 1;
        message.msg_iovlen = pending > 0 && size > 0 ? 2 : 1;
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
    const qint64 pendingSent = std::min(sent, pending);
    const qint64 dataSent = sent - pendingSent;
    bool ok = pendingSent == pending
        || QTcpSocket::writeData(m_pending.constData() + pendingSent, pending - pendingSent) >= 0;
    if (ok && dataSent < size)
        ok = QTcpSocket::writeData(data + dataSent, size - dataSent) >= 0;
    m_pending = QByteArray(); // its memory goes back: an idle connection keeps none
    return ok;
}

void DirectTcpSocket::push()
{
    if (!m_pending.isEmpty()) {
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
