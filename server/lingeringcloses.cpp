// SPDX-License-Identifier: MIT
#include "lingeringcloses.h"

#include <QSocketNotifier>

#include <cerrno>

#include <sys/socket.h>
#include <unistd.h>

LingeringCloses::LingeringCloses(QObject *parent)
    : QObject(parent)
    , m_deadlines([this](const std::pair<int, quint64> &due) {
        const auto found = m_lingering.constFind(due.first);
        if (found != m_lingering.cend() && found->serial == due.second)
            finish(due.first); // the peer did not close in time
    })
{
    m_deadlines.setTimeoutMs(LingerMs);
}

LingeringCloses::~LingeringCloses()
{
    for (auto it = m_lingering.cbegin(); it != m_lingering.cend(); ++it) {
        delete it->notifier;
        ::close(it.key());
    }
}

void LingeringCloses::close(int descriptor)
{
    if (m_lingering.size() >= MaxLingering || m_lingering.contains(descriptor)
        || ::shutdown(descriptor, SHUT_WR) != 0) {
        ::close(descriptor);
        return;
    }
    Lingering &lingering = m_lingering[descriptor];
    lingering.serial = ++m_serial;
    lingering.notifier = new QSocketNotifier(qintptr(descriptor), QSocketNotifier::Read, this);
    connect(lingering.notifier, &QSocketNotifier::activated, this,
        [this, descriptor] { onReadable(descriptor); });
    m_deadlines.add({ descriptor, lingering.serial });
}

void LingeringCloses::onReadable(int descriptor)
{
    const auto found = m_lingering.find(descriptor);
    if (found == m_lingering.end())
        return;
    thread_local char dropped[16 * 1024];
    for (;;) {
        const ssize_t n = ::recv(descriptor, dropped, sizeof dropped, MSG_DONTWAIT);
        if (n > 0) {
            found->dropped += n;
            if (found->dropped <= LingerBytes)
                continue;
            break; // enough: still sending, it gets the reset
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return; // more later, or its FIN
        break; // its FIN, or the connection failed
    }
    finish(descriptor);
}

void LingeringCloses::finish(int descriptor)
{
    const auto found = m_lingering.find(descriptor);
    if (found == m_lingering.end())
        return;
    // Unregistered before the descriptor is closed (its number may be reused at once).
    found->notifier->setEnabled(false);
    found->notifier->deleteLater();
    m_lingering.erase(found);
    ::close(descriptor);
}
