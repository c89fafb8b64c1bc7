// SPDX-License-Identifier: MIT
// helpy-clusterbench (issue 13): N nodes (child processes of this program) on one
// redis-server of its own, clients spread over them round-robin, one session or many; every
// client sends its changes at once. Prints one markdown row: acked changes/s, delivery p99
// (send → each follower's client), Redis commands (round trips) per change.
//
//   helpy-clusterbench --nodes 2 --sessions 1 --clients 40 --changes 20
#include "serveroptions.h"
#include "sessionserver.h"
#include "websocketservice.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QHash>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>

#include <algorithm>
#include <cstdio>
#include <memory>

using namespace Protocol;

namespace {

bool waitFor(const std::function<bool()> &done, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 20);
    }
    return true;
}

QByteArray redisInfoField(quint16 port, const QByteArray &field)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(1000))
        return {};
    socket.write("INFO stats\r\n");
    QByteArray answer;
    while (socket.waitForReadyRead(500))
        answer += socket.readAll();
    for (const QByteArray &line : answer.split('\n')) {
        if (line.startsWith(field + ':'))
            return line.mid(field.size() + 1).trimmed();
    }
    return {};
}

int serveNode(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    ServerOptions options;
    options.redisUrl = QString::fromUtf8(argv[2]);
    options.nodeId = QString::fromUtf8(argv[3]);
    options.maxRequestsPerSecond = 100000;
    options.maxHellosPerSecondPerAddress = 10000; // every client comes from 127.0.0.1
    SessionServer node(options);
    if (!node.listen())
        return 1;
    std::printf("%d\n", int(node.port()));
    std::fflush(stdout);
    return app.exec();
}

} // namespace

