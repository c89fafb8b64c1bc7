// SPDX-License-Identifier: MIT
#pragma once

#include <QElapsedTimer>
#include <QTimer>

#include <algorithm>
#include <deque>
#include <functional>
#include <limits>
#include <utility>

/**
 * @brief Deadlines of one length for many things, served by one timer: a timer per
 * connection would cost every connection a QObject and a timer registration.
 *
 * All deadlines run for the same time, so they come due in the order they were set: a FIFO.
 * `expired(key)` is called for each that comes due and was not taken back by remove().
 * remove() searches from the back (usually a recent one); a caller whose keys cannot be
 * found cheaply may leave them instead and check, in `expired`, whether the key still counts.
 */
template<typename Key> class DeadlineQueue
{
public:
    explicit DeadlineQueue(std::function<void(const Key &)> expired)
        : m_expired(std::move(expired))
    {
        m_timer.setSingleShot(true);
        QObject::connect(&m_timer, &QTimer::timeout, [this] { onTimeout(); });
        m_clock.start();
    }
    Q_DISABLE_COPY_MOVE(DeadlineQueue)

    /// Every deadline set from now on runs for `ms`.
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }
    int timeoutMs() const { return m_timeoutMs; }

    void add(const Key &key)
    {
        m_entries.push_back({ m_clock.elapsed() + m_timeoutMs, key });
        if (m_entries.size() == 1)
            schedule();
    }

    /// Takes `key`'s deadline back; false when it has none.
    bool remove(const Key &key)
    {
        const auto it = std::find_if(m_entries.rbegin(), m_entries.rend(),
            [&key](const Entry &entry) { return entry.key == key; });
        if (it == m_entries.rend())
            return false;
        const bool wasFirst = std::next(it) == m_entries.rend();
        m_entries.erase(std::next(it).base());
        if (wasFirst)
            schedule();
        return true;
    }

    std::size_t size() const { return m_entries.size(); }

private:
    struct Entry
    {
        qint64 dueMs; ///< on m_clock
        Key key;
    };

    void schedule()
    {
        if (m_entries.empty()) {
            m_timer.stop();
            return;
        }
        const qint64 due = m_entries.front().dueMs - m_clock.elapsed();
        m_timer.start(int(std::clamp<qint64>(due, 0, std::numeric_limits<int>::max())));
    }

    void onTimeout()
    {
        const qint64 now = m_clock.elapsed();
        while (!m_entries.empty() && m_entries.front().dueMs <= now) {
            const Key key = std::move(m_entries.front().key);
            m_entries.pop_front();
            m_expired(key); // may add or remove deadlines
        }
        schedule();
    }

    std::function<void(const Key &)> m_expired;
    std::deque<Entry> m_entries;
    QTimer m_timer;
    QElapsedTimer m_clock;
    int m_timeoutMs = 0;
};
