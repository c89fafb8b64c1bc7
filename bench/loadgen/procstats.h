// SPDX-License-Identifier: MIT
// What helpy-loadgen reads about a process: memory and CPU time from /proc, and the
// server's own fan-out histogram from its Prometheus endpoint.
#pragma once

#include <QString>
#include <QtGlobal>

#include <chrono>
#include <map>

namespace loadgen {

using Clock = std::chrono::steady_clock;

/// One steady clock for every thread of the load generator.
inline qint64 nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
        .count();
}

/// VmRSS and VmHWM of a process in KiB (0 when unreadable).
struct Memory
{
    qint64 rssKb = 0;
    qint64 hwmKb = 0;
};

Memory readMemory(qint64 pid);
/// Resets the kernel's peak-RSS mark (VmHWM) so that the next reading is this phase's peak.
bool resetPeak(qint64 pid);
/// User + system CPU seconds a process has used.
double cpuSeconds(qint64 pid);
/// User + system CPU seconds of this process (all its threads).
double selfCpuSeconds();

/// Cumulative bucket counts of a Prometheus histogram, by upper bound (+Inf as infinity).
struct Buckets
{
    std::map<double, double> cumulative;
    bool ok = false;
};

/**
 * Reads histogram `name` from http://HOST:PORT/metrics (blocking, at most `timeoutMs`).
 * ok is false when the endpoint did not answer or has no such histogram.
 */
Buckets scrapeHistogram(const QString &hostPort, const QByteArray &name, int timeoutMs = 3000);

/// The observations between two scrapes: after − before, bucket by bucket.
Buckets difference(const Buckets &after, const Buckets &before);
/// The q-quantile of a histogram (linear within the bucket that holds it), in seconds;
/// negative when it is empty.
double quantile(const Buckets &buckets, double q);
/// How many observations a histogram holds.
double observations(const Buckets &buckets);

} // namespace loadgen
