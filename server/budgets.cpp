// SPDX-License-Identifier: MIT
#include "budgets.h"

#include "logging.h"
#include "serveroptions.h"

#include <QTimer>

#include <algorithm>
#include <limits>

#include <sys/resource.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace {

/// Buckets are looked over for idle ones only when there are many, and not too often.
constexpr qsizetype ForgetAbove = 4096;
constexpr qint64 ForgetEveryMs = 10000;

/// n × factor, held within an int (a rate of "a billion" must not wrap to a negative one).
int times(int n, int factor)
{
    return int(std::min<qint64>(qint64(n) * factor, std::numeric_limits<int>::max()));
}

} // namespace

Budgets::Budgets(const ServerOptions &options)
    : m_options(options)
    , m_requestsPerAddress(options.maxRequestsPerSecondPerAddress > 0
              ? options.maxRequestsPerSecondPerAddress
              : times(options.maxRequestsPerSecond, 4))
    , m_maxConnections(options.maxConnections)
{
    const qint64 fdLimit = fileDescriptorLimit();
    if (fdLimit > 0 && fdLimit - FdHeadroom < m_maxConnections) {
        m_maxConnections = int(std::max<qint64>(1, fdLimit - FdHeadroom));
        qCInfo(lcServer) << "at most" << m_maxConnections << "connections: RLIMIT_NOFILE is"
                         << fdLimit << "and" << FdHeadroom << "descriptors are kept free";
    }
    m_sinceForget.start();
    m_overflowTimer.setSingleShot(true);
    m_overflowTimer.setInterval(0);
    QObject::connect(&m_overflowTimer, &QTimer::timeout, [this] {
        if (queueOverCap() && m_onQueueOverflow)
            m_onQueueOverflow();
    });
}

qint64 Budgets::fileDescriptorLimit()
{
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
        return -1;
    return qint64(limit.rlim_cur);
}

QString Budgets::addressKey(const QHostAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    if (isV4)
        return QHostAddress(v4).toString();
    Q_IPV6ADDR bytes = address.toIPv6Address();
    for (int i = 8; i < 16; ++i)
        bytes[i] = 0;
    return QHostAddress(bytes).toString() + QLatin1String("/64");
}

RateLimiter &Budgets::bucket(
    QHash<QString, RateLimiter> &buckets, const QString &key, int rate, int burst)
{
    forgetIdleBuckets();
    auto it = buckets.find(key);
    if (it == buckets.end())
        it = buckets.insert(key, RateLimiter(rate, burst));
    return *it;
}

void Budgets::forgetIdleBuckets()
{
    const qsizetype total
        = m_requestsByUser.size() + m_requestsByAddress.size() + m_hellosByAddress.size();
    if (total < ForgetAbove || m_sinceForget.elapsed() < ForgetEveryMs)
        return;
    m_sinceForget.restart();
    for (auto *buckets : { &m_requestsByUser, &m_requestsByAddress, &m_hellosByAddress })
        buckets->removeIf(
            [](QHash<QString, RateLimiter>::iterator it) { return it.value().isFull(); });
}

bool Budgets::tryRequest(const QString &userId, const QHostAddress &address)
{
    RateLimiter &user = bucket(
        m_requestsByUser, userId, m_options.maxRequestsPerSecond, m_options.maxRequestsPerSecond);
    if (!user.tryAcquire())
        return false;
    return tryStrayFrame(address);
}

bool Budgets::tryStrayFrame(const QHostAddress &address)
{
    if (address.isNull())
        return true; // an in-memory connection (tests, the fuzzer): no network to protect
    return bucket(
        m_requestsByAddress, addressKey(address), m_requestsPerAddress, m_requestsPerAddress)
        .tryAcquire();
}

bool Budgets::tryHello(const QHostAddress &address)
{
    if (address.isNull())
        return true;
    const int rate = m_options.maxHellosPerSecondPerAddress;
    return bucket(m_hellosByAddress, addressKey(address), rate, times(rate, 3)).tryAcquire();
}

void Budgets::addQueued(qint64 delta)
{
    m_queued += delta;
    // Not in the middle of a fan-out: the connections must not close under it.
    if (delta > 0 && queueOverCap() && m_onQueueOverflow && !m_overflowTimer.isActive())
        m_overflowTimer.start();
}

qint64 Budgets::queueTarget() const
{
    return m_options.maxQueuedBytesTotal / 4 * 3;
}

bool Budgets::queueOverCap() const
{
    return m_options.maxQueuedBytesTotal > 0 && m_queued > m_options.maxQueuedBytesTotal;
}

void Budgets::setQueueOverflowHandler(std::function<void()> handler)
{
    m_onQueueOverflow = std::move(handler);
}

void Budgets::returnFreedMemory()
{
#if defined(__GLIBC__)
    static bool scheduled = false;
    if (scheduled)
        return;
    scheduled = true;
    QTimer::singleShot(0, [] {
        scheduled = false;
        malloc_trim(0);
    });
#endif
}
