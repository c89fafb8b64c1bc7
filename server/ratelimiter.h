// SPDX-License-Identifier: MIT
#pragma once

#include <QElapsedTimer>

#include <algorithm>

/// @brief A token bucket: `rate` requests a second, bursts up to `rate`.
class RateLimiter
{
public:
    explicit RateLimiter(int ratePerSecond)
        : m_rate(ratePerSecond)
        , m_tokens(ratePerSecond)
    {
        m_clock.start();
    }

    /// Takes one token; false when the bucket is empty (the request is refused).
    bool tryAcquire()
    {
        const qint64 now = m_clock.elapsed();
        m_tokens = std::min<double>(m_rate, m_tokens + (now - m_lastMs) * m_rate / 1000.0);
        m_lastMs = now;
        if (m_tokens < 1.0)
            return false;
        m_tokens -= 1.0;
        return true;
    }

private:
    QElapsedTimer m_clock;
    int m_rate;
    double m_tokens;
    qint64 m_lastMs = 0;
};
