// SPDX-License-Identifier: MIT
#pragma once

#include <QRandomGenerator>

#include <algorithm>

/**
 * @brief Exponential backoff with full jitter: attempt n waits a uniform random time in
 * [0, min(cap, base·2ⁿ)], the first attempt included, so that clients dropped together
 * (a server restart, a Wi-Fi outage) do not come back together.
 */
class Backoff
{
public:
    explicit Backoff(int baseMs = 500, int capMs = 30000, quint32 seed = 0)
        : m_baseMs(baseMs)
        , m_capMs(capMs)
        , m_random(seed ? seed : QRandomGenerator::global()->generate())
    { }

    /// The ceiling of the next delay (before jitter).
    int ceilingMs() const
    {
        const qint64 ceiling = qint64(m_baseMs) << std::min(m_attempt, 20);
        return int(std::min<qint64>(ceiling, m_capMs));
    }

    /// The delay before the next attempt; each call counts as one more attempt.
    int nextDelayMs()
    {
        const int delay = int(m_random.bounded(quint32(ceilingMs()) + 1));
        ++m_attempt;
        return delay;
    }

    int attempt() const { return m_attempt; }
    void reset() { m_attempt = 0; }

private:
    int m_baseMs;
    int m_capMs;
    int m_attempt = 0;
    QRandomGenerator m_random;
};
