// SPDX-License-Identifier: MIT
#pragma once

#include <QElapsedTimer>
#include <QTimer>

/**
 * @brief How long the event loop of this thread was stalled: by a long commit, a swap storm,
 * a debugger, a VM pause. Liveness counts only time the server was running its loop, so
 * that our own stall is not taken for the silence of the peers we were not reading.
 *
 * A timer ticks every tickMs; a tick that comes late by more than a little means the loop
 * was not running meanwhile, and the lateness is added up. A stall still going on (or just
 * ended, its late tick not yet run) counts as well, so whoever asks first after a stall —
 * the heartbeat, say — already sees it.
 */
class LoopClock
{
public:
    static constexpr int DefaultTickMs = 100;
    /// Lateness up to this is ordinary timer jitter and load, not a stall.
    static constexpr int JitterMs = 50;
    /// A stall this long is logged.
    static constexpr int ReportedStallMs = 1000;

    explicit LoopClock(int tickMs = DefaultTickMs);
    Q_DISABLE_COPY_MOVE(LoopClock)

    void start();
    void stop();
    bool isRunning() const { return m_timer.isActive(); }
    int tickMs() const { return m_tickMs; }

    /// Milliseconds the loop was stalled since start(), the stall in progress included.
    qint64 stalledMs() const;

private:
    void tick();
    /// How much of the time since the last tick is a stall.
    qint64 pendingStallMs(qint64 now) const;

    int m_tickMs;
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastTickMs = 0;
    qint64 m_stalledMs = 0;
};
