// SPDX-License-Identifier: MIT
// The operator's port: /healthz and /metrics of a real server, scraped over real HTTP.
#include "metrics.h"
#include "metricsendpoint.h"
#include "rawclient.h"
#include "rawtcpwebsocket.h"
#include "sessionserver.h"
#include "sessionservertester.h"

#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;

namespace {

/// One HTTP exchange on a fresh connection: what the server sent until it closed.
QByteArray exchange(quint16 port, const QByteArray &request)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(5000))
        return {};
    socket.write(request);
    QByteArray response;
    QObject::connect(&socket, &QTcpSocket::readyRead, [&] { response += socket.readAll(); });
    QSignalSpy closed(&socket, &QTcpSocket::disconnected);
    if (socket.state() == QAbstractSocket::ConnectedState)
        closed.wait(5000);
    response += socket.readAll();
    return response;
}

struct Response
{
    int status = 0;
    QByteArray body;
};

Response get(quint16 port, const QByteArray &path)
{
    const QByteArray raw
        = exchange(port, "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\n\r\n");
    Response response;
    const QList<QByteArray> statusLine = raw.left(raw.indexOf("\r\n")).split(' ');
    if (statusLine.size() >= 2)
        response.status = statusLine[1].toInt();
    response.body = raw.mid(raw.indexOf("\r\n\r\n") + 4);
    return response;
}

/// The value of one sample (`name` with its labels, as written) in a scrape; -1: absent.
double sample(const QByteArray &scrape, const QByteArray &name)
{
    for (const QByteArray &line : scrape.split('\n')) {
        if (line.startsWith(name + ' '))
            return line.mid(name.size() + 1).toDouble();
    }
    return -1;
}

} // namespace

class tst_Metrics : public QObject
{
    Q_OBJECT

    ServerOptions options;
    std::unique_ptr<QTemporaryDir> dir; ///< outlives the server, which keeps a file in it
    std::unique_ptr<SessionServer> server;
    std::unique_ptr<MetricsEndpoint> endpoint;

    void start()
    {
        server = std::make_unique<SessionServer>(options);
        QVERIFY(server->listen());
        endpoint = std::make_unique<MetricsEndpoint>(*server);
        QVERIFY2(endpoint->listen(QHostAddress::LocalHost, 0), qPrintable(endpoint->errorString()));
    }

private Q_SLOTS:
    void init()
    {
        options = {};
        options.heartbeatSeconds = 0;
        options.presenceGraceSeconds = 0;
        dir = std::make_unique<QTemporaryDir>();
    }
    void cleanup()
    {
        endpoint.reset();
        server.reset();
        dir.reset();
    }

    void metricsMoveWithTraffic()
    {
        options.dataPath = dir->filePath(u"sessions.sqlite"_s); // commits to time
        start();
        const Response before = get(endpoint->port(), "/metrics");
        QCOMPARE(before.status, 200);
        QCOMPARE(sample(before.body, "helpy_connections"), 0.0);
        QCOMPARE(sample(before.body, "helpy_sessions"), 0.0);
        QCOMPARE(sample(before.body, "helpy_events_published_total"), 0.0);
        QCOMPARE(sample(before.body, "helpy_fanout_seconds_count"), 0.0);
        QVERIFY(before.body.contains("# TYPE helpy_fanout_seconds histogram"));
        QVERIFY(before.body.contains("# TYPE helpy_requests_total counter"));

        RawClient a;
        RawClient b;
        QVERIFY(a.signIn(server->url(), u"Ana"_s));
        QVERIFY(b.signIn(server->url(), u"Ben"_s));
        const QJsonObject created = a.request({ { "type", "create_session" }, { "title", "Alg" } });
        QCOMPARE(created["type"], "ack");
        const QString id = created["sessionId"].toString();
        QCOMPARE(a.request({ { "type", "join_session" }, { "sessionId", id } })["type"], "ack");
        const QString code
            = a.request({ { "type", "create_invite" }, { "sessionId", id } })["inviteCode"]
                  .toString();
        QCOMPARE(b.request({ { "type", "join_session" }, { "inviteCode", code } })["type"], "ack");
        for (int i = 0; i < 3; ++i)
            QCOMPARE(a.request({ { "type", "send_message" }, { "sessionId", id },
                         { "text", "hi" } })["type"],
                "ack");
        QCOMPARE(
            a.request({ { "type", "join_session" }, { "sessionId", "s-nope" } })["type"], "error");
        // A retry (same requestId) is answered as before, not applied again.
        const QJsonObject message { { "type", "send_message" }, { "sessionId", id },
            { "text", "once" }, { "requestId", "r-once" } };
        QCOMPARE(a.request(message)["type"], "ack");
        QCOMPARE(a.request(message)["type"], "ack");

        const Response after = get(endpoint->port(), "/metrics");
        QCOMPARE(after.status, 200);
        QCOMPARE(sample(after.body, "helpy_connections"), 2.0);
        QCOMPARE(sample(after.body, "helpy_sessions"), 1.0);
        QCOMPARE(
            sample(after.body, "helpy_requests_total{type=\"send_message\",outcome=\"ok\"}"), 4.0);
        QCOMPARE(
            sample(after.body, "helpy_requests_total{type=\"send_message\",outcome=\"replayed\"}"),
            1.0);
        QCOMPARE(
            sample(after.body, "helpy_requests_total{type=\"join_session\",outcome=\"not_found\"}"),
            1.0);
        // b's join and three messages at least, each delivered to both.
        QVERIFY(sample(after.body, "helpy_events_published_total") >= 4);
        QVERIFY(sample(after.body, "helpy_deliveries_total") >= 7);
        QVERIFY(sample(after.body, "helpy_fanout_seconds_count") >= 4);
        QVERIFY(sample(after.body, "helpy_fanout_seconds_bucket{le=\"+Inf\"}")
            == sample(after.body, "helpy_fanout_seconds_count"));
        QVERIFY(sample(after.body, "helpy_commit_seconds_count") >= 1);
        QCOMPARE(sample(after.body, "helpy_rate_limited_total{budget=\"request\"}"), 0.0);

        // The Helpy counters move when the tutor runtime counts.
        server->metrics().countHelpyAnswer();
        server->metrics().countHelpyFailure();
        const Response helpy = get(endpoint->port(), "/metrics");
        QCOMPARE(sample(helpy.body, "helpy_helpy_answers_total"), 1.0);
        QCOMPARE(sample(helpy.body, "helpy_helpy_failures_total"), 1.0);
    }

