// SPDX-License-Identifier: MIT
// helpy-loadgen: fan-out latency, throughput and server memory of one group session.
//
// Opens N WebSocket clients on one thread, all in one session (client 0, the actor,
// creates it and an invite; the others join by the invite), then runs phases in which the
// actor makes R changes — roster (add_participant / remove_participant of a helpy) or chat
// (send_message) — at a fixed rate or at full speed. For every recipient (all N clients,
// the actor included) it records the time from the actor's send to the receipt, on one
// steady clock. The same program, unchanged, drives helpy-server and the peer relays;
// with --protocol socketio every frame travels as the Socket.IO event 42["frame",{...}].
//
// One thread on purpose (STYLE rule 4): on the 2-core bench machine the server needs the
// other core; docs/performance.md reports the generator's own CPU use so that a run where
// the generator, not the server, was the bottleneck can be recognised.
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>
#include <QWebSocket>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

namespace {

using Clock = std::chrono::steady_clock;

qint64 nowNs()
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

/// Resets the kernel's peak-RSS mark (VmHWM) so that the next reading is this burst's peak.
bool resetPeak(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/clear_refs").arg(pid));
    return pid > 0 && file.open(QIODevice::WriteOnly) && file.write("5") == 1;
}

/// User + system CPU seconds a process has used.
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

struct Phase
{
    QString scenario; ///< "roster" or "chat"
    double rate = 0; ///< changes a second; 0: full speed (all at once)
    int changes = 0;
};

struct Client
{
    int index = 0;
    QWebSocket *socket = nullptr;
    bool ready = false;
};

class LoadGen : public QObject
{
public:
    LoadGen(QUrl url, bool socketio, int clients, QList<Phase> phases, qint64 serverPid,
        int setupTimeoutS)
        : m_url(std::move(url))
        , m_socketio(socketio)
        , m_clientCount(clients)
        , m_phases(std::move(phases))
        , m_serverPid(serverPid)
        , m_setupTimeoutS(setupTimeoutS)
    {
        m_tick.setTimerType(Qt::PreciseTimer);
        connect(&m_tick, &QTimer::timeout, this, [this] { onTick(); });
    }

    void start()
    {
        m_setupStartNs = nowNs();
        m_clients.resize(m_clientCount);
        for (int i = 0; i < m_clientCount; ++i)
            m_clients[i].index = i;
        QTimer::singleShot(m_setupTimeoutS * 1000, this, [this] {
            if (m_stage == Stage::Setup)
                fail(QStringLiteral("setup did not finish in %1 s (%2 of %3 clients ready)")
                         .arg(m_setupTimeoutS)
                         .arg(m_ready)
                         .arg(m_clientCount));
        });
        open(m_clients[0]); // the actor first: it creates the session and the invite
    }

private:
    enum class Stage { Setup, Settling, Running, Done };

    static constexpr int ConnectWindow = 50; ///< handshakes in flight (listen backlogs are small)

    // ------------------------------------------------------------ wire

    void open(Client &client)
    {
        client.socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
        client.socket->setMaxAllowedIncomingMessageSize(512 * 1024 * 1024);
        client.socket->setMaxAllowedIncomingFrameSize(512 * 1024 * 1024);
        const int index = client.index;
        connect(client.socket, &QWebSocket::connected, this, [this, index] {
            if (!m_socketio)
                hello(m_clients[index]);
        });
        connect(client.socket, &QWebSocket::textMessageReceived, this,
            [this, index](const QString &text) { onText(m_clients[index], text); });
        connect(client.socket, &QWebSocket::disconnected, this, [this, index] {
            if (m_stage != Stage::Done)
                fail(QStringLiteral("client %1 disconnected: %2")
                         .arg(index)
                         .arg(m_clients[index].socket->closeReason()));
        });
        connect(client.socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            [this, index](QAbstractSocket::SocketError) {
                if (m_stage != Stage::Done)
                    fail(QStringLiteral("client %1: %2")
                             .arg(index)
                             .arg(m_clients[index].socket->errorString()));
            });
        ++m_opened;
        client.socket->open(m_url);
    }

