// SPDX-License-Identifier: MIT
#pragma once

#include "metrics.h"
#include "sessionserver.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QSocketNotifier>
#include <QTest>
#include <QTimer>
#include <QUrl>

#include <cstdio>

/// The options of a test's cluster node: short heartbeats, no grace, generous rate limits.
inline ServerOptions nodeOptions(const QString &redisUrl, const QString &nodeId)
{
    ServerOptions options;
    options.redisUrl = redisUrl;
    options.nodeId = nodeId;
    options.heartbeatSeconds = 1; // presence keys live 3 s
    options.presenceGraceSeconds = 0;
    options.maxRequestsPerSecond = 10000;
    return options;
}

/**
 * `TEST --serve-node REDIS_URL NODE_ID`: runs one node, prints its port, serves until
 * killed. A line on its stdin asks for its Prometheus metrics (printed, then `END`), and
 * `test_longest_stall_ms`: the longest its event loop went without running a 5 ms timer
 * (a synchronous Redis call, the turn wait, or the OS not scheduling it).
 * Returns -1 when the arguments ask for something else (run the tests).
 */
inline int serveNodeIfAsked(int argc, char *argv[])
{
    if (argc != 4 || qstrcmp(argv[1], "--serve-node") != 0)
        return -1;
    QCoreApplication app(argc, argv);
    SessionServer node(nodeOptions(QString::fromUtf8(argv[2]), QString::fromUtf8(argv[3])));
    if (!node.listen())
        return 1;
    QElapsedTimer sinceTick;
    qint64 longestStallMs = 0;
    QTimer tick;
    QObject::connect(&tick, &QTimer::timeout, &app,
        [&] { longestStallMs = std::max(longestStallMs, sinceTick.restart()); });
    sinceTick.start();
    tick.start(5);
    std::printf("%d\n", int(node.port()));
    std::fflush(stdout);
    QSocketNotifier input(0, QSocketNotifier::Read);
    QObject::connect(&input, &QSocketNotifier::activated, &app, [&] {
        char line[64];
        if (!std::fgets(line, sizeof line, stdin)) {
            input.setEnabled(false); // the test went away
            return;
        }
        std::fputs(node.metrics().exposition().constData(), stdout);
        std::printf("test_longest_stall_ms %lld\n", longestStallMs);
        std::puts("END");
        std::fflush(stdout);
    });
    return app.exec();
}

/// A node in a child process (the test executable with --serve-node): its own event loop.
class NodeProcess
{
public:
    ~NodeProcess() { kill(); }
    bool start(const QString &redisUrl, const QString &nodeId)
    {
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.start(QCoreApplication::applicationFilePath(),
            { QStringLiteral("--serve-node"), redisUrl, nodeId });
        if (!QTest::qWaitFor([this] { return m_process.canReadLine(); }, 10000))
            return false;
        m_port = quint16(m_process.readLine().trimmed().toUInt());
        return m_port != 0;
    }
    void kill()
    {
        m_process.kill();
        m_process.waitForFinished(2000);
    }
    /// The sum of the node's helpy_requests_total samples whose labels contain `label`.
    qint64 requests(const QByteArray &label) { return sum("helpy_requests_total{", label); }
    /// The longest the node's event loop stalled so far (see serveNodeIfAsked).
    qint64 longestStallMs() { return sum("test_longest_stall_ms", {}); }

private:
    /// The sum of the samples whose line starts with `name` and contains `label`.
    qint64 sum(const QByteArray &name, const QByteArray &label)
    {
        m_process.write("metrics\n");
        qint64 sum = 0;
        for (;;) {
            if (!QTest::qWaitFor([this] { return m_process.canReadLine(); }, 5000))
                return -1;
            const QByteArray line = m_process.readLine().trimmed();
            if (line == "END")
                return sum;
            if (line.startsWith(name) && line.contains(label))
                sum += line.mid(line.lastIndexOf(' ') + 1).toLongLong();
        }
    }

public:
    QUrl url() const { return QUrl(QStringLiteral("ws://127.0.0.1:%1/v1").arg(m_port)); }

private:
    QProcess m_process;
    quint16 m_port = 0;
};
