// SPDX-License-Identifier: MIT
#include "procstats.h"

#include <QFile>
#include <QList>
#include <QTcpSocket>

#include <cmath>
#include <limits>

#include <sys/resource.h>
#include <unistd.h>

namespace loadgen {

Memory readMemory(qint64 pid)
{
    Memory memory;
    if (pid <= 0)
        return memory;
    QFile file(QStringLiteral("/proc/%1/status").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return memory;
    const QList<QByteArray> lines = file.readAll().split('\n');
    for (const QByteArray &line : lines) {
        const auto value
            = [&line] { return line.mid(6).trimmed().split(' ').value(0).toLongLong(); };
        if (line.startsWith("VmRSS:"))
            memory.rssKb = value();
        else if (line.startsWith("VmHWM:"))
            memory.hwmKb = value();
    }
    return memory;
}

bool resetPeak(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/clear_refs").arg(pid));
    return pid > 0 && file.open(QIODevice::WriteOnly) && file.write("5") == 1;
}

double cpuSeconds(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (pid <= 0 || !file.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray stat = file.readAll();
    // Fields after the ")" closing the command name: state is field 3, utime 14, stime 15.
    const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return 0;
    return double(fields.at(11).toLongLong() + fields.at(12).toLongLong())
        / double(sysconf(_SC_CLK_TCK));
}

double selfCpuSeconds()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

Buckets scrapeHistogram(const QString &hostPort, const QByteArray &name, int timeoutMs)
{
    Buckets buckets;
    const qsizetype colon = hostPort.lastIndexOf(u':');
    if (colon <= 0)
        return buckets;
    QTcpSocket socket;
    socket.connectToHost(hostPort.left(colon), quint16(hostPort.mid(colon + 1).toUInt()));
    if (!socket.waitForConnected(timeoutMs))
        return buckets;
    socket.write("GET /metrics HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n");
    QByteArray response;
    // The endpoint answers one request and closes the connection.
    while (socket.state() == QAbstractSocket::ConnectedState && socket.waitForReadyRead(timeoutMs))
        response += socket.readAll();
    response += socket.readAll();
    const QByteArray prefix = name + "_bucket{le=\"";
    for (const QByteArray &line : response.split('\n')) {
        if (!line.startsWith(prefix))
            continue;
        const qsizetype close = line.indexOf('"', prefix.size());
        const QByteArray bound = line.mid(prefix.size(), close - prefix.size());
        bool ok = false;
        const double count = line.mid(line.lastIndexOf(' ') + 1).trimmed().toDouble(&ok);
        if (!ok)
            continue;
        const double upper
            = bound == "+Inf" ? std::numeric_limits<double>::infinity() : bound.toDouble();
        buckets.cumulative[upper] = count;
        buckets.ok = true;
    }
    return buckets;
}

Buckets difference(const Buckets &after, const Buckets &before)
{
    Buckets result;
    result.ok = after.ok && before.ok;
    for (const auto &[upper, count] : after.cumulative) {
        const auto it = before.cumulative.find(upper);
        result.cumulative[upper] = count - (it == before.cumulative.end() ? 0 : it->second);
    }
    return result;
}

double observations(const Buckets &buckets)
{
    return buckets.cumulative.empty() ? 0 : buckets.cumulative.rbegin()->second;
}

double quantile(const Buckets &buckets, double q)
{
    const double total = observations(buckets);
    if (total <= 0)
        return -1;
    const double rank = q * total;
    double lower = 0;
    double below = 0;
    for (const auto &[upper, count] : buckets.cumulative) {
        if (count >= rank) {
            if (std::isinf(upper))
                return lower; // above the last bound: the bound is all we know
            const double inBucket = count - below;
            return inBucket > 0 ? lower + (upper - lower) * (rank - below) / inBucket : upper;
        }
        lower = upper;
        below = count;
    }
    return lower;
}

} // namespace loadgen