    void rateLimitedRequestsAreCounted()
    {
        options.maxRequestsPerSecond = 2;
        start();
        RawClient a;
        QVERIFY(a.signIn(server->url(), u"Ana"_s));
        int refused = 0;
        for (int i = 0; i < 6; ++i) {
            if (a.request({ { "type", "list_sessions" } })["code"] == "rate_limited")
                ++refused;
        }
        QVERIFY(refused > 0);
        QCOMPARE(sample(get(endpoint->port(), "/metrics").body,
                     "helpy_rate_limited_total{budget=\"request\"}"),
            double(refused));
    }

    void slowReadersClosedAreCounted()
    {
        options.maxRequestsPerSecond = 1000000;
        options.maxPendingBytes = 256 * 1024;
        options.slowReaderGraceMs = 500;
        start();
        RawClient writer;
        QVERIFY(writer.signIn(server->url(), u"Writer"_s));
        const QString id
            = writer.request({ { "type", "create_session" }, { "title", "Flood" } })["sessionId"]
                  .toString();
        const QString code
            = writer.request({ { "type", "create_invite" }, { "sessionId", id } })["inviteCode"]
                  .toString();
        // A reader that joins, then stops reading: its backlog grows past maxPendingBytes.
        RawTcpWebSocket reader;
        QVERIFY(reader.open(server->url()));
        reader.sendText({ { "type", "hello" }, { "protocol", 1 }, { "displayName", "Reader" } });
        reader.sendText(
            { { "type", "join_session" }, { "requestId", "j" }, { "inviteCode", code } });
        QTRY_COMPARE(server->participants(id).size(), 2);
        reader.stopReading();
        const QString text(4000, QChar(0xe9)); // 8 kB of UTF-8
        int sent = 0;
        QDeadlineTimer deadline(20000);
        while (server->connectionCount() > 1 && !deadline.hasExpired()) {
            for (int i = 0; i < 50; ++i, ++sent)
                writer.send({ { "type", "send_message" }, { "requestId", u"m%1"_s.arg(sent) },
                    { "sessionId", id }, { "text", text } });
            writer.request({ { "type", "list_sessions" } }); // paced by the server
        }
        QTRY_COMPARE(server->connectionCount(), 1);
        const QByteArray scrape = get(endpoint->port(), "/metrics").body;
        QCOMPARE(sample(scrape, "helpy_slow_readers_closed_total"), 1.0);
        QVERIFY(sample(scrape, "helpy_queued_bytes") >= 0);
        qInfo("the slow reader was closed after %d messages of 8 kB", sent);
    }

    void healthzSaysWhyNotHealthy()
    {
        options.dataPath = dir->filePath(u"sessions.sqlite"_s);
        start();
        const Response healthy = get(endpoint->port(), "/healthz");
        QCOMPARE(healthy.status, 200);
        QCOMPARE(healthy.body, "ok\n");

        SessionServerTester(*server).simulateStorageFailure(u"disk full"_s);
        const Response failed = get(endpoint->port(), "/healthz");
        QCOMPARE(failed.status, 503);
        QVERIFY2(failed.body.contains("storage failed: disk full"), failed.body.constData());
    }

