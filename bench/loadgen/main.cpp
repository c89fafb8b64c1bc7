// SPDX-License-Identifier: MIT
// helpy-loadgen: fan-out latency, set-up cost, throughput and server memory.
//
// Three modes, one JSON line per result on stdout:
//   session (default)  N clients in one session (client 0, the actor, creates it and an
//                      invite; the others join by the invite); then phases in which the actor
//                      makes R changes — roster (add_participant / remove_participant of a
//                      helpy) or chat (send_message) — at a fixed rate or at full speed.
//   --idle-connections N clients say hello and stay in no session: server RSS per connection.
//   --rooms R          R sessions of --room-size S; each session's creator sends one message a
//                      second for --room-seconds D, the rooms spread over the second.
// For every recipient (the sender included) the time from the send to the receipt is taken
// on one steady clock. The clients are spread over --threads worker threads, each with its
// own event loop and sockets, so that the generator is not the floor; the actor of the
// session mode stays alone on the main thread. The same program, unchanged, drives
// helpy-server and the peer relays; with --protocol socketio every frame travels as the
// Socket.IO event 42["frame",{...}].
#include "procstats.h"
#include "worker.h"

#ifdef HELPY_LOADGEN_EPOLL
#include "epolleventdispatcher.h"
#endif

#include <QAbstractEventDispatcher>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

namespace loadgen {

/// The dispatcher for the generator's threads. Each holds thousands of sockets: Qt's own
/// dispatchers (glib's, or UNIX's poll) walk every one of them on every pass, which made the
/// generator, not the servers, the floor of the latencies (1.7 of the 2 cores in the
/// many-rooms run). helpy-server's epoll dispatcher costs what is ready. Null (Qt's default)
/// when it is not built in, or with HELPY_LOADGEN_DISPATCHER=qt.
QAbstractEventDispatcher *newEventDispatcher()
{
#ifdef HELPY_LOADGEN_EPOLL
    if (qEnvironmentVariable("HELPY_LOADGEN_DISPATCHER") != QLatin1String("qt"))
        return new EpollEventDispatcher;
#endif
    return nullptr;
}
namespace {

struct Phase
{
    QString scenario; ///< "roster" or "chat"
    double rate = 0; ///< changes a second; 0: full speed (all at once)
    int changes = 0;
};

struct Options
{
    enum class Mode { Session, Idle, Rooms };
    Mode mode = Mode::Session;
    int clients = 0; ///< session and idle modes
    int rooms = 0;
    int roomSize = 5;
    int roomSeconds = 60;
    int threads = 1;
    QList<Phase> phases;
    qint64 serverPid = 0;
    int setupTimeoutS = 300;
    QString metrics; ///< HOST:PORT of the server's Prometheus endpoint, or empty
};

/// Percentiles and extremes of one set of latencies, in µs.
struct Summary
{
    double p50 = 0;
    double p99 = 0;
    double max = 0;
};

Summary summarise(std::vector<qint64> &latencies)
{
    Summary summary;
    if (latencies.empty())
        return summary;
    auto percentile = [&latencies](double p) {
        const size_t at
            = std::min(latencies.size() - 1, size_t(p * double(latencies.size() - 1) + 0.5));
        std::nth_element(latencies.begin(), latencies.begin() + qsizetype(at), latencies.end());
        return double(latencies[at]) / 1000.0;
    };
    summary.p50 = percentile(0.50);
    summary.p99 = percentile(0.99);
    summary.max = double(*std::max_element(latencies.begin(), latencies.end())) / 1000.0;
    return summary;
}

class Coordinator : public QObject
{
public:
    Coordinator(QUrl url, bool socketio, Options options)
        : m_options(std::move(options))
    {
        m_shared.url = std::move(url);
        m_shared.socketio = socketio;
        m_tick.setTimerType(Qt::PreciseTimer);
        connect(&m_tick, &QTimer::timeout, this, [this] { onTick(); });
    }

    ~Coordinator() override { stopWorkers(); }

