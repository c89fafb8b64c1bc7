// SPDX-License-Identifier: MIT
// Redis going away under a cluster (issue 13): paused (SIGSTOP) or killed and started again
// on the same port and data. The nodes keep every connection, keep answering what they can
// from memory, refuse changes as `unavailable` (the clients retry them with the same
// requestId), come back by themselves and lose or double nothing.
#include "clusternode.h"
#include "groupsessionnotifier.h"
#include "metricsendpoint.h"
#include "redisprocess.h"
#include "redissessionstore.h"
#include "servicewaits.h"
#include "sessionserver.h"
#include "websocketservice.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace Protocol;

namespace {

/// The longest the event loop went without running a 5 ms timer.
class LoopStallMeter
{
public:
    LoopStallMeter()
    {
        m_timer.setInterval(5);
        QObject::connect(&m_timer, &QTimer::timeout,
            [this] { m_longest = std::max(m_longest, m_since.restart()); });
        m_since.start();
        m_timer.start();
    }
    qint64 longestMs() const { return m_longest; }

private:
    QTimer m_timer;
    QElapsedTimer m_since;
    qint64 m_longest = 0;
};

/// GET /healthz: the status line and the body.
std::pair<QByteArray, QByteArray> getHealth(quint16 port)
{
    QTcpSocket socket;
    QSignalSpy done(&socket, &QTcpSocket::disconnected);
    socket.connectToHost(QHostAddress::LocalHost, port);
    socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    if (!done.wait(3000))
        return {};
    const QByteArray response = socket.readAll();
    return { response.left(response.indexOf("\r\n")),
        response.mid(response.indexOf("\r\n\r\n") + 4) };
}

/// One desktop client following one session, counting its disconnections.
struct Client
{
    explicit Client(QString name)
        : name(std::move(name))
        , disconnects(&service, &WebSocketService::disconnected)
    { }

    QString name;
    WebSocketService service;
    QSignalSpy disconnects;
    std::unique_ptr<GroupSessionNotifier> session;

    QStringList texts() const
    {
        QStringList list;
        for (const ChatMessage &m : session->messages())
            list << m.text;
        return list;
    }
};

} // namespace

class TestRedisOutage : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<RedisProcess> redis;
    std::vector<std::unique_ptr<SessionServer>> nodes;
    std::vector<std::unique_ptr<Client>> clients;
    QString sessionId;

    void startNodes(int count)
    {
        for (int i = 0; i < count; ++i) {
            nodes.push_back(
                std::make_unique<SessionServer>(nodeOptions(redis->url(), u"node%1"_s.arg(i + 1))));
            QVERIFY2(nodes.back()->listen(), qPrintable(nodes.back()->errorString()));
        }
    }

    /// `count` clients spread over the nodes, all in one session the first one created.
    void startClients(int count)
    {
        for (int i = 0; i < count; ++i) {
            clients.push_back(std::make_unique<Client>(u"user%1"_s.arg(i + 1)));
            Client &c = *clients.back();
            QVERIFY(connectAndWelcome(c.service, nodes[size_t(i) % nodes.size()]->url(), c.name));
        }
        Client &owner = *clients.front();
        const auto created
            = await([&](auto done) { owner.service.createSession(u"Algebra"_s, done); });
        QVERIFY(created.ok);
        sessionId = resultOf<CreateSessionResult>(created.ack)->sessionId;
        const auto invite = await([&](auto done) { owner.service.createInvite(sessionId, done); });
        QVERIFY(invite.ok);
        const QString code = resultOf<CreateInviteResult>(invite.ack)->inviteCode;
        for (auto &c : clients) {
            c->session = std::make_unique<GroupSessionNotifier>(&c->service, sessionId);
            if (c.get() == &owner) {
                c->session->join();
            } else {
                QVERIFY(await([&](auto done) { c->service.joinByInvite(code, done); }).ok);
            }
            QTRY_VERIFY(c->session->hasState());
        }
        const qint64 revision = clients.back()->session->revision(); // the last join
        for (auto &c : clients)
            QTRY_COMPARE(c->session->revision(), revision);
    }

    /// Every client shows the same messages, `expected` of them, each once.
    void verifyAllEqual(int expected)
    {
        for (auto &c : clients)
            QTRY_COMPARE_WITH_TIMEOUT(c->session->messages().size(), expected, 10000);
        const QStringList reference = clients.front()->texts();
        QCOMPARE(QSet<QString>(reference.cbegin(), reference.cend()).size(), expected);
        RedisSessionStore inspector(redis->url(), u"inspector"_s);
        QString error;
        QVERIFY2(inspector.open(&error), qPrintable(error));
        // Every client ends at Redis's log: the last messages may still have presence events
        // (users coming back online once Redis answers again) on their way behind them.
        const qint64 logLength = inspector.logLength(sessionId);
        for (auto &c : clients) {
            QCOMPARE(c->texts(), reference);
            QTRY_COMPARE_WITH_TIMEOUT(c->session->revision(), logLength, 10000);
            QCOMPARE(c->disconnects.size(), 0); // nobody was dropped
        }
        QCOMPARE(inspector.logLength(sessionId), logLength);
    }

