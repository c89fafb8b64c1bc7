// SPDX-License-Identifier: MIT
// ClientConnection on a DirectTcpSocket, as SessionServer wires it for ws://: a real
// DirectTcpServer and QWebSocketServer on 127.0.0.1, a real QWebSocket client.
#include "clientconnection.h"
#include "directtcpserver.h"

#include <QSignalSpy>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>

#include <QTcpSocket>

#include <memory>

class tst_DirectSocket : public QObject
{
    Q_OBJECT

private:
    /// A server-side connection on a DirectTcpSocket and the client at its other end.
    struct Pair
    {
        DirectTcpServer tcpServer;
        QWebSocketServer wsServer { QStringLiteral("test"), QWebSocketServer::NonSecureMode };
        DirectTcpSocket *direct = nullptr;
        QWebSocket client;
        std::unique_ptr<ClientConnection> connection;
        QStringList received;
    };

    static std::unique_ptr<Pair> connect(qint64 maxPendingBytes)
    {
        auto pair = std::make_unique<Pair>();
        Pair *p = pair.get();
        if (!p->tcpServer.listen(QHostAddress::LocalHost, 0))
            return nullptr;
        QObject::connect(&p->tcpServer, &QTcpServer::newConnection, &p->wsServer, [p] {
            p->direct = qobject_cast<DirectTcpSocket *>(p->tcpServer.nextPendingConnection());
            p->wsServer.handleConnection(p->direct);
        });
        QObject::connect(&p->client, &QWebSocket::textMessageReceived, &p->client,
            [p](const QString &text) { p->received.append(text); });
        QSignalSpy upgraded(&p->wsServer, &QWebSocketServer::newConnection);
        QSignalSpy connected(&p->client, &QWebSocket::connected);
        p->client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/v1").arg(p->tcpServer.serverPort())));
        if (!upgraded.wait(5000) || (connected.isEmpty() && !connected.wait(5000)))
            return nullptr;
        p->connection = std::make_unique<ClientConnection>(
            p->wsServer.nextPendingConnection(), maxPendingBytes);
        return pair;
    }

private Q_SLOTS:
    void textArrivesAsSentAtEveryLength()
    {
        auto pair = connect(64 * 1024 * 1024);
        QVERIFY(pair);
        // Multi-byte UTF-8 too: the length in the header is the UTF-8 one.
        const QStringList texts { QString(), QStringLiteral("hello"), QString(125, u'a'),
            QString(126, u'b'), QString(40000, u'é'), QString(70000, u'c') };
        for (const QString &text : texts)
            pair->connection->send(text);
        QTRY_COMPARE(pair->received.size(), texts.size());
        QCOMPARE(pair->received, texts);
    }

    void framesGoToTheKernelNotOurMemory()
    {
        auto pair = connect(64 * 1024 * 1024);
        QVERIFY(pair);
        QVERIFY(pair->direct);
        // Nothing queued in our memory, with no event loop pass: the kernel took them (held
        // until the pass ends but for the first write).
        pair->connection->send(QStringLiteral("{\"type\":\"first\"}"));
        pair->connection->send(QStringLiteral("{\"type\":\"second\"}"));
        QCOMPARE(pair->connection->socket()->bytesToWrite(), 0);
        QCOMPARE(pair->connection->backlog(), 0);
        QTRY_COMPARE(pair->received.size(), 2);
        QCOMPARE(pair->received.last(), QStringLiteral("{\"type\":\"second\"}"));
    }

    // A frame alone in its pass is one system call (QWebSocket writes header and payload
    // apart: they leave together); more frames in a pass, one each and one push at its end.
    void aFrameIsOneSystemCall()
    {
        auto pair = connect(64 * 1024 * 1024);
        QVERIFY(pair);
        QTest::qWait(0); // the handshake's pass is over
        const auto callsFor = [&](int frames) {
            const quint64 before = DirectTcpSocket::systemCalls();
            const qsizetype received = pair->received.size();
            for (int i = 0; i < frames; ++i)
                pair->connection->send(QStringLiteral("{\"n\":%1}").arg(i));
            if (!QTest::qWaitFor([&] { return pair->received.size() == received + frames; }))
                return quint64(0);
            return DirectTcpSocket::systemCalls() - before;
        };
        QCOMPARE(callsFor(1), 1u);
        QCOMPARE(callsFor(3), 4u);
        QCOMPARE(pair->received.last(), QStringLiteral("{\"n\":2}"));
        // An empty frame is a header alone: held, it leaves when the pass ends.
        pair->connection->send(QString());
        QTRY_COMPARE(pair->received.size(), 5);
        QCOMPARE(pair->received.last(), QString());
    }

    void whatTheKernelRefusesIsQueuedInOrder()
    {
        auto pair = connect(256 * 1024 * 1024);
        QVERIFY(pair);
        // Far more than the kernel's socket buffers, written while the client reads nothing
        // (it reads only when this loop comes round): the rest waits in Qt's buffer.
        const QString padding(60000, u'p');
        constexpr int Count = 400;
        for (int i = 0; i < Count; ++i)
            pair->connection->send(QString(QString::number(i) + QLatin1Char(' ') + padding));
        QVERIFY(pair->connection->socket()->bytesToWrite() > 0);
        QTRY_COMPARE_WITH_TIMEOUT(pair->received.size(), Count, 20000);
        for (int i = 0; i < Count; ++i)
            QVERIFY(pair->received.at(i).startsWith(QString::number(i) + QLatin1Char(' ')));
        QTRY_COMPARE(pair->connection->socket()->bytesToWrite(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_DirectSocket)
#include "tst_directsocket.moc"
