// SPDX-License-Identifier: MIT
#include "metrics.h"

#include <QLocale>
#include <QStringList>

namespace {

void header(QByteArray &out, const char *name, const char *type, const char *help)
{
    out += "# HELP ";
    out += name;
    out += ' ';
    out += help;
    out += "\n# TYPE ";
    out += name;
    out += ' ';
    out += type;
    out += '\n';
}

/// A number as Prometheus reads it: the shortest text that reads back as the same double.
QByteArray number(double value)
{
    return QByteArray::number(value, 'g', QLocale::FloatingPointShortest);
}

/// A label value escaped as the text format asks (backslash, quote, newline).
QByteArray labelValue(const QString &value)
{
    QByteArray utf8 = value.toUtf8();
    utf8.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    return utf8;
}

void counter(QByteArray &out, const char *name, const char *help, quint64 value)
{
    header(out, name, "counter", help);
    out += name;
    out += ' ';
    out += QByteArray::number(value);
    out += '\n';
}

constexpr std::array<const char *, 3> BudgetNames { "request", "hello", "stray_frame" };

} // namespace

void Histogram::observe(double seconds)
{
    qsizetype bucket = 0;
    while (bucket < qsizetype(Bounds.size()) && seconds > Bounds[bucket])
        ++bucket;
    ++m_buckets[bucket];
    ++m_count;
    m_sum += seconds;
}

void Histogram::write(QByteArray &out, const char *name) const
{
    quint64 cumulative = 0;
    for (qsizetype i = 0; i <= qsizetype(Bounds.size()); ++i) {
        cumulative += m_buckets[i];
        out += name;
        out += "_bucket{le=\"";
        out += i < qsizetype(Bounds.size()) ? number(Bounds[i]) : QByteArray("+Inf");
        out += "\"} ";
        out += QByteArray::number(cumulative);
        out += '\n';
    }
    out += name;
    out += "_sum ";
    out += number(m_sum);
    out += '\n';
    out += name;
    out += "_count ";
    out += QByteArray::number(m_count);
    out += '\n';
}

void ServerMetrics::countRequest(const QString &type, const QString &outcome)
{
    ++m_requests[type + QLatin1Char('\t') + outcome];
}

void ServerMetrics::observeFanout(qint64 deliveries, double seconds)
{
    m_deliveries += quint64(deliveries);
    m_fanout.observe(seconds);
}

void ServerMetrics::addGauge(const char *name, const char *help, std::function<double()> read)
{
    m_gauges.append({ name, help, std::move(read) });
}

quint64 ServerMetrics::requests(const QString &type, const QString &outcome) const
{
    return m_requests.value(type + QLatin1Char('\t') + outcome);
}

QByteArray ServerMetrics::exposition() const
{
    QByteArray out;
    out.reserve(4096);
    for (const Gauge &gauge : m_gauges) {
        header(out, gauge.name, "gauge", gauge.help);
        out += gauge.name;
        out += ' ';
        out += number(gauge.read());
        out += '\n';
    }

    header(out, "helpy_requests_total", "counter",
        "Requests answered, by frame type and outcome (ok, an error code, or replayed).");
    QStringList keys = m_requests.keys();
    keys.sort(); // a stable order: scrapes diff cleanly
    for (const QString &key : std::as_const(keys)) {
        const qsizetype tab = key.indexOf(QLatin1Char('\t'));
        out += "helpy_requests_total{type=\"";
        out += labelValue(key.left(tab));
        out += "\",outcome=\"";
        out += labelValue(key.mid(tab + 1));
        out += "\"} ";
        out += QByteArray::number(m_requests.value(key));
        out += '\n';
    }

    counter(out, "helpy_events_published_total",
        "Events committed and queued for the followers of their session.", m_eventsPublished);
    counter(out, "helpy_deliveries_total", "Event frames written to connections.", m_deliveries);
    header(out, "helpy_fanout_seconds", "histogram",
        "Time from the first to the last write of one event to its followers.");
    m_fanout.write(out, "helpy_fanout_seconds");
    header(out, "helpy_commit_seconds", "histogram",
        "Time of one durable commit of the store (SQLite or Redis).");
    m_commit.write(out, "helpy_commit_seconds");
    header(out, "helpy_sync_seconds", "histogram",
        "Time until commits are durable (SQLite: its writer thread writes and fsyncs them).");
    m_sync.write(out, "helpy_sync_seconds");
    counter(out, "helpy_slow_readers_closed_total",
        "Connections closed with 1013 for the backlog they left unread.", m_slowReadersClosed);

    header(out, "helpy_rate_limited_total", "counter",
        "Requests, hellos and stray frames refused by a rate budget, by budget.");
    for (qsizetype i = 0; i < qsizetype(BudgetNames.size()); ++i) {
        out += "helpy_rate_limited_total{budget=\"";
        out += BudgetNames[i];
        out += "\"} ";
        out += QByteArray::number(m_rateLimited[i]);
        out += '\n';
    }

    counter(out, "helpy_helpy_answers_total", "Answers Helpy tutors gave.",
        m_helpyAnswers.load(std::memory_order_relaxed));
    counter(out, "helpy_helpy_failures_total", "Helpy tutor answers that failed.",
        m_helpyFailures.load(std::memory_order_relaxed));
    return out;
}
