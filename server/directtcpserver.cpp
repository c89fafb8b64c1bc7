// SPDX-License-Identifier: MIT
#include "directtcpserver.h"

#include "logging.h"

#include <QTimer>

#include <utility>

#if defined(Q_OS_UNIX)
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace {
/// The sockets that wrote in this event-loop pass (null once deleted).
QList<DirectTcpSocket *> s_wroteInPass;
} // namespace

DirectTcpSocket::~DirectTcpSocket()
{
    push(); // QAbstractSocket's destructor closes the descriptor
    if (!m_wroteInPass)
        return;
    if (const qsizetype at = s_wroteInPass.indexOf(this); at >= 0)
        s_wroteInPass[at] = nullptr; // its pass has not ended
}

qint64 DirectTcpSocket::writeData(const char *data, qint64 size)
{
    qint64 sent = 0;
#if defined(Q_OS_LINUX)
    // Only when nothing is queued: bytes must leave in the order they were written.
    if (size > 0 && bytesToWrite() == 0 && state() == ConnectedState) {
        // A socket's first write in a pass leaves at once; later ones are held in the
        // kernel (MSG_MORE) until the pass ends, or a packet is full.
        int flags = MSG_NOSIGNAL | MSG_DONTWAIT;
        if (m_wroteInPass) {
            flags |= MSG_MORE;
            m_corked = true;
        } else {
            m_wroteInPass = true;
            if (s_wroteInPass.isEmpty())
                QTimer::singleShot(0, &DirectTcpSocket::endPass);
            s_wroteInPass.append(this);
        }
        const ssize_t n = ::send(int(socketDescriptor()), data, size_t(size), flags);
        // EAGAIN: the kernel's buffer is full. Another error: Qt's own write below meets
        // it again when it flushes, and reports it as for any socket.
        if (n > 0)
            sent = n;
    }
#endif
    if (sent == size)
        return size;
    const qint64 queued = QTcpSocket::writeData(data + sent, size - sent);
    if (queued < 0)
        return sent > 0 ? sent : queued;
    return sent + queued;
}

void DirectTcpSocket::push()
{
#if defined(Q_OS_LINUX)
    // Setting TCP_NODELAY (already set) sends what MSG_MORE held back.
    if (std::exchange(m_corked, false) && state() == ConnectedState) {
        const int on = 1;
        ::setsockopt(int(socketDescriptor()), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    }
#endif
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