    void start()
    {
        // Worker 0 runs on this thread and holds only the session mode's actor.
        const int threads = std::max(1, m_options.threads);
        for (int i = 0; i <= threads; ++i) {
            auto worker = std::make_unique<Worker>(m_shared, callbacks());
            worker->threadIndex = i;
            if (i > 0) {
                auto *thread = new QThread(this);
                thread->setObjectName(QStringLiteral("loadgen-%1").arg(i));
                if (QAbstractEventDispatcher *dispatcher = newEventDispatcher())
                    thread->setEventDispatcher(dispatcher);
                worker->moveToThread(thread);
                thread->start();
                m_threads.push_back(thread);
            }
            m_workers.push_back(std::move(worker));
        }
        m_total = m_options.mode == Options::Mode::Rooms ? m_options.rooms * m_options.roomSize
                                                         : m_options.clients;
        m_idleBefore = readMemory(m_options.serverPid);
        m_setupStartNs = nowNs();
        QTimer::singleShot(m_options.setupTimeoutS * 1000, this, [this] {
            if (m_stage == Stage::Setup)
                fail(QStringLiteral("setup did not finish in %1 s (%2 of %3 clients ready)")
                         .arg(m_options.setupTimeoutS)
                         .arg(m_ready)
                         .arg(m_total));
        });
        switch (m_options.mode) {
        case Options::Mode::Session:
            m_pending.push_back({ 0, Worker::Role::Creator });
            break;
        case Options::Mode::Idle:
            for (int i = 0; i < m_total; ++i)
                m_pending.push_back({ i, Worker::Role::Idle });
            break;
        case Options::Mode::Rooms:
            m_roomSessions.resize(size_t(m_options.rooms));
            for (int r = 0; r < m_options.rooms; ++r)
                m_pending.push_back({ r * m_options.roomSize, Worker::Role::Creator });
            break;
        }
        pump();
    }

private:
    enum class Stage { Setup, Settling, Running, Done };

    static constexpr int ConnectWindow = 50; ///< handshakes in flight (listen backlogs are small)

    struct Pending
    {
        int client;
        Worker::Role role;
        QString inviteCode;
    };

    Worker::Callbacks callbacks()
    {
        // Posted to this thread: the workers call them on theirs.
        Worker::Callbacks c;
        c.ready = [this](int client) { post([this, client] { onReady(client); }); };
        c.created = [this](int client, QString sessionId, QString invite) {
            post([this, client, sessionId, invite] { onCreated(client, sessionId, invite); });
        };
        c.failed = [this](QString why) { post([this, why] { fail(why); }); };
        c.allDelivered = [this] { post([this] { onAllDelivered(); }); };
        c.answered = [this](QString requestId, QString participantId) {
            post([this, requestId, participantId] { onAnswered(requestId, participantId); });
        };
        return c;
    }

    void post(std::function<void()> f)
    {
        QMetaObject::invokeMethod(this, std::move(f), Qt::QueuedConnection);
    }

    Worker *workerOf(int client) const
    {
        if (m_options.mode == Options::Mode::Session && client == 0)
            return m_workers[0].get();
        const int threads = int(m_workers.size()) - 1;
        return m_workers[size_t(1 + client % threads)].get();
    }

    void onWorker(Worker *worker, std::function<void()> f)
    {
        QMetaObject::invokeMethod(worker, std::move(f), Qt::QueuedConnection);
    }

    // ------------------------------------------------------------ setup

    void pump()
    {
        while (!m_pending.empty() && m_opened - m_ready < ConnectWindow) {
            const Pending next = m_pending.front();
            m_pending.pop_front();
            ++m_opened;
            Worker *worker = workerOf(next.client);
            onWorker(
                worker, [worker, next] { worker->open(next.client, next.role, next.inviteCode); });
        }
    }

