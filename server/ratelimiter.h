// SPDX-License-Identifier: MIT
#pragma once

#include <QElapsedTimer>

#include <algorithm>

/// @brief A token bucket: `rate` requests a second, bursts up to `burst` (default: `rate`).
class RateLimiter
{
public:
    explicit RateLimiter(int ratePerSecond, int burst = 0)
        : m_rate(ratePerSecond)
        , m_burst(burst > 0 ? burst : ratePerSecond)
        , m_tokens(m_burst)
    {
        m_clock.start();
    }

    /// Takes one token; false when the bucket is empty (the request is refused).
    bool tryAcquire()
    {
        refill();
        if (m_tokens < 1.0)
            return false;
        m_tokens -= 1.0;
        return true;
    }

    /// Full again: nothing taken lately, so the bucket can be forgotten.
    bool isFull()
    {
        refill();
        return m_tokens >= m_burst;
    }

private:
    void refill()
    {
        const qint64 now = m_clock.elapsed();
        m_tokens = std::min<double>(m_burst, m_tokens + (now - m_lastMs) * m_rate / 1000.0);
        m_lastMs = now;
    }

    QElapsedTimer m_clock;
    int m_rate;
    int m_burst;
    double m_tokens;
    qint64 m_lastMs = 0;
};
