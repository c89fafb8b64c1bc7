// SPDX-License-Identifier: MIT
// The fault proxy itself: it forwards real WebSocket traffic to a real SessionServer and
// each fault (cut, blackhole, delay, refuse, cut after bytes) does what the tests rely on.
#include "faultproxy.h"
#include "rawclient.h"
#include "sessionserver.h"

#include <QElapsedTimer>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;

namespace {

/// The one negative wait these tests allow: "nothing arrives" is checked for this long.
constexpr int SilenceMs = 300;

QJsonObject listSessions(const QString &requestId)
{
    return { { "type", "list_sessions" }, { "requestId", requestId } };
}

auto answerTo(const QString &requestId)
{
    return [requestId](const QJsonObject &f) {
        return (f["type"] == "ack" || f["type"] == "error") && f["requestId"] == requestId;
    };
}

} // namespace

class TestFaultProxy : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<SessionServer> server;
    std::unique_ptr<FaultProxy> proxy;

    QUrl url() const { return proxy->proxiedUrl(server->url()); }

private Q_SLOTS:
    void init()
    {
        ServerOptions options;
        options.heartbeatSeconds = 0;
        options.presenceGraceSeconds = 0;
        server = std::make_unique<SessionServer>(options);
        QVERIFY(server->listen());
        proxy = std::make_unique<FaultProxy>();
        QVERIFY2(proxy->listen(QHostAddress::LocalHost, server->port()),
            qPrintable(proxy->errorString()));
        QVERIFY(proxy->port() != 0);
        QVERIFY(proxy->port() != server->port());
    }

    void cleanup()
    {
        proxy.reset();
        server.reset();
    }

    void forwardsWebSocketTraffic()
    {
        RawClient a;
        QVERIFY(a.signIn(url(), u"Ana"_s));
        QCOMPARE(proxy->connectionCount(), 1);
        QTRY_COMPARE(server->connectionCount(), 1);
        const QJsonObject ack = a.request({ { "type", "create_session" }, { "title", "Algebra" } });
        QCOMPARE(ack["type"], "ack");
        QCOMPARE(server->sessionCount(), 1);
        QVERIFY(proxy->bytesForwarded() > 0);

        // A second client through the same proxy: connections are independent.
        RawClient b;
        QVERIFY(b.signIn(url(), u"Ben"_s));
        QCOMPARE(proxy->connectionCount(), 2);
        QVERIFY(a.userId != b.userId);
    }

    void normalCloseIsForwarded()
    {
        RawClient a;
        QVERIFY(a.signIn(url(), u"Ana"_s));
        QTRY_COMPARE(server->connectionCount(), 1);
        QSignalSpy disconnected(&a.socket, &QWebSocket::disconnected);
        a.socket.close(); // Qt may finish the close at once
        QVERIFY(disconnected.size() == 1 || disconnected.wait(5000));
        QTRY_COMPARE(server->connectionCount(), 0);
        QTRY_COMPARE(proxy->connectionCount(), 0);
    }

    void cutAllDisconnectsEveryClient()
    {
        RawClient a;
        RawClient b;
        QVERIFY(a.signIn(url(), u"Ana"_s));
        QVERIFY(b.signIn(url(), u"Ben"_s));
        QTRY_COMPARE(server->connectionCount(), 2);
        QSignalSpy aGone(&a.socket, &QWebSocket::disconnected);
        QSignalSpy bGone(&b.socket, &QWebSocket::disconnected);
        QSignalSpy cuts(proxy.get(), &FaultProxy::connectionCut);

        proxy->cutAll();

        QCOMPARE(cuts.size(), 2);
        QCOMPARE(proxy->connectionCount(), 0);
        QVERIFY(aGone.size() == 1 || aGone.wait(5000));
        QVERIFY(bGone.size() == 1 || bGone.wait(5000));
        QTRY_COMPARE(server->connectionCount(), 0);

        // The proxy keeps accepting: a reconnect goes through.
        RawClient again;
        QVERIFY(again.signIn(url(), u"Ana"_s, a.token));
        QCOMPARE(again.userId, a.userId);
    }

    void cutOneLeavesTheOthers()
    {
        RawClient a;
        RawClient b;
        QVERIFY(a.signIn(url(), u"Ana"_s));
        QVERIFY(b.signIn(url(), u"Ben"_s));
        QSignalSpy aGone(&a.socket, &QWebSocket::disconnected);

        proxy->cut(0); // accept order: a

        QVERIFY(aGone.size() == 1 || aGone.wait(5000));
        QCOMPARE(proxy->connectionCount(), 1);
        QCOMPARE(b.socket.state(), QAbstractSocket::ConnectedState);
        QCOMPARE(b.request(listSessions(u"b1"_s))["type"], "ack");
    }

    void blackholeStallsBothWaysAndReleasesInOrder()
    {
        RawClient a;
        QVERIFY(a.signIn(url(), u"Ana"_s));
        QSignalSpy aGone(&a.socket, &QWebSocket::disconnected);

        proxy->setBlackhole(true);
        const qsizetype from = a.frames.size();
        a.send(listSessions(u"held1"_s));
        a.send(listSessions(u"held2"_s));
        QVERIFY(!a.waitFor(answerTo(u"held1"_s), from, SilenceMs));
        QCOMPARE(a.frames.size(), from);
        QCOMPARE(aGone.size(), 0);
        QCOMPARE(a.socket.state(), QAbstractSocket::ConnectedState);

        proxy->setBlackhole(false);
        QVERIFY(a.waitFor(answerTo(u"held1"_s), from));
        QVERIFY(a.waitFor(answerTo(u"held2"_s), from));
        QCOMPARE(a.frames.size(), from + 2);
        QCOMPARE(a.frames.at(from)["requestId"], "held1");
    }

    void blackholeHoldsNewConnections()
    {
        proxy->setBlackhole(true);
        RawClient a;
        QSignalSpy connected(&a.socket, &QWebSocket::connected);
        a.socket.open(url());
        QVERIFY(!connected.wait(SilenceMs)); // the handshake is held
        QCOMPARE(server->connectionCount(), 0);
        QCOMPARE(proxy->connectionCount(), 1);

        proxy->setBlackhole(false);
        QVERIFY(connected.size() == 1 || connected.wait(5000));
        QTRY_COMPARE(server->connectionCount(), 1);
    }

    void delayDelaysEveryChunk()
    {
        RawClient a;
        QVERIFY(a.signIn(url(), u"Ana"_s));
        constexpr int delayMs = 150;
        proxy->setDelay(delayMs);
        QCOMPARE(proxy->delay(), delayMs);

        QElapsedTimer clock;
        clock.start();
        const QJsonObject answer = a.request(listSessions(u"slow"_s));
        const qint64 elapsed = clock.elapsed();
        QCOMPARE(answer["type"], "ack");
        // Delayed on the way there and on the way back.
        QVERIFY2(elapsed >= 2 * delayMs, qPrintable(u"answered after %1 ms"_s.arg(elapsed)));

        // Delay keeps order within a direction.
        const qsizetype from = a.frames.size();
        for (int i = 0; i < 5; ++i)
            a.send(listSessions(u"burst%1"_s.arg(i)));
        QVERIFY(a.waitFor(answerTo(u"burst4"_s), from));
        for (int i = 0; i < 5; ++i)
            QCOMPARE(a.frames.at(from + i)["requestId"], u"burst%1"_s.arg(i));

        proxy->setDelay(0);
        clock.restart();
        QCOMPARE(a.request(listSessions(u"fast"_s))["type"], "ack");
        QVERIFY(clock.elapsed() < 2 * delayMs);
    }

    void refuseClosesNewConnectionsOnly()
    {
        RawClient a;
        QVERIFY(a.signIn(url(), u"Ana"_s));

        proxy->setRefuse(true);
        QVERIFY(proxy->isRefusing());
        QSignalSpy refused(proxy.get(), &FaultProxy::connectionRefused);
        RawClient b;
        QSignalSpy bGone(&b.socket, &QWebSocket::disconnected);
        QSignalSpy bConnected(&b.socket, &QWebSocket::connected);
        b.socket.open(url());
        QVERIFY(bGone.wait(5000));
        QCOMPARE(bConnected.size(), 0);
        QCOMPARE(refused.size(), 1);
        QCOMPARE(a.request(listSessions(u"a1"_s))["type"], "ack");

        proxy->setRefuse(false);
        RawClient c;
        QVERIFY(c.signIn(url(), u"Cem"_s));
    }

    void cutAfterBytesCutsMidStream()
    {
        RawClient a;
        QVERIFY(a.signIn(url(), u"Ana"_s));
        QSignalSpy aGone(&a.socket, &QWebSocket::disconnected);
        QSignalSpy cuts(proxy.get(), &FaultProxy::connectionCut);
        const qint64 before = proxy->bytesForwarded();

        proxy->cutAfterBytes(10);
        a.send(listSessions(u"cut-in-the-middle"_s)); // a frame longer than 10 bytes

        QVERIFY(aGone.wait(5000));
        QCOMPARE(cuts.size(), 1);
        QCOMPARE(proxy->bytesForwarded() - before, 10);
        QCOMPARE(proxy->connectionCount(), 0);
        QTRY_COMPARE(server->connectionCount(), 0);
    }

    void targetDownClosesTheClientAndRetargetWorks()
    {
        const quint16 oldPort = server->port();
        server.reset(); // nothing listens on oldPort now
        RawClient a;
        QSignalSpy aGone(&a.socket, &QWebSocket::disconnected);
        a.socket.open(proxy->proxiedUrl(QUrl(u"ws://127.0.0.1/v1"_s)));
        QVERIFY(aGone.wait(5000));
        QTRY_COMPARE(proxy->connectionCount(), 0);

        // A restarted server on another port: the proxy's address stays the client's.
        ServerOptions options;
        options.heartbeatSeconds = 0;
        server = std::make_unique<SessionServer>(options);
        QVERIFY(server->listen());
        proxy->setTarget(QHostAddress::LocalHost, server->port());
        RawClient b;
        QVERIFY(b.signIn(url(), u"Ben"_s));
    }
};

QTEST_MAIN(TestFaultProxy)
#include "tst_faultproxy.moc"
