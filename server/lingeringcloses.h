// SPDX-License-Identifier: MIT
#pragma once

#include "deadlinequeue.h"

#include <QHash>
#include <QObject>

#include <utility>

class QSocketNotifier;

/**
 * @brief Closes, lingering, the descriptors of connections the server ended: our FIN goes
 * out after everything queued (shutdown(SHUT_WR)), and what the peer still sends is read
 * and dropped until its own FIN, LingerMs or LingerBytes, whichever comes first; then the
 * descriptor is closed.
 *
 * Closed at once with bytes unread — a refused message's rest still arriving, say — a
 * descriptor makes the kernel answer with a reset, and a reset drops what the kernel had
 * not sent yet (our error and close frames, behind a slow link) and, on some systems, what
 * the peer had received but not read. (Linux delivers what it received first; on
 * loopback, nothing is left unsent.)
 *
 * Bounded in total: at most MaxLingering descriptors linger; past that, one is closed at
 * once (as before). One notifier per lingering descriptor, one timer for all.
 */
class LingeringCloses : public QObject
{
    Q_OBJECT

public:
    static constexpr int LingerMs = 2000;
    static constexpr qint64 LingerBytes = 256 * 1024;
    static constexpr int MaxLingering = 4096;

    explicit LingeringCloses(QObject *parent = nullptr);
    /// Closes what still lingers.
    ~LingeringCloses() override;
    Q_DISABLE_COPY_MOVE(LingeringCloses)

    /// Takes `descriptor` (connected; everything we wrote handed to the kernel) and closes
    /// it, lingering (or at once, when MaxLingering already linger).
    void close(int descriptor);
    /// Descriptors lingering now.
    qsizetype count() const { return m_lingering.size(); }

private:
    struct Lingering
    {
        QSocketNotifier *notifier = nullptr;
        quint64 serial = 0; ///< its deadline's: a descriptor's number may come back
        qint64 dropped = 0;
    };
    void onReadable(int descriptor);
    void finish(int descriptor);

    QHash<int, Lingering> m_lingering;
    quint64 m_serial = 0;
    DeadlineQueue<std::pair<int, quint64>> m_deadlines;
};
