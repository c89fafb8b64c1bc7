// SPDX-License-Identifier: MIT
// helpy-fanout-driver: an in-process SessionServer and 100 in-process QWebSocket clients in
// one session; then exactly one add_participant, fanned out to the 100 (or, with
// `--message --clients 5`, one send_message in a session of 5: a study group's chat). Under
// `valgrind --tool=callgrind --instr-atstart=no` (bench/callgrind.sh) only that fan-out —
// from the actor's send to the 100th receipt — is instrumented, so a regression shows as an
// instruction count that does not depend on machine noise.
#include "sessionserver.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QTimer>
#include <QWebSocket>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#ifdef HELPY_HAVE_CALLGRIND
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_START_INSTRUMENTATION
#define CALLGRIND_STOP_INSTRUMENTATION
#define CALLGRIND_ZERO_STATS
#endif

namespace {

QString json(const QJsonObject &frame)
{
    return QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact));
}

QJsonObject parse(const QString &text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

class Driver : public QObject
{
public:
    Driver(SessionServer *server, int clients, bool message)
        : m_server(server)
        , m_count(clients)
        , m_message(message)
    { }

    void start()
    {
        m_sockets.resize(m_count);
        open(0);
    }

private:
    void open(int index)
    {
        auto *socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
        m_sockets[index] = socket;
        connect(socket, &QWebSocket::connected, this, [this, index] {
            send(index,
                { { QStringLiteral("type"), QStringLiteral("hello") },
                    { QStringLiteral("protocol"), 1 },
                    { QStringLiteral("displayName"), QStringLiteral("Client %1").arg(index) } });
        });
        connect(socket, &QWebSocket::textMessageReceived, this,
            [this, index](const QString &text) { onText(index, text); });
        connect(socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            [this, index](QAbstractSocket::SocketError) {
                std::fprintf(stderr, "helpy-fanout-driver: client %d: %s\n", index,
                    qPrintable(m_sockets[index]->errorString()));
                QCoreApplication::exit(1);
            });
        socket->open(m_server->url());
    }

    void send(int index, const QJsonObject &frame)
    {
        m_sockets[index]->sendTextMessage(json(frame));
    }

    void onText(int index, const QString &text)
    {
        m_lastFrame = std::chrono::steady_clock::now();
        if (m_measuring) {
            // Nothing else is in flight: the 100 events and the actor's ack are all that
            // arrive. Counting them keeps the clients' own work out of the figure; only the
            // actor's answer is looked at (a refusal ends the run instead of hanging it).
            if (index == 0 && text.contains(QLatin1String("\"type\":\"error\""))) {
                std::fprintf(
                    stderr, "helpy-fanout-driver: the add was refused: %s\n", qPrintable(text));
                QCoreApplication::exit(1);
                return;
            }
            if (++m_received == m_count + 1) {
                CALLGRIND_STOP_INSTRUMENTATION;
                m_measuring = false;
                std::printf("fan-out of one %s to %d clients delivered\n",
                    m_message ? "send_message" : "add_participant", m_count);
                QCoreApplication::exit(0);
            }
            return;
        }
        if (!text.contains(QLatin1String("\"type\":\"ack\""))
            && !text.contains(QLatin1String("\"type\":\"welcome\""))
            && !text.contains(QLatin1String("\"type\":\"error\"")))
            return;
        const QJsonObject frame = parse(text);
        const QString type = frame.value(QLatin1String("type")).toString();
        const QString requestId = frame.value(QLatin1String("requestId")).toString();
        if (type == QLatin1String("error")) {
            std::fprintf(stderr, "helpy-fanout-driver: error %s\n", qPrintable(text));
            QCoreApplication::exit(1);
        } else if (type == QLatin1String("welcome") && index == 0) {
            send(0,
                { { QStringLiteral("type"), QStringLiteral("create_session") },
                    { QStringLiteral("requestId"), QStringLiteral("create") },
                    { QStringLiteral("title"), QStringLiteral("Fan-out") } });
        } else if (type == QLatin1String("welcome")) {
            send(index,
                { { QStringLiteral("type"), QStringLiteral("join_session") },
                    { QStringLiteral("requestId"), QStringLiteral("join") },
                    { QStringLiteral("inviteCode"), m_invite } });
        } else if (requestId == QLatin1String("create")) {
            m_sessionId = frame.value(QLatin1String("sessionId")).toString();
            send(0,
                { { QStringLiteral("type"), QStringLiteral("join_session") },
                    { QStringLiteral("requestId"), QStringLiteral("actor-join") },
                    { QStringLiteral("sessionId"), m_sessionId } });
        } else if (requestId == QLatin1String("actor-join")) {
            send(0,
                { { QStringLiteral("type"), QStringLiteral("create_invite") },
                    { QStringLiteral("requestId"), QStringLiteral("invite") },
                    { QStringLiteral("sessionId"), m_sessionId } });
        } else if (requestId == QLatin1String("invite")) {
            m_invite = frame.value(QLatin1String("inviteCode")).toString();
            joined();
        } else if (requestId == QLatin1String("join")) {
            joined();
        }
    }

    void joined()
    {
        if (++m_joined < m_count) {
            open(m_joined); // one at a time: the setup is not measured
            return;
        }
        // Let the joins' fan-out drain (no frame for 500 ms), then measure exactly one change.
        auto *poll = new QTimer(this);
        connect(poll, &QTimer::timeout, this, [this, poll] {
            if (std::chrono::steady_clock::now() - m_lastFrame < std::chrono::milliseconds(500))
                return;
            poll->stop();
            const QString frame = m_message
                ? json({ { QStringLiteral("type"), QStringLiteral("send_message") },
                    { QStringLiteral("requestId"), QStringLiteral("message") },
                    { QStringLiteral("sessionId"), m_sessionId },
                    { QStringLiteral("text"), QStringLiteral("Can we go over question 3?") } })
                : json({ { QStringLiteral("type"), QStringLiteral("add_participant") },
                    { QStringLiteral("requestId"), QStringLiteral("add") },
                    { QStringLiteral("sessionId"), m_sessionId },
                    { QStringLiteral("participantType"), QStringLiteral("helpy") },
                    { QStringLiteral("displayName"), QStringLiteral("Helpy tutor") } });
            m_measuring = true;
            CALLGRIND_ZERO_STATS;
            CALLGRIND_START_INSTRUMENTATION;
            m_sockets[0]->sendTextMessage(frame);
        });
        poll->start(50);
    }

    SessionServer *m_server;
    int m_count;
    bool m_message;
    std::vector<QWebSocket *> m_sockets;
    int m_joined = 0;
    int m_received = 0;
    bool m_measuring = false;
    QString m_sessionId;
    QString m_invite;
    std::chrono::steady_clock::time_point m_lastFrame = std::chrono::steady_clock::now();
};

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("helpy.*.info=false"));
    ServerOptions options;
    options.heartbeatSeconds = 0; // no pings inside the measured window
    options.maxRequestsPerSecond = 1'000'000;
    options.maxHellosPerSecondPerAddress = 1'000'000; // every driver client is on 127.0.0.1
    SessionServer server(options);
    if (!server.listen()) {
        std::fprintf(
            stderr, "helpy-fanout-driver: cannot listen: %s\n", qPrintable(server.errorString()));
        return 1;
    }
    int clients = 100;
    bool message = false;
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i < args.size(); ++i) {
        if (args.at(i) == QLatin1String("--message"))
            message = true;
        else if (args.at(i) == QLatin1String("--clients") && i + 1 < args.size())
            clients = std::max(1, args.at(++i).toInt());
        else {
            std::fprintf(stderr, "usage: helpy-fanout-driver [--message] [--clients N]\n");
            return 2;
        }
    }
    Driver driver(&server, clients, message);
    QTimer::singleShot(0, &driver, [&driver] { driver.start(); });
    QTimer::singleShot(600'000, &app, [] {
        std::fprintf(stderr, "helpy-fanout-driver: timed out\n");
        QCoreApplication::exit(1);
    });
    return app.exec();
}