    void onCreated(int client, const QString &sessionId, const QString &invite)
    {
        if (m_options.mode == Options::Mode::Session) {
            m_sessionId = sessionId;
            for (int i = 1; i < m_total; ++i)
                m_pending.push_back({ i, Worker::Role::Member, invite });
            return;
        }
        // A room's creator: its members go first, so that rooms fill one after another.
        const int room = client / m_options.roomSize;
        m_roomSessions[size_t(room)] = sessionId;
        for (int i = m_options.roomSize - 1; i >= 1; --i)
            m_pending.push_front({ client + i, Worker::Role::Member, invite });
    }

    void onReady(int)
    {
        if (m_stage != Stage::Setup)
            return;
        ++m_ready;
        pump();
        if (m_ready < m_total)
            return;
        m_setupSeconds = double(nowNs() - m_setupStartNs) / 1e9;
        settleThen([this] { setupDone(); });
    }

    qint64 lastFrameNs() const
    {
        qint64 last = 0;
        for (const auto &worker : m_workers)
            last = std::max(last, worker->lastFrameNs());
        return last;
    }

    /// Waits until no frame has arrived for 300 ms (the fan-out has drained), then runs next.
    void settleThen(std::function<void()> next)
    {
        m_stage = Stage::Settling;
        const qint64 settleStartNs = nowNs();
        auto *poll = new QTimer(this);
        connect(poll, &QTimer::timeout, this, [this, poll, next, settleStartNs] {
            const qint64 now = nowNs();
            if (now - lastFrameNs() < 300'000'000 && now - settleStartNs < 120'000'000'000)
                return;
            poll->deleteLater();
            next();
        });
        poll->start(50);
    }

    void setupDone()
    {
        m_shared.countBytes = false;
        qint64 bytes = 0;
        for (const auto &worker : m_workers)
            bytes += worker->bytesReceived();
        const Memory memory = readMemory(m_options.serverPid);
        switch (m_options.mode) {
        case Options::Mode::Session:
            std::printf("{\"kind\":\"idle\",\"clients\":%d,\"setup_s\":%.3f,\"setup_bytes\":%lld,"
                        "\"participant_added_bytes\":%lld,\"idle_rss_kb\":%lld,"
                        "\"setup_hwm_kb\":%lld,\"threads\":%d}\n",
                m_total, m_setupSeconds, bytes, qint64(m_shared.participantAddedBytes),
                memory.rssKb, memory.hwmKb, int(m_workers.size()) - 1);
            std::fflush(stdout);
            startPhase(0);
            break;
        case Options::Mode::Idle:
            std::printf("{\"kind\":\"connections\",\"clients\":%d,\"setup_s\":%.3f,"
                        "\"rss_before_kb\":%lld,\"rss_after_kb\":%lld,\"bytes_per_connection\":"
                        "%.0f}\n",
                m_total, m_setupSeconds, m_idleBefore.rssKb, memory.rssKb,
                double(memory.rssKb - m_idleBefore.rssKb) * 1024.0 / m_total);
            std::fflush(stdout);
            finish();
            break;
        case Options::Mode::Rooms:
            m_roomsSetupBytes = bytes;
            m_roomsIdleRssKb = memory.rssKb;
            startRooms();
            break;
        }
    }

    // ------------------------------------------------------------ measured phases

    /// Common start of a measured phase with `markers` markers from seqBase.
    void beginMeasuring(qint64 markers, qint64 expected)
    {
        for (const auto &worker : m_workers)
            worker->takeReceipts(); // late frames of the last phase
        m_shared.sendNs = std::make_unique<std::atomic<qint64>[]>(size_t(markers));
        m_shared.sendSlots = markers;
        m_shared.delivered = 0;
        m_shared.expected = expected;
        m_firstSendNs = 0;
        m_peakReset = resetPeak(m_options.serverPid);
        if (!m_options.metrics.isEmpty())
            m_fanoutBefore = scrapeHistogram(m_options.metrics, "helpy_fanout_seconds");
        m_serverCpuStart = cpuSeconds(m_options.serverPid);
        m_selfCpuStart = selfCpuSeconds();
        m_stage = Stage::Running;
        m_shared.running.store(true, std::memory_order_release);
    }

    /// What every measured phase reports, as JSON fields (no braces), with the latencies.
    QByteArray endMeasuring(qint64 markers, qint64 expected, qint64 *deliveredOut)
    {
        m_shared.running.store(false, std::memory_order_release);
        const double serverCpu = cpuSeconds(m_options.serverPid) - m_serverCpuStart;
        const double selfCpu = selfCpuSeconds() - m_selfCpuStart;
        const Memory memory = readMemory(m_options.serverPid);
        QByteArray fanout = "\"fanout_p50_us\":null,\"fanout_p99_us\":null,\"fanout_events\":null";
        if (!m_options.metrics.isEmpty()) {
            const Buckets d = difference(
                scrapeHistogram(m_options.metrics, "helpy_fanout_seconds"), m_fanoutBefore);
            if (d.ok && observations(d) > 0)
                fanout = QStringLiteral(
                    "\"fanout_p50_us\":%1,\"fanout_p99_us\":%2,\"fanout_events\":%3")
                             .arg(quantile(d, 0.5) * 1e6, 0, 'f', 1)
                             .arg(quantile(d, 0.99) * 1e6, 0, 'f', 1)
                             .arg(observations(d), 0, 'f', 0)
                             .toUtf8();
        }
        std::vector<qint64> latencies;
        latencies.reserve(size_t(expected));
        qint64 lastReceiptNs = 0;
        const qint64 base = m_shared.seqBase;
        for (const auto &worker : m_workers) {
            for (const Receipt &receipt : worker->takeReceipts()) {
                const qint64 k = receipt.seq >= 0 ? receipt.seq - base
                                                  : m_removedBy.value(receipt.participantId, -1);
                if (k < 0 || k >= markers)
                    continue;
                const qint64 sent = m_shared.sendNs[size_t(k)].load(std::memory_order_relaxed);
                if (sent == 0)
                    continue;
                latencies.push_back(receipt.ns - sent);
                lastReceiptNs = std::max(lastReceiptNs, receipt.ns);
            }
        }
        if (m_firstSendNs == 0) {
            m_firstSendNs = std::numeric_limits<qint64>::max();
            for (qint64 k = 0; k < markers; ++k) {
                const qint64 sent = m_shared.sendNs[size_t(k)].load(std::memory_order_relaxed);
                if (sent > 0)
                    m_firstSendNs = std::min(m_firstSendNs, sent);
            }
        }
        const qint64 delivered = qint64(latencies.size());
        *deliveredOut = delivered;
        const Summary s = summarise(latencies);
        const double spanS
            = lastReceiptNs > m_firstSendNs ? double(lastReceiptNs - m_firstSendNs) / 1e9 : 0;
        return QStringLiteral(
                   "\"expected\":%1,\"delivered\":%2,\"p50_us\":%3,\"p99_us\":%4,\"max_us\":%5,"
                   "\"span_s\":%6,\"deliveries_per_s\":%7,\"server_cpu_s\":%8,\"loadgen_cpu_s\":%9,"
                   "\"rss_kb\":%10,\"peak_rss_kb\":%11,\"peak_exact\":%12,")
                   .arg(expected)
                   .arg(delivered)
                   .arg(s.p50, 0, 'f', 1)
                   .arg(s.p99, 0, 'f', 1)
                   .arg(s.max, 0, 'f', 1)
                   .arg(spanS, 0, 'f', 4)
                   .arg(spanS > 0 ? double(delivered) / spanS : 0.0, 0, 'f', 0)
                   .arg(serverCpu, 0, 'f', 3)
                   .arg(selfCpu, 0, 'f', 3)
                   .arg(memory.rssKb)
                   .arg(memory.hwmKb)
                   .arg(m_peakReset ? QLatin1String("true") : QLatin1String("false"))
                   .toUtf8()
            + fanout;
    }

    void startPhase(int index)
    {
        if (index >= m_options.phases.size()) {
            finish(m_lostDeliveries ? 1 : 0);
            return;
        }
        m_phaseIndex = index;
        const Phase &phase = m_options.phases.at(index);
        m_next = 0;
        m_helpyIds.clear();
        m_removedBy.clear();
        m_deferred.clear();
        m_rateStartNs = nowNs();
        beginMeasuring(phase.changes, qint64(phase.changes) * m_total);
        const qint64 expectedMs = phase.rate > 0 ? qint64(phase.changes / phase.rate * 1000) : 0;
        armDeadline(int(30'000 + 3 * expectedMs), [this] { finishPhase(); });
        if (phase.rate > 0)
            m_tick.start(std::max(1, int(1000 / phase.rate / 2)));
        pumpChanges();
    }

    void armDeadline(int ms, std::function<void()> then)
    {
        m_deadline = new QTimer(this);
        m_deadline->setSingleShot(true);
        connect(m_deadline, &QTimer::timeout, this, std::move(then));
        m_deadline->start(ms);
    }

    void disarmDeadline()
    {
        if (m_deadline) {
            m_deadline->stop();
            m_deadline->deleteLater();
            m_deadline = nullptr;
        }
    }

    void onTick() { pumpChanges(); }

    /// Sends the changes that are due (all of them in a burst). A roster remove needs the id
    /// the server gave the helpy its add created: at a fixed rate it waits for that add's ack,
    /// in a burst it is sent when the ack arrives while the later adds go on.
    void pumpChanges()
    {
        if (m_stage != Stage::Running)
            return;
        const Phase &phase = m_options.phases.at(m_phaseIndex);
        const bool roster = phase.scenario == QLatin1String("roster");
        const double due = phase.rate > 0 ? double(nowNs() - m_rateStartNs) / 1e9 * phase.rate + 1
                                          : double(phase.changes);
        while (m_next < phase.changes && m_next < due) {
            const int k = m_next;
            if (roster && k % 2 == 1 && !m_helpyIds.contains(k - 1)) {
                if (phase.rate > 0)
                    break;
                m_deferred.insert(k);
            } else {
                sendChange(k);
            }
            ++m_next;
        }
        if (m_next >= phase.changes)
            m_tick.stop();
    }

    /// The actor's ack of a measured request: an add's ack names the helpy's id.
    void onAnswered(const QString &requestId, const QString &participantId)
    {
        if (m_stage != Stage::Running || m_options.mode != Options::Mode::Session
            || participantId.isEmpty())
            return;
        const int k = int(requestId.mid(1).toLongLong() - m_shared.seqBase);
        const Phase &phase = m_options.phases.at(m_phaseIndex);
        if (phase.scenario != QLatin1String("roster") || k < 0 || k % 2 != 0 || k >= phase.changes)
            return;
        m_helpyIds.insert(k, participantId);
        m_removedBy.insert(participantId, k + 1);
        if (m_deferred.remove(k + 1))
            sendChange(k + 1);
        else
            pumpChanges();
    }

    /// Change k of the phase; the marker "bmk#<global sequence>" identifies it on receipt (a
    /// remove by the helpy's id, see onAnswered).
    void sendChange(int k)
    {
        const Phase &phase = m_options.phases.at(m_phaseIndex);
        const qint64 seq = m_shared.seqBase + k;
        QJsonObject frame { { QStringLiteral("requestId"), QStringLiteral("r%1").arg(seq) },
            { QStringLiteral("sessionId"), m_sessionId } };
        if (phase.scenario == QLatin1String("chat")) {
            frame.insert(QStringLiteral("type"), QStringLiteral("send_message"));
            frame.insert(QStringLiteral("text"),
                QStringLiteral("bmk#%1 does anyone have the notes from Tuesday's lecture?")
                    .arg(seq));
        } else if (k % 2 == 0) {
            frame.insert(QStringLiteral("type"), QStringLiteral("add_participant"));
            frame.insert(QStringLiteral("participantType"), QStringLiteral("helpy"));
            frame.insert(QStringLiteral("displayName"), QStringLiteral("Helpy bmk#%1").arg(seq));
        } else {
            frame.insert(QStringLiteral("type"), QStringLiteral("remove_participant"));
            frame.insert(QStringLiteral("participantId"), m_helpyIds.value(k - 1));
        }
        const QString text = QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact));
        const qint64 now = nowNs();
        if (m_firstSendNs == 0)
            m_firstSendNs = now;
        m_shared.sendNs[size_t(k)].store(now, std::memory_order_relaxed);
        m_workers[0]->sendText(0, text);
    }

    void onAllDelivered()
    {
        if (m_stage != Stage::Running)
            return;
        if (m_options.mode == Options::Mode::Rooms)
            finishRooms();
        else
            finishPhase();
    }

    void finishPhase()
    {
        if (m_stage != Stage::Running)
            return;
        m_stage = Stage::Settling;
        m_tick.stop();
        disarmDeadline();
        const Phase &phase = m_options.phases.at(m_phaseIndex);
        const qint64 expected = qint64(phase.changes) * m_total;
        qint64 delivered = 0;
        const QByteArray fields = endMeasuring(phase.changes, expected, &delivered);
        std::printf("{\"kind\":\"phase\",\"clients\":%d,\"scenario\":\"%s\",\"rate\":%g,"
                    "\"changes\":%d,%s}\n",
            m_total, qPrintable(phase.scenario), phase.rate, phase.changes, fields.constData());
        std::fflush(stdout);
        if (delivered < expected) {
            std::fprintf(stderr, "helpy-loadgen: phase %d lost %lld of %lld deliveries\n",
                m_phaseIndex, expected - delivered, expected);
            m_lostDeliveries = true; // the later phases still run; the exit code says it
        }
        m_shared.seqBase += phase.changes + 1;
        const int next = m_phaseIndex + 1;
        settleThen([this, next] { startPhase(next); });
    }

    // ------------------------------------------------------------ many rooms

    void startRooms()
    {
        const int rooms = m_options.rooms;
        const int seconds = m_options.roomSeconds;
        const qint64 markers = qint64(rooms) * seconds;
        beginMeasuring(markers, markers * m_options.roomSize);
        // Room r sends r/R of the way into every second: an even load, not 2,000 at once.
        std::vector<std::vector<RoomSender>> perWorker(m_workers.size());
        for (int r = 0; r < rooms; ++r) {
            const int client = r * m_options.roomSize;
            Worker *worker = workerOf(client);
            perWorker[size_t(worker->threadIndex)].push_back(
                { client, r, qint64(r) * 1'000'000'000 / rooms });
        }
        const qint64 startNs = nowNs() + 100'000'000;
        for (size_t i = 0; i < m_workers.size(); ++i) {
            Worker *worker = m_workers[i].get();
            onWorker(worker, [worker, senders = std::move(perWorker[i]), seconds, startNs] {
                worker->startRooms(senders, seconds, startNs);
            });
        }
        armDeadline(seconds * 1000 + 30'000, [this] { finishRooms(); });
    }

    void finishRooms()
    {
        if (m_stage != Stage::Running)
            return;
        m_stage = Stage::Settling;
        disarmDeadline();
        for (const auto &worker : m_workers) {
            Worker *w = worker.get();
            onWorker(w, [w] { w->stopRooms(); });
        }
        const qint64 markers = qint64(m_options.rooms) * m_options.roomSeconds;
        const qint64 expected = markers * m_options.roomSize;
        qint64 delivered = 0;
        const QByteArray fields = endMeasuring(markers, expected, &delivered);
        std::printf("{\"kind\":\"rooms\",\"clients\":%d,\"rooms\":%d,\"room_size\":%d,"
                    "\"seconds\":%d,\"setup_s\":%.3f,\"setup_bytes\":%lld,\"idle_rss_kb\":%lld,"
                    "%s}\n",
            m_total, m_options.rooms, m_options.roomSize, m_options.roomSeconds, m_setupSeconds,
            m_roomsSetupBytes, m_roomsIdleRssKb, fields.constData());
        std::fflush(stdout);
        if (delivered < expected)
            std::fprintf(stderr, "helpy-loadgen: rooms lost %lld of %lld deliveries\n",
                expected - delivered, expected);
        finish(delivered < expected ? 1 : 0);
    }

    // ------------------------------------------------------------ end

    void finish(int code = 0)
    {
        m_stage = Stage::Done;
        stopWorkers();
        QCoreApplication::exit(code);
    }

    void fail(const QString &why)
    {
        if (m_stage == Stage::Done)
            return;
        static const char *const stages[] = { "set-up", "settling", "a measured phase", "done" };
        std::fprintf(stderr, "helpy-loadgen: %s (during %s; %d of %d clients ready)\n",
            qPrintable(why), stages[int(m_stage)], m_ready, m_total);
        finish(1);
    }

    void stopWorkers()
    {
        if (m_stopped)
            return;
        m_stopped = true;
        for (const auto &worker : m_workers) {
            Worker *w = worker.get();
            QMetaObject::invokeMethod(
                w, [w] { w->shutdown(); },
                w->thread() == QThread::currentThread() ? Qt::DirectConnection
                                                        : Qt::BlockingQueuedConnection);
        }
        for (QThread *thread : m_threads) {
            thread->quit();
            thread->wait();
        }
        m_threads.clear();
    }

    Options m_options;
    Shared m_shared;
    bool m_stopped = false;
    std::vector<std::unique_ptr<Worker>> m_workers;
    std::vector<QThread *> m_threads;
    std::deque<Pending> m_pending;
    Stage m_stage = Stage::Setup;
    int m_total = 0;
    int m_opened = 0;
    int m_ready = 0;
    QString m_sessionId;
    std::vector<QString> m_roomSessions;
    qint64 m_setupStartNs = 0;
    double m_setupSeconds = 0;
    Memory m_idleBefore;
    qint64 m_roomsSetupBytes = 0;
    qint64 m_roomsIdleRssKb = 0;

    int m_phaseIndex = 0;
    int m_next = 0; ///< the next change to send (or defer)
    QHash<int, QString> m_helpyIds; ///< change k (an add) → the id the server gave the helpy
    QHash<QString, int> m_removedBy; ///< helpy id → the change that removes it
    QSet<int> m_deferred; ///< removes of a burst that wait for their add's ack
    qint64 m_firstSendNs = 0;
    qint64 m_rateStartNs = 0;
    bool m_peakReset = false;
    bool m_lostDeliveries = false;
    double m_serverCpuStart = 0;
    double m_selfCpuStart = 0;
    Buckets m_fanoutBefore;
    QTimer m_tick;
    QTimer *m_deadline = nullptr;
};

QList<Phase> parsePhases(const QString &text, bool *ok)
{
    QList<Phase> phases;
    *ok = true;
    if (text == QLatin1String("none"))
        return phases; // the set-up only
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
} // namespace loadgen

int main(int argc, char *argv[])
{
    using namespace loadgen;
    if (QAbstractEventDispatcher *dispatcher = newEventDispatcher())
        QCoreApplication::setEventDispatcher(dispatcher);
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("helpy-loadgen"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Fan-out load generator: N clients in one session (one actor, per-recipient latency), "
        "N idle connections (server memory per connection) or many small rooms. Prints one "
        "JSON line per result."));
    parser.addHelpOption();
    const QCommandLineOption url(QStringLiteral("url"),
        QStringLiteral("Server URL (helpy: ws://127.0.0.1:PORT/v1; socketio: "
                       "ws://127.0.0.1:PORT/socket.io/?EIO=4&transport=websocket)."),
        QStringLiteral("url"));
    const QCommandLineOption protocol(QStringLiteral("protocol"),
        QStringLiteral("helpy (protocol v1 frames) or socketio (the same frames as Socket.IO "
                       "events)."),
        QStringLiteral("name"), QStringLiteral("helpy"));
    const QCommandLineOption clients(QStringLiteral("clients"),
        QStringLiteral("Clients (N) in the session."), QStringLiteral("n"), QStringLiteral("100"));
    const QCommandLineOption idle(QStringLiteral("idle-connections"),
        QStringLiteral("Instead of a session: N connections that say hello and stay in no "
                       "session; prints the server's RSS growth per connection."),
        QStringLiteral("n"));
    const QCommandLineOption rooms(QStringLiteral("rooms"),
        QStringLiteral("Instead of one session: this many sessions of --room-size, each "
                       "sending one message a second."),
        QStringLiteral("r"));
    const QCommandLineOption roomSize(QStringLiteral("room-size"),
        QStringLiteral("Clients per room."), QStringLiteral("s"), QStringLiteral("5"));
    const QCommandLineOption roomSeconds(QStringLiteral("room-seconds"),
        QStringLiteral("Seconds the rooms send for."), QStringLiteral("d"), QStringLiteral("60"));
    const QCommandLineOption threads(QStringLiteral("threads"),
        QStringLiteral("Worker threads the clients are spread over (default: cores)."),
        QStringLiteral("t"), QString::number(std::max(1, QThread::idealThreadCount())));
    const QCommandLineOption phases(QStringLiteral("phases"),
        QStringLiteral("Comma-separated scenario:rate:changes (rate 0: full speed), or none "
                       "(the set-up only)."),
        QStringLiteral("list"),
        QStringLiteral("roster:50:200,chat:50:200,roster:0:200,chat:0:200"));
    const QCommandLineOption pid(QStringLiteral("server-pid"),
        QStringLiteral("PID of the server, for its memory (/proc/PID/status) and CPU time."),
        QStringLiteral("pid"), QStringLiteral("0"));
    const QCommandLineOption metrics(QStringLiteral("metrics"),
        QStringLiteral("HOST:PORT of the server's Prometheus endpoint: helpy_fanout_seconds "
                       "is scraped before and after each phase."),
        QStringLiteral("host:port"));
    const QCommandLineOption setupTimeout(QStringLiteral("setup-timeout"),
        QStringLiteral("Seconds the clients may take to connect and join."),
        QStringLiteral("seconds"), QStringLiteral("300"));
    parser.addOptions({ url, protocol, clients, idle, rooms, roomSize, roomSeconds, threads, phases,
        pid, metrics, setupTimeout });
    parser.process(app);

    Options options;
    bool phasesOk = false;
    options.phases = parsePhases(parser.value(phases), &phasesOk);
    options.clients = parser.value(clients).toInt();
    options.threads = parser.value(threads).toInt();
    options.serverPid = parser.value(pid).toLongLong();
    options.metrics = parser.value(metrics);
    options.setupTimeoutS = parser.value(setupTimeout).toInt();
    options.roomSize = parser.value(roomSize).toInt();
    options.roomSeconds = parser.value(roomSeconds).toInt();
    if (parser.isSet(idle)) {
        options.mode = Options::Mode::Idle;
        options.clients = parser.value(idle).toInt();
    } else if (parser.isSet(rooms)) {
        options.mode = Options::Mode::Rooms;
        options.rooms = parser.value(rooms).toInt();
    }
    const QString protocolName = parser.value(protocol);
    const bool valid = parser.isSet(url) && phasesOk && options.threads >= 1
        && options.setupTimeoutS > 0
        && (protocolName == QLatin1String("helpy") || protocolName == QLatin1String("socketio"))
        && (options.mode == Options::Mode::Rooms
                ? options.rooms >= 1 && options.roomSize >= 2 && options.roomSeconds >= 1
                : options.clients >= 1)
        && !(parser.isSet(idle) && parser.isSet(rooms));
    if (!valid) {
        std::fprintf(stderr,
            "helpy-loadgen: need --url, --protocol helpy|socketio, --threads >= 1, and one of "
            "--clients N >= 1 (with --phases like roster:50:200,chat:0:200), "
            "--idle-connections N >= 1, or --rooms R >= 1 with --room-size >= 2 and "
            "--room-seconds >= 1\n");
        return 2;
    }

    Coordinator coordinator(
        QUrl(parser.value(url)), protocolName == QLatin1String("socketio"), options);
    QTimer::singleShot(0, &coordinator, [&coordinator] { coordinator.start(); });
    return app.exec();
}
