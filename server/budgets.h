// SPDX-License-Identifier: MIT
#pragma once

#include "ratelimiter.h"

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QString>
#include <QTimer>

#include <functional>

struct ServerOptions;

/**
 * @brief The budgets every connection draws from together, so that opening more connections
 * buys nothing: requests a second per user (token) and per remote address, hellos a second
 * per address, connections in total (within the file-descriptor limit) and the bytes queued
 * to slow readers across all connections.
 *
 * Frames that are not requests (malformed, binary, sent before hello) are paid for by the
 * address. Buckets that have refilled are forgotten now and then, so a flood of addresses
 * costs memory only while it lasts.
 */
class Budgets
{
public:
    explicit Budgets(const ServerOptions &options);

    /// A request of a signed-in user from this address: the user's budget pays, then the
    /// address's; false as soon as one of them is empty.
    bool tryRequest(const QString &userId, const QHostAddress &address);
    /// A hello from this address.
    bool tryHello(const QHostAddress &address);
    /// A frame that is not a request (malformed, binary, before hello): the address pays.
    bool tryStrayFrame(const QHostAddress &address);
    int requestsPerSecondPerAddress() const { return m_requestsPerAddress; }

    /// Connections the server keeps at most: the option, or fewer when the process's
    /// RLIMIT_NOFILE leaves less than FdHeadroom descriptors beyond them.
    int maxConnections() const { return m_maxConnections; }
    /// Descriptors kept free for what is not a connection: the listener, the storage's files,
    /// connections being refused and handshakes under way.
    static constexpr int FdHeadroom = 64;
    /// The soft RLIMIT_NOFILE of this process (-1: unknown or unlimited).
    static qint64 fileDescriptorLimit();

    /// Bytes queued unsent across all connections changed by `delta`; past the cap the
    /// handler set with setQueueOverflowHandler runs (once per event-loop pass).
    void addQueued(qint64 delta);
    qint64 queuedBytes() const { return m_queued; }
    /// Shedding slow readers stops once the total is back under this (¾ of the cap).
    qint64 queueTarget() const;
    bool queueOverCap() const;
    void setQueueOverflowHandler(std::function<void()> handler);

    /// Hands memory freed by closed backlogs back to the OS (glibc malloc_trim), once per
    /// event-loop pass however often it is asked.
    static void returnFreedMemory();

    /// The budgets' key for an address: IPv4 as is (also when mapped into IPv6), IPv6 by its
    /// /64, which one host can fill with addresses.
    static QString addressKey(const QHostAddress &address);

private:
    RateLimiter &bucket(
        QHash<QString, RateLimiter> &buckets, const QString &key, int rate, int burst);
    void forgetIdleBuckets();

    const ServerOptions &m_options;
    int m_requestsPerAddress;
    int m_maxConnections;
    QHash<QString, RateLimiter> m_requestsByUser;
    QHash<QString, RateLimiter> m_requestsByAddress;
    QHash<QString, RateLimiter> m_hellosByAddress;
    QElapsedTimer m_sinceForget;
    qint64 m_queued = 0;
    /// Runs the overflow handler once the event loop comes round (not inside a fan-out);
    /// a member, so that nothing runs once the budgets are gone.
    QTimer m_overflowTimer;
    std::function<void()> m_onQueueOverflow;
};