    void send(Client &client, const QJsonObject &frame)
    {
        sendText(client, QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact)));
    }

    void sendText(Client &client, const QString &json)
    {
        if (m_socketio)
            client.socket->sendTextMessage(QStringLiteral("42[\"frame\",") + json + u']');
        else
            client.socket->sendTextMessage(json);
    }

    void hello(Client &client)
    {
        send(client,
            { { QStringLiteral("type"), QStringLiteral("hello") },
                { QStringLiteral("protocol"), 1 },
                { QStringLiteral("displayName"), QStringLiteral("Bench %1").arg(client.index) } });
    }

    /// The frame's JSON object (setup only: measured frames are never parsed).
    QJsonObject parse(const QString &text) const
    {
        if (!m_socketio)
            return QJsonDocument::fromJson(text.toUtf8()).object();
        const QJsonArray array = QJsonDocument::fromJson(text.mid(2).toUtf8()).array();
        return array.at(1).toObject();
    }

    void onText(Client &client, const QString &text)
    {
        m_lastFrameNs = nowNs();
        if (m_socketio && !text.startsWith(QLatin1String("42"))) {
            if (text == QLatin1String("2")) // Engine.IO ping: answer pong
                client.socket->sendTextMessage(QStringLiteral("3"));
            else if (text.startsWith(u'0')) // Engine.IO open: connect to namespace "/"
                client.socket->sendTextMessage(QStringLiteral("40"));
            else if (text.startsWith(QLatin1String("40"))) // namespace joined
                hello(client);
            return;
        }
        const bool isAck = text.contains(QLatin1String("\"type\":\"ack\""));
        if (m_stage == Stage::Running && !isAck) {
            const qsizetype at = text.indexOf(QLatin1String("bmk"));
            if (at >= 0) {
                deliver(text, at);
                return;
            }
        }
        if (isAck || text.contains(QLatin1String("\"type\":\"welcome\""))
            || text.contains(QLatin1String("\"type\":\"error\"")))
            onAnswer(client, parse(text));
    }

    // ------------------------------------------------------------ setup

    void onAnswer(Client &client, const QJsonObject &frame)
    {
        const QString type = frame.value(QLatin1String("type")).toString();
        if (type == QLatin1String("error")) {
            if (++m_errors <= 5)
                std::fprintf(stderr, "helpy-loadgen: client %d got error %s: %s\n", client.index,
                    qPrintable(frame.value(QLatin1String("code")).toString()),
                    qPrintable(frame.value(QLatin1String("message")).toString()));
            if (m_stage == Stage::Setup)
                fail(QStringLiteral("setup refused"));
            return;
        }
        if (m_stage != Stage::Setup)
            return;
        const QString requestId = frame.value(QLatin1String("requestId")).toString();
        if (type == QLatin1String("welcome")) {
            if (client.index == 0) {
                send(client,
                    { { QStringLiteral("type"), QStringLiteral("create_session") },
                        { QStringLiteral("requestId"), QStringLiteral("create") },
                        { QStringLiteral("title"), QStringLiteral("Bench") } });
            } else {
                send(client,
                    { { QStringLiteral("type"), QStringLiteral("join_session") },
                        { QStringLiteral("requestId"), QStringLiteral("join") },
                        { QStringLiteral("inviteCode"), m_inviteCode } });
            }
        } else if (requestId == QLatin1String("create")) {
            // The creator joins like everyone else, so that it receives the session's events.
            m_sessionId = frame.value(QLatin1String("sessionId")).toString();
            send(client,
                { { QStringLiteral("type"), QStringLiteral("join_session") },
                    { QStringLiteral("requestId"), QStringLiteral("actor-join") },
                    { QStringLiteral("sessionId"), m_sessionId } });
        } else if (requestId == QLatin1String("actor-join")) {
            send(client,
                { { QStringLiteral("type"), QStringLiteral("create_invite") },
                    { QStringLiteral("requestId"), QStringLiteral("invite") },
                    { QStringLiteral("sessionId"), m_sessionId } });
        } else if (requestId == QLatin1String("invite")) {
            m_inviteCode = frame.value(QLatin1String("inviteCode")).toString();
            markReady(client);
        } else if (requestId == QLatin1String("join")) {
            markReady(client);
        }
    }

    void markReady(Client &client)
    {
        if (client.ready)
            return;
        client.ready = true;
        ++m_ready;
        while (m_opened < m_clientCount && m_opened - m_ready < ConnectWindow)
            open(m_clients[m_opened]);
        if (m_ready == m_clientCount) {
            m_setupSeconds = double(nowNs() - m_setupStartNs) / 1e9;
            settleThen([this] { reportIdle(); });
        }
    }

    /// Waits until no frame has arrived for 300 ms (the join fan-out has drained), then runs next.
    void settleThen(std::function<void()> next)
    {
        m_stage = Stage::Settling;
        m_settleStartNs = nowNs();
        auto *poll = new QTimer(this);
        connect(poll, &QTimer::timeout, this, [this, poll, next] {
            const qint64 now = nowNs();
            if (now - m_lastFrameNs < 300'000'000 && now - m_settleStartNs < 120'000'000'000)
                return;
            poll->deleteLater();
            next();
        });
        poll->start(50);
    }

    void reportIdle()
    {
        const Memory memory = readMemory(m_serverPid);
        std::printf("{\"kind\":\"idle\",\"clients\":%d,\"setup_s\":%.3f,\"idle_rss_kb\":%lld,"
                    "\"setup_hwm_kb\":%lld}\n",
            m_clientCount, m_setupSeconds, memory.rssKb, memory.hwmKb);
        std::fflush(stdout);
        startPhase(0);
    }

    // ------------------------------------------------------------ phases

    void startPhase(int index)
    {
        if (index >= m_phases.size()) {
            m_stage = Stage::Done;
            QCoreApplication::exit(m_errors > 0 ? 1 : 0);
            return;
        }
        m_phaseIndex = index;
        const Phase &phase = m_phases.at(index);
        m_sendNs.assign(phase.changes, 0);
        m_latenciesNs.clear();
        m_latenciesNs.reserve(size_t(phase.changes) * size_t(m_clientCount));
        m_sent = 0;
        m_firstSendNs = 0;
        m_lastReceiptNs = 0;
        m_peakReset = resetPeak(m_serverPid);
        m_serverCpuStart = cpuSeconds(m_serverPid);
        m_selfCpuStart = selfCpuSeconds();
        m_stage = Stage::Running;
        const qint64 expectedMs = phase.rate > 0 ? qint64(phase.changes / phase.rate * 1000) : 0;
        m_deadline = new QTimer(this);
        m_deadline->setSingleShot(true);
        connect(m_deadline, &QTimer::timeout, this, [this] { finishPhase(); });
        m_deadline->start(int(30'000 + 3 * expectedMs));
        if (phase.rate > 0) {
            m_tick.start(std::max(1, int(1000 / phase.rate / 2)));
            onTick();
        } else {
            while (m_sent < phase.changes)
                sendChange();
        }
    }

    void onTick()
    {
        const Phase &phase = m_phases.at(m_phaseIndex);
        if (m_sent == 0)
            m_rateStartNs = nowNs();
        const double due = double(nowNs() - m_rateStartNs) / 1e9 * phase.rate + 1;
        while (m_sent < phase.changes && m_sent < due)
            sendChange();
        if (m_sent >= phase.changes)
            m_tick.stop();
    }

    /// Change k of the phase; the marker "bmk<global sequence>" identifies it on receipt.
    void sendChange()
    {
        const Phase &phase = m_phases.at(m_phaseIndex);
        const int k = m_sent;
        const qint64 seq = m_seqBase + k;
        QJsonObject frame { { QStringLiteral("requestId"), QStringLiteral("r%1").arg(seq) },
            { QStringLiteral("sessionId"), m_sessionId } };
        if (phase.scenario == QLatin1String("chat")) {
            frame.insert(QStringLiteral("type"), QStringLiteral("send_message"));
            frame.insert(QStringLiteral("text"),
                QStringLiteral("bmk%1 does anyone have the notes from Tuesday's lecture?")
                    .arg(seq));
        } else if (k % 2 == 0) {
            frame.insert(QStringLiteral("type"), QStringLiteral("add_participant"));
            frame.insert(QStringLiteral("participantType"), QStringLiteral("helpy"));
            frame.insert(QStringLiteral("participantId"), QStringLiteral("bmk%1").arg(seq));
            frame.insert(QStringLiteral("displayName"), QStringLiteral("Helpy tutor"));
        } else {
            frame.insert(QStringLiteral("type"), QStringLiteral("remove_participant"));
            frame.insert(QStringLiteral("participantId"), QStringLiteral("bmk%1").arg(seq - 1));
        }
        const QString text = QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact));
        const qint64 now = nowNs();
        if (k == 0)
            m_firstSendNs = now;
        m_sendNs[k] = now;
        ++m_sent;
        sendText(m_clients[0], text);
    }

    void deliver(const QString &text, qsizetype at)
    {
        const qint64 now = nowNs();
        qint64 seq = 0;
        for (qsizetype i = at + 3; i < text.size() && text.at(i).isDigit(); ++i)
            seq = seq * 10 + text.at(i).digitValue();
        if (text.contains(QLatin1String("participant_removed")))
            ++seq; // the remove of change k names the helpy added by change k - 1
        const qint64 k = seq - m_seqBase;
        if (k < 0 || k >= m_sent)
            return; // a late frame of an earlier phase
        m_latenciesNs.push_back(now - m_sendNs[k]);
        m_lastReceiptNs = now;
        const Phase &phase = m_phases.at(m_phaseIndex);
        if (qint64(m_latenciesNs.size()) == qint64(phase.changes) * m_clientCount)
            finishPhase();
    }

    void finishPhase()
    {
        if (m_stage != Stage::Running)
            return;
        m_stage = Stage::Settling;
        m_tick.stop();
        m_deadline->stop();
        m_deadline->deleteLater();
        const Phase &phase = m_phases.at(m_phaseIndex);
        const double serverCpu = cpuSeconds(m_serverPid) - m_serverCpuStart;
        const double selfCpu = selfCpuSeconds() - m_selfCpuStart;
        const Memory memory = readMemory(m_serverPid);
        const qint64 expected = qint64(phase.changes) * m_clientCount;
        const qint64 delivered = qint64(m_latenciesNs.size());
        auto percentile = [this](double p) -> double {
            if (m_latenciesNs.empty())
                return 0;
            const size_t at = std::min(
                m_latenciesNs.size() - 1, size_t(p * double(m_latenciesNs.size() - 1) + 0.5));
            std::nth_element(
                m_latenciesNs.begin(), m_latenciesNs.begin() + qsizetype(at), m_latenciesNs.end());
            return double(m_latenciesNs[at]) / 1000.0;
        };
        const double p50 = percentile(0.50);
        const double p99 = percentile(0.99);
        const double max = m_latenciesNs.empty()
            ? 0
            : double(*std::max_element(m_latenciesNs.begin(), m_latenciesNs.end())) / 1000.0;
        const double spanS
            = m_lastReceiptNs > m_firstSendNs ? double(m_lastReceiptNs - m_firstSendNs) / 1e9 : 0;
        std::printf("{\"kind\":\"phase\",\"clients\":%d,\"scenario\":\"%s\",\"rate\":%g,"
                    "\"changes\":%d,\"expected\":%lld,\"delivered\":%lld,\"p50_us\":%.1f,"
                    "\"p99_us\":%.1f,\"max_us\":%.1f,\"span_s\":%.4f,\"deliveries_per_s\":%.0f,"
                    "\"server_cpu_s\":%.3f,\"loadgen_cpu_s\":%.3f,\"rss_kb\":%lld,"
                    "\"peak_rss_kb\":%lld,\"peak_exact\":%s}\n",
            m_clientCount, qPrintable(phase.scenario), phase.rate, phase.changes, expected,
            delivered, p50, p99, max, spanS, spanS > 0 ? double(delivered) / spanS : 0.0, serverCpu,
            selfCpu, memory.rssKb, memory.hwmKb, m_peakReset ? "true" : "false");
        std::fflush(stdout);
        if (delivered < expected)
            std::fprintf(stderr, "helpy-loadgen: phase %d lost %lld of %lld deliveries\n",
                m_phaseIndex, expected - delivered, expected);
        m_seqBase += phase.changes + 1;
        const int next = m_phaseIndex + 1;
        settleThen([this, next] { startPhase(next); });
    }

    void fail(const QString &why)
    {
        if (m_stage == Stage::Done)
            return;
        m_stage = Stage::Done;
        std::fprintf(stderr, "helpy-loadgen: %s\n", qPrintable(why));
        QCoreApplication::exit(1);
    }

    QUrl m_url;
    bool m_socketio;
    int m_clientCount;
    QList<Phase> m_phases;
    qint64 m_serverPid;
    int m_setupTimeoutS;

    std::vector<Client> m_clients;
    Stage m_stage = Stage::Setup;
    int m_opened = 0;
    int m_ready = 0;
    int m_errors = 0;
    QString m_sessionId;
    QString m_inviteCode;
    qint64 m_setupStartNs = 0;
    double m_setupSeconds = 0;
    qint64 m_lastFrameNs = 0;
    qint64 m_settleStartNs = 0;

    int m_phaseIndex = 0;
    qint64 m_seqBase = 1;
    int m_sent = 0;
    std::vector<qint64> m_sendNs;
    std::vector<qint64> m_latenciesNs;
    qint64 m_firstSendNs = 0;
    qint64 m_lastReceiptNs = 0;
    qint64 m_rateStartNs = 0;
    bool m_peakReset = false;
    double m_serverCpuStart = 0;
    double m_selfCpuStart = 0;
    QTimer m_tick;
    QTimer *m_deadline = nullptr;
};

