// SPDX-License-Identifier: MIT
#include "loopclock.h"

#include "logging.h"

LoopClock::LoopClock(int tickMs)
    : m_tickMs(std::max(1, tickMs))
{
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(m_tickMs);
    QObject::connect(&m_timer, &QTimer::timeout, [this] { tick(); });
}

void LoopClock::start()
{
    if (m_timer.isActive())
        return;
    if (!m_clock.isValid())
        m_clock.start();
    m_lastTickMs = m_clock.elapsed();
    m_timer.start();
}

void LoopClock::stop()
{
    if (m_timer.isActive())
        m_stalledMs += pendingStallMs(m_clock.elapsed());
    m_timer.stop();
}

qint64 LoopClock::pendingStallMs(qint64 now) const
{
    if (!m_timer.isActive())
        return 0;
    const qint64 late = now - m_lastTickMs - m_tickMs;
    return late > JitterMs ? late : 0;
}

qint64 LoopClock::stalledMs() const
{
    return m_clock.isValid() ? m_stalledMs + pendingStallMs(m_clock.elapsed()) : 0;
}

void LoopClock::tick()
{
    const qint64 now = m_clock.elapsed();
    const qint64 stall = pendingStallMs(now);
    if (stall >= ReportedStallMs)
        qCWarning(lcServer) << "the event loop stalled for" << stall
                            << "ms; peers' silence during it is not held against them";
    m_stalledMs += stall;
    m_lastTickMs = now;
}
