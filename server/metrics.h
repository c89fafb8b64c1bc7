// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

#include <array>
#include <atomic>
#include <functional>

/**
 * @brief A fixed-bucket histogram: observing is O(1) (a walk over a dozen bounds, no
 * allocation), so it may sit on the path of every event.
 */
class Histogram
{
public:
    /// Upper bounds in seconds, shared by the server's timings: 50 µs … 2.5 s.
    static constexpr std::array<double, 12> Bounds { 0.00005, 0.0001, 0.00025, 0.0005, 0.001,
        0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 2.5 };

    void observe(double seconds);
    quint64 count() const { return m_count; }
    double sum() const { return m_sum; }
    /// Prometheus text for this histogram under `name` (cumulative buckets, +Inf, sum, count).
    void write(QByteArray &out, const char *name) const;

private:
    std::array<quint64, Bounds.size() + 1> m_buckets {}; ///< the last one: above every bound
    quint64 m_count = 0;
    double m_sum = 0;
};

/**
 * @brief The server's Prometheus metrics: counters and histograms the parts of the server
 * bump as things happen (O(1) each), gauges read when scraped, and their text exposition.
 *
 * One instance per server, owned by ServerCore and reachable from every part through it
 * (ServerCore::metrics(), HandlerContext::metrics()). Used on the server's thread, except
 * the Helpy counters, which are atomic so that a tutor runtime may count from any thread.
 * The names are listed in docs/operations.md.
 */
class ServerMetrics
{
public:
    ServerMetrics() = default;
    Q_DISABLE_COPY_MOVE(ServerMetrics)

    /// Why a request or frame was refused by a budget (label `budget` of helpy_rate_limited_total).
    enum class Budget { Request, Hello, StrayFrame };

    /// helpy_requests_total{type,outcome}: outcome is "ok", an error code ("forbidden") or
    /// "replayed" (a retry answered as before).
    void countRequest(const QString &type, const QString &outcome);
    /// helpy_events_published_total: an event committed and queued for its followers.
    void countEventPublished() { ++m_eventsPublished; }
    /// helpy_deliveries_total and helpy_fanout_seconds: one event written to `deliveries`
    /// connections, from the first write to the last in `seconds`.
    void observeFanout(qint64 deliveries, double seconds);
    /// helpy_commit_seconds: one durable commit of the store (SQLite or Redis).
    void observeCommit(double seconds) { m_commit.observe(seconds); }
    /// helpy_sync_seconds: one sync making commits durable (SQLite: its writer thread).
    void observeSync(double seconds) { m_sync.observe(seconds); }
    /// helpy_slow_readers_closed_total: a connection closed with 1013 for its backlog.
    void countSlowReaderClosed() { ++m_slowReadersClosed; }
    /// helpy_rate_limited_total{budget}.
    void countRateLimited(Budget budget) { ++m_rateLimited[int(budget)]; }
    /// helpy_helpy_answers_total: a Helpy tutor answered in a session.
    void countHelpyAnswer() { m_helpyAnswers.fetch_add(1, std::memory_order_relaxed); }
    /// helpy_helpy_failures_total: a Helpy tutor could not answer (backend error, timeout).
    void countHelpyFailure() { m_helpyFailures.fetch_add(1, std::memory_order_relaxed); }

    /// A gauge read at each scrape (connections, sessions, queued bytes): the reader must be
    /// cheap, a stored number or a size.
    void addGauge(const char *name, const char *help, std::function<double()> read);

    /// The Prometheus text exposition (format 0.0.4) of every metric.
    QByteArray exposition() const;

    quint64 eventsPublished() const { return m_eventsPublished; }
    quint64 deliveries() const { return m_deliveries; }
    quint64 requests(const QString &type, const QString &outcome) const;

private:
    struct Gauge
    {
        const char *name;
        const char *help;
        std::function<double()> read;
    };

    QHash<QString, quint64> m_requests; ///< "type\toutcome": a few dozen keys at most
    quint64 m_eventsPublished = 0;
    quint64 m_deliveries = 0;
    Histogram m_fanout;
    Histogram m_commit;
    Histogram m_sync;
    quint64 m_slowReadersClosed = 0;
    std::array<quint64, 3> m_rateLimited {};
    std::atomic<quint64> m_helpyAnswers { 0 };
    std::atomic<quint64> m_helpyFailures { 0 };
    QList<Gauge> m_gauges;
};
