// SPDX-License-Identifier: MIT
#include "clusterturnwaits.h"

#include "logging.h"

ClusterTurnWaits::ClusterTurnWaits(Rerun rerun)
    : m_rerun(std::move(rerun))
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(RetryMs);
    QObject::connect(&m_timer, &QTimer::timeout, [this] { retry(); });
}

bool ClusterTurnWaits::queues(ClientConnection *connection) const
{
    return connection != m_running && m_queues.contains(connection);
}

void ClusterTurnWaits::enqueue(ClientConnection *connection, const Protocol::ClientFrame &frame)
{
    m_queues[connection].frames.push_back(frame);
}

bool ClusterTurnWaits::wait(ClientConnection *connection, const Protocol::ClientFrame &frame)
{
    Queue &queue = m_queues[connection];
    if (connection == m_running && queue.headWaited) {
        if (queue.headSince.elapsed() > MaxWaitMs) {
            qCWarning(lcServer) << "a request waited" << queue.headSince.elapsed()
                                << "ms for turns; answering unavailable";
            return false;
        }
    } else {
        queue.headSince.start();
        queue.headWaited = true;
    }
    queue.frames.push_front(frame);
    if (connection == m_running)
        m_runningWaitedAgain = true;
    if (!m_timer.isActive())
        m_timer.start(RetryMs);
    return true;
}

void ClusterTurnWaits::forget(ClientConnection *connection)
{
    m_queues.remove(connection);
}

void ClusterTurnWaits::retrySoon()
{
    if (!m_queues.isEmpty())
        m_timer.start(0);
}

int ClusterTurnWaits::size() const
{
    int count = 0;
    for (const Queue &queue : m_queues)
        count += int(queue.frames.size());
    return count;
}

void ClusterTurnWaits::retry()
{
    const QList<ClientConnection *> connections = m_queues.keys();
    for (ClientConnection *connection : connections) {
        for (;;) {
            auto it = m_queues.find(connection);
            if (it == m_queues.end())
                break; // closed meanwhile
            if (it->frames.empty()) {
                m_queues.erase(it);
                break;
            }
            const Protocol::ClientFrame frame = std::move(it->frames.front());
            it->frames.pop_front();
            m_running = connection;
            m_runningWaitedAgain = false;
            m_rerun(connection, frame);
            m_running = nullptr;
            it = m_queues.find(connection);
            if (it == m_queues.end())
                break;
            if (m_runningWaitedAgain)
                break; // still not its turn: the rest waits behind it
            it->headWaited = false; // the next one is a new head
        }
    }
    if (!m_queues.isEmpty() && !m_timer.isActive())
        m_timer.start(RetryMs);
}