QList<Phase> parsePhases(const QString &text, bool *ok)
{
    QList<Phase> phases;
    *ok = true;
    for (const QString &item : text.split(u',', Qt::SkipEmptyParts)) {
        const QStringList parts = item.split(u':');
        bool rateOk = false;
        bool countOk = false;
        Phase phase;
        if (parts.size() == 3) {
            phase.scenario = parts.at(0);
            phase.rate = parts.at(1).toDouble(&rateOk);
            phase.changes = parts.at(2).toInt(&countOk);
        }
        if (!rateOk || !countOk || phase.rate < 0 || phase.changes <= 0
            || (phase.scenario != QLatin1String("roster")
                && phase.scenario != QLatin1String("chat"))) {
            *ok = false;
            return {};
        }
        phases.append(phase);
    }
    *ok = !phases.isEmpty();
    return phases;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("helpy-loadgen"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Fan-out load generator: N clients in one session, one actor, per-recipient latency. "
        "Prints one JSON line for the idle state and one per phase."));
    parser.addHelpOption();
    const QCommandLineOption url(QStringLiteral("url"),
        QStringLiteral("Server URL (helpy: ws://127.0.0.1:PORT/v1; socketio: "
                       "ws://127.0.0.1:PORT/socket.io/?EIO=4&transport=websocket)."),
        QStringLiteral("url"));
    const QCommandLineOption protocol(QStringLiteral("protocol"),
        QStringLiteral("helpy (protocol v1 frames) or socketio (the same frames as Socket.IO "
                       "events)."),
        QStringLiteral("name"), QStringLiteral("helpy"));
    const QCommandLineOption clients(QStringLiteral("clients"), QStringLiteral("Clients (N)."),
        QStringLiteral("n"), QStringLiteral("100"));
    const QCommandLineOption phases(QStringLiteral("phases"),
        QStringLiteral("Comma-separated scenario:rate:changes (rate 0: full speed)."),
        QStringLiteral("list"),
        QStringLiteral("roster:50:200,chat:50:200,roster:0:200,chat:0:200"));
    const QCommandLineOption pid(QStringLiteral("server-pid"),
        QStringLiteral("PID of the server, for its memory (/proc/PID/status) and CPU time."),
        QStringLiteral("pid"), QStringLiteral("0"));
    const QCommandLineOption setupTimeout(QStringLiteral("setup-timeout"),
        QStringLiteral("Seconds the clients may take to connect and join."),
        QStringLiteral("seconds"), QStringLiteral("300"));
    parser.addOptions({ url, protocol, clients, phases, pid, setupTimeout });
    parser.process(app);

    bool phasesOk = false;
    const QList<Phase> phaseList = parsePhases(parser.value(phases), &phasesOk);
    const int clientCount = parser.value(clients).toInt();
    const QString protocolName = parser.value(protocol);
    if (!parser.isSet(url) || !phasesOk || clientCount < 1
        || (protocolName != QLatin1String("helpy") && protocolName != QLatin1String("socketio"))) {
        std::fprintf(stderr,
            "helpy-loadgen: need --url, --clients >= 1, --protocol helpy|socketio "
            "and --phases like roster:50:200,chat:0:200\n");
        return 2;
    }

    LoadGen loadgen(QUrl(parser.value(url)), protocolName == QLatin1String("socketio"), clientCount,
        phaseList, parser.value(pid).toLongLong(), parser.value(setupTimeout).toInt());
    QTimer::singleShot(0, &loadgen, [&loadgen] { loadgen.start(); });
    return app.exec();
}