private Q_SLOTS:
    void init()
    {
        if (RedisProcess::executable().isEmpty())
            QSKIP("redis-server is not installed (apt-get install redis-server)");
        redis = std::make_unique<RedisProcess>();
    }

    void cleanup()
    {
        clients.clear();
        nodes.clear();
        redis.reset();
    }

    // Redis paused: each node blocks at most one call time-out, then answers reads and
    // pings from memory and refuses changes as `unavailable`; the clients retry them
    // silently and they are applied once Redis runs again.
    void pausedRedisCostsOneTimeout()
    {
        QVERIFY2(redis->start(), redis->output().constData());
        startNodes(2);
        startClients(2);
        Client &ana = *clients[0];
        Client &ben = *clients[1];

        LoopStallMeter stalls;
        redis->pause();
        std::optional<WebSocketService::Reply> anaSent, benSent;
        ana.service.sendMessage(sessionId, u"sent while paused (node 1)"_s,
            [&](const WebSocketService::Reply &r) { anaSent = r; });
        ben.service.sendMessage(sessionId, u"sent while paused (node 2)"_s,
            [&](const WebSocketService::Reply &r) { benSent = r; });
        QSignalSpy requestFailed(&ana.service, &WebSocketService::requestFailed);

        // A snapshot of a session the node holds is still served (a resume is a read).
        QTest::qWait(1500); // both nodes have hit the time-out by now (heartbeat: 1 s)
        for (Client *c : { &ana, &ben }) {
            QSignalSpy caughtUp(c->session.get(), &GroupSessionNotifier::caughtUp);
            c->session->join();
            QVERIFY(caughtUp.wait(3000));
        }
        QVERIFY(!anaSent && !benSent); // waiting in the outbox, no error shown
        QTest::qWait(2000); // paused 3.5 s in all: beyond two missed heartbeats
        redis->resume();

        QTRY_VERIFY_WITH_TIMEOUT(anaSent && benSent, 15000);
        QVERIFY2(anaSent->ok, qPrintable(anaSent->error.message));
        QVERIFY2(benSent->ok, qPrintable(benSent->error.message));
        QCOMPARE(requestFailed.size(), 0);
        verifyAllEqual(2);
        qInfo("longest event-loop stall while Redis was paused: %lld ms (call time-out %d ms, "
              "two nodes on this loop)",
            stalls.longestMs(), RedisSessionStore::CallTimeoutMs);
        // Two time-outs (one per node) plus room for a loaded CI machine; far below the
        // 3.5 s pause that a blocking call would have cost.
        QVERIFY(stalls.longestMs() < 2 * RedisSessionStore::CallTimeoutMs + 1000);
    }

    // Redis killed in the middle of traffic and started again on the same port and data:
    // no connection closed, every change acknowledged (some after retries), all equal.
    void crashedRedisComesBack()
    {
        QVERIFY2(redis->start(true), redis->output().constData());
        startNodes(2);
        startClients(4);
        constexpr int PerClient = 15;
        int acked = 0;
        int refused = 0;
        std::function<void(Client &, int)> sendNext = [&](Client &c, int n) {
            if (n == PerClient)
                return;
            c.service.sendMessage(sessionId, u"%1 #%2"_s.arg(c.name).arg(n),
                [&, n](const WebSocketService::Reply &r) {
                    r.ok ? ++acked : ++refused;
                    sendNext(c, n + 1);
                });
        };
        for (auto &c : clients)
            sendNext(*c, 0);
        QTRY_VERIFY(acked >= 10);
        redis->crash();
        const int ackedBefore = acked;
        QTest::qWait(2000); // Redis is gone for 2 s with requests in flight
        QVERIFY(acked - ackedBefore <= int(clients.size())); // at most those already answered
        QVERIFY2(redis->restart(), redis->output().constData());
        QTRY_COMPARE_WITH_TIMEOUT(acked + refused, PerClient * int(clients.size()), 30000);
        QCOMPARE(refused, 0);
        verifyAllEqual(PerClient * int(clients.size()));
    }

    // /healthz says `degraded` (still 200: the node serves what it can) while the breaker
    // is open, found by the watchdog without any request; `ok` once Redis is back.
    void healthzSaysDegradedWhileRedisIsAway()
    {
        QVERIFY2(redis->start(), redis->output().constData());
        startNodes(1);
        MetricsEndpoint endpoint(*nodes.front());
        QVERIFY(endpoint.listen(QHostAddress::LocalHost, 0));
        QCOMPARE(getHealth(endpoint.port()), std::pair("HTTP/1.1 200 OK"_ba, "ok\n"_ba));

        redis->pause();
        // Found within WatchdogMs + WatchdogTimeoutMs (3 s) on a quiet machine; CI's two
        // loaded cores once took 6.6 s (timers run late, each look-up may wait), so the
        // bound is generous: what is tested is that no request is needed to find it.
        QTRY_VERIFY_WITH_TIMEOUT(getHealth(endpoint.port()).second.startsWith("degraded: "),
            5 * (RedisSessionStore::WatchdogMs + RedisSessionStore::WatchdogTimeoutMs));
        const auto [status, body] = getHealth(endpoint.port());
        QCOMPARE(status, "HTTP/1.1 200 OK"_ba);
        QVERIFY2(body.contains("storage unavailable"), body.constData());
        QVERIFY(!nodes.front()->healthWarning().isEmpty());

        redis->resume();
        QTRY_COMPARE_WITH_TIMEOUT(getHealth(endpoint.port()).second, "ok\n"_ba, 20000);
    }

    // Redis stays away longer than the client's patience (60 s; 1.5 s here): the outbox
    // stops re-sending and the request fails with `unavailable`, shown as its sentence.
    void theClientGivesUpAfterItsRetryTime()
    {
        QVERIFY2(redis->start(), redis->output().constData());
        startNodes(1);
        startClients(1);
        Client &ana = *clients.front();
        constexpr int PatienceMs = 1500;
        QCOMPARE(ana.service.unavailableRetryMs(), WebSocketService::UnavailableRetryMs);
        ana.service.setUnavailableRetryMs(PatienceMs);
        const auto refusals = [&] {
            qint64 sum = 0;
            for (const QByteArray &line : nodes.front()->metrics().exposition().split('\n')) {
                if (line.startsWith("helpy_requests_total{type=\"send_message\"")
                    && line.contains("outcome=\"unavailable\""))
                    sum += line.mid(line.lastIndexOf(' ') + 1).toLongLong();
            }
            return sum;
        };

        redis->crash();
        QList<ErrorCode> shown; // requestFailed: what the UI shows (ErrorText::reason)
        QObject::connect(&ana.service, &WebSocketService::requestFailed, &ana.service,
            [&](const Error &error) { shown << error.code; });
        std::optional<WebSocketService::Reply> reply;
        QElapsedTimer clock;
        clock.start();
        ana.service.sendMessage(
            sessionId, u"never stored"_s, [&](const WebSocketService::Reply &r) { reply = r; });
        QTRY_VERIFY_WITH_TIMEOUT(reply.has_value(), PatienceMs + 8000);
        const qint64 gaveUpMs = clock.elapsed();
        QVERIFY(gaveUpMs >= PatienceMs);
        QVERIFY(!reply->ok);
        QVERIFY(reply->error.code == ErrorCode::Unavailable);
        QVERIFY(shown == QList<ErrorCode> { ErrorCode::Unavailable });
        const qint64 sent = refusals();
        QVERIFY2(sent >= 3, qPrintable(u"refused %1 times"_s.arg(sent))); // it did retry
        QTest::qWait(4000); // the longest backoff: a retry would have come by now
        QCOMPARE(refusals(), sent);
        QCOMPARE(ana.disconnects.size(), 0);
        qInfo("gave up after %lld ms and %lld refusals", gaveUpMs, sent);
    }
};

QTEST_MAIN(TestRedisOutage)
#include "tst_redisoutage.moc"