    void healthzWhenStorageNotWritable()
    {
        options.dataPath = dir->filePath(u"sessions.sqlite"_s);
        start();
        QCOMPARE(get(endpoint->port(), "/healthz").status, 200);
        // Removed under the server (root may write any file, so not a chmod): what it
        // writes now is lost.
        QVERIFY(QFile::remove(options.dataPath));
        const Response response = get(endpoint->port(), "/healthz");
        QCOMPARE(response.status, 503);
        QVERIFY(response.body.contains("not writable"));
    }

    void healthzWhenNotServing()
    {
        start();
        server->close();
        QCOMPARE(get(endpoint->port(), "/healthz").status, 503);
    }

    void badRequestsGetClearAnswers_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::newRow("unknown path") << QByteArray("GET /nope HTTP/1.1\r\n\r\n") << 404;
        QTest::newRow("query string") << QByteArray("GET /healthz?x=1 HTTP/1.1\r\n\r\n") << 200;
        QTest::newRow("post") << QByteArray("POST /metrics HTTP/1.1\r\n\r\n") << 405;
        QTest::newRow("not http") << QByteArray("hello there\r\n\r\n") << 400;
        QTest::newRow("no version") << QByteArray("GET /metrics\r\n\r\n") << 400;
        QTest::newRow("relative path") << QByteArray("GET metrics HTTP/1.1\r\n\r\n") << 400;
        QTest::newRow("binary") << QByteArray("\x00\xff\x01 \x02 \x03\r\n\r\n", 12) << 400;
        QTest::newRow("oversized")
            << QByteArray("GET /metrics HTTP/1.1\r\nX: " + QByteArray(20000, 'a') + "\r\n\r\n")
            << 400;
        QTest::newRow("endless header")
            << QByteArray("GET /metrics HTTP/1.1\r\nX: " + QByteArray(20000, 'a')) << 400;
    }
    void badRequestsGetClearAnswers()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        start();
        const QByteArray response = exchange(endpoint->port(), request);
        QVERIFY2(response.startsWith("HTTP/1.1 " + QByteArray::number(status) + ' '),
            response.left(80).constData());
        // And it still serves.
        QCOMPARE(get(endpoint->port(), "/healthz").status, 200);
    }

    void clientsThatGoAwayOrOverstayAreCut()
    {
        start();
        // Gone in the middle of a request line.
        {
            QTcpSocket half;
            half.connectToHost(QHostAddress::LocalHost, endpoint->port());
            QVERIFY(half.waitForConnected(5000));
            half.write("GET /met");
            QVERIFY(half.waitForBytesWritten(5000));
        }
        // More than MaxClients at once, sending nothing: those past the cap are cut at once,
        // and the endpoint still answers once the others go.
        std::vector<std::unique_ptr<QTcpSocket>> idle;
        for (int i = 0; i < MetricsEndpoint::MaxClients + 4; ++i) {
            idle.push_back(std::make_unique<QTcpSocket>());
            idle.back()->connectToHost(QHostAddress::LocalHost, endpoint->port());
            QVERIFY(idle.back()->waitForConnected(5000));
        }
        QTRY_VERIFY(std::count_if(idle.begin(), idle.end(), [](const auto &socket) {
            return socket->state() == QAbstractSocket::UnconnectedState;
        }) >= 4);
        idle.clear();
        QTRY_COMPARE(get(endpoint->port(), "/healthz").status, 200);
    }

    void headGetsNoBody()
    {
        start();
        const QByteArray response = exchange(endpoint->port(), "HEAD /metrics HTTP/1.1\r\n\r\n");
        QVERIFY(response.startsWith("HTTP/1.1 200 OK"));
        QVERIFY(response.endsWith("\r\n\r\n"));
    }

    void histogramBucketsAreCumulative()
    {
        Histogram histogram;
        histogram.observe(0.00001);
        histogram.observe(0.003);
        histogram.observe(10);
        QByteArray out;
        histogram.write(out, "h");
        QCOMPARE(sample(out, "h_bucket{le=\"5e-05\"}"), 1.0);
        QCOMPARE(sample(out, "h_bucket{le=\"0.005\"}"), 2.0);
        QCOMPARE(sample(out, "h_bucket{le=\"+Inf\"}"), 3.0);
        QCOMPARE(sample(out, "h_count"), 3.0);
    }
};

QTEST_GUILESS_MAIN(tst_Metrics)
#include "tst_metrics.moc"