int main(int argc, char *argv[])
{
    if (argc == 4 && qstrcmp(argv[1], "--serve-node") == 0)
        return serveNode(argc, argv);
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption nodesOption(u"nodes"_qs, u"Nodes."_qs, u"N"_qs, u"1"_qs);
    const QCommandLineOption sessionsOption(u"sessions"_qs, u"Sessions."_qs, u"S"_qs, u"1"_qs);
    const QCommandLineOption clientsOption(u"clients"_qs, u"Clients."_qs, u"C"_qs, u"40"_qs);
    const QCommandLineOption changesOption(
        u"changes"_qs, u"Messages per client."_qs, u"K"_qs, u"20"_qs);
    parser.addOptions({ nodesOption, sessionsOption, clientsOption, changesOption });
    parser.process(app);
    const int nodeCount = parser.value(nodesOption).toInt();
    const int sessionCount = parser.value(sessionsOption).toInt();
    const int clientCount = std::max(sessionCount, parser.value(clientsOption).toInt());
    const int changes = parser.value(changesOption).toInt();

    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    const quint16 redisPort = probe.serverPort();
    probe.close();
    QProcess redis;
    redis.start(QStandardPaths::findExecutable(u"redis-server"_qs),
        { u"--port"_qs, QString::number(redisPort), u"--bind"_qs, u"127.0.0.1"_qs, u"--save"_qs,
            QString(), u"--appendonly"_qs, u"no"_qs });
    if (!waitFor([&] { return !redisInfoField(redisPort, "total_commands_processed").isEmpty(); },
            10000)) {
        std::fprintf(stderr, "redis-server did not start\n");
        return 1;
    }
    const QString redisUrl = u"redis://127.0.0.1:%1"_qs.arg(redisPort);
    std::vector<std::unique_ptr<QProcess>> nodes;
    QList<QUrl> urls;
    for (int i = 0; i < nodeCount; ++i) {
        auto node = std::make_unique<QProcess>();
        node->start(QCoreApplication::applicationFilePath(),
            { u"--serve-node"_qs, redisUrl, u"bench%1"_qs.arg(i + 1) });
        if (!waitFor([&] { return node->canReadLine(); }, 10000)) {
            std::fprintf(stderr, "node %d did not start\n", i + 1);
            return 1;
        }
        urls << QUrl(u"ws://127.0.0.1:%1/v1"_qs.arg(node->readLine().trimmed().toInt()));
        nodes.push_back(std::move(node));
    }

    // Clients; client i < S creates session i, the others join session i % S by invite.
    std::vector<std::unique_ptr<WebSocketService>> clients;
    for (int i = 0; i < clientCount; ++i) {
        clients.push_back(std::make_unique<WebSocketService>());
        bool welcomed = false;
        QObject::connect(clients.back().get(), &WebSocketService::welcomed,
            [&welcomed](const Welcome &) { welcomed = true; });
        clients.back()->connectToServer(urls.at(i % nodeCount), u"c%1"_qs.arg(i));
        if (!waitFor([&] { return welcomed; }, 10000)) {
            std::fprintf(stderr, "client %d got no welcome\n", i);
            return 1;
        }
    }
    QStringList sessionIds, codes;
    for (int s = 0; s < sessionCount; ++s) {
        std::optional<WebSocketService::Reply> created, invited;
        clients[size_t(s)]->createSession(u"bench"_qs, [&](auto r) { created = r; });
        waitFor([&] { return created.has_value(); }, 10000);
        sessionIds << resultOf<CreateSessionResult>(created->ack)->sessionId;
        clients[size_t(s)]->joinSession(sessionIds.last());
        clients[size_t(s)]->createInvite(sessionIds.last(), [&](auto r) { invited = r; });
        waitFor([&] { return invited.has_value(); }, 10000);
        codes << resultOf<CreateInviteResult>(invited->ack)->inviteCode;
    }
    for (int i = sessionCount; i < clientCount; ++i) {
        std::optional<WebSocketService::Reply> joined;
        clients[size_t(i)]->joinByInvite(codes.at(i % sessionCount), [&](auto r) { joined = r; });
        waitFor([&] { return joined.has_value(); }, 10000);
    }

    QElapsedTimer clock;
    clock.start();
    QHash<QString, qint64> sentAt; // text → ms
    QList<qint64> latencies;
    for (auto &client : clients) {
        QObject::connect(
            client.get(), &WebSocketService::messageReceived, [&](const MessageEvent &event) {
                const auto it = sentAt.constFind(event.message.text);
                if (it != sentAt.cend())
                    latencies << clock.elapsed() - *it;
            });
    }
    const qint64 commandsBefore
        = redisInfoField(redisPort, "total_commands_processed").toLongLong();
    int acked = 0, failed = 0;
    const qint64 start = clock.elapsed();
    for (int i = 0; i < clientCount; ++i) {
        for (int k = 0; k < changes; ++k) {
            const QString text = u"c%1 #%2"_qs.arg(i).arg(k);
            sentAt.insert(text, clock.elapsed());
            clients[size_t(i)]->sendMessage(sessionIds.at(i % sessionCount), text,
                [&](const WebSocketService::Reply &r) { r.ok ? ++acked : ++failed; });
        }
    }
    const int total = clientCount * changes;
    waitFor([&] { return acked + failed == total; }, 120000);
    const double seconds = double(clock.elapsed() - start) / 1000.0;
    const int followersPerSession = clientCount / sessionCount;
    waitFor([&] { return latencies.size() >= qsizetype(total) * followersPerSession; }, 10000);
    const qint64 commands
        = redisInfoField(redisPort, "total_commands_processed").toLongLong() - commandsBefore;
    std::sort(latencies.begin(), latencies.end());
    const qint64 p99 = latencies.isEmpty() ? -1 : latencies.at(latencies.size() * 99 / 100);
    std::printf("| %d | %d | %d | %d | %.0f | %lld | %.1f | %d |\n", nodeCount, sessionCount,
        clientCount, total, acked / seconds, p99, double(commands) / std::max(1, acked), failed);
    for (auto &node : nodes) {
        node->kill();
        node->waitForFinished(2000);
    }
    redis.kill();
    redis.waitForFinished(2000);
    return failed == 0 ? 0 : 2;
}
