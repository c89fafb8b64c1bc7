// SPDX-License-Identifier: MIT
// ClientConnection on a DirectTcpSocket, as SessionServer wires it for ws://: a real
// DirectTcpServer and PlainWebSocket on 127.0.0.1, a real QWebSocket client.
#include "budgets.h"
#include "clientconnection.h"
#include "directtcpserver.h"
#include "plainwebsocket.h"
#include "serveroptions.h"

#include <QSignalSpy>
#include <QTest>
#include <QWebSocket>

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
        PlainWebSocket *upgraded = nullptr;
        DirectTcpSocket *direct = nullptr;
        QWebSocket client;
        std::unique_ptr<ClientConnection> connection;
        QStringList received;
    };

    static std::unique_ptr<Pair> connect(
        qint64 maxPendingBytes, const QHostAddress &listenOn = QHostAddress::LocalHost)
    {
        auto pair = std::make_unique<Pair>();
        Pair *p = pair.get();
        if (!p->tcpServer.listen(listenOn, 0))
            return nullptr;
        QObject::connect(&p->tcpServer, &DirectTcpServer::socketAccepted, &p->tcpServer, [p] {
            p->direct = p->tcpServer.takeSocket();
            auto *socket = new PlainWebSocket(p->direct);
            QObject::connect(
                socket, &PlainWebSocket::upgraded, [p, socket] { p->upgraded = socket; });
        });
        QObject::connect(&p->client, &QWebSocket::textMessageReceived, &p->client,
            [p](const QString &text) { p->received.append(text); });
        QSignalSpy connected(&p->client, &QWebSocket::connected);
        p->client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/v1").arg(p->tcpServer.serverPort())));
        if (!QTest::qWaitFor([p] { return p->upgraded; }, 5000)
            || (connected.isEmpty() && !connected.wait(5000)))
            return nullptr;
        p->connection = std::make_unique<ClientConnection>(p->upgraded, maxPendingBytes);
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

    // A fan-out's text is turned into UTF-8 once for all its recipients (PlainWebSocket keeps
    // the last one): each still gets exactly the text it was sent, whatever came before —
    // another text of the same length, one changed in place after it was sent (a copy
    // detaches), one on a raw buffer rewritten at the same address.
    void aSharedTextIsConvertedOnceAndNeverMistakenForAnother()
    {
        auto pair = connect(64 * 1024 * 1024);
        auto other = connect(64 * 1024 * 1024);
        QVERIFY(pair && other);
        QString text = QStringLiteral("{\"type\":\"event\",\"n\":%1}").arg(1);
        pair->connection->send(text);
        other->connection->send(text);
        QString changed = text;
        changed[changed.size() - 2] = u'2'; // same length, detached from what was sent
        pair->connection->send(changed);
        char16_t buffer[] = u"raw text, version A";
        const qsizetype length = qsizetype(std::size(buffer)) - 1;
        pair->connection->send(QString::fromRawData(reinterpret_cast<QChar *>(buffer), length));
        buffer[length - 1] = u'B'; // the same address and length, other content
        pair->connection->send(QString::fromRawData(reinterpret_cast<QChar *>(buffer), length));
        other->connection->send(text);
        const QStringList expected { text, changed, QStringLiteral("raw text, version A"),
            QStringLiteral("raw text, version B") };
        QTRY_COMPARE(pair->received, expected);
        QTRY_COMPARE(other->received, QStringList({ text, text }));
    }

    void framesGoToTheKernelNotOurMemory()
    {
        auto pair = connect(64 * 1024 * 1024);
        QVERIFY(pair);
        QVERIFY(pair->direct);
        QTest::qWait(0); // the handshake's pass is over
        // In a pass, a connection's frames wait in the pass's arena, not in the socket's queue;
        // when the pass ends they are in the kernel.
        pair->connection->send(QStringLiteral("{\"type\":\"first\"}"));
        pair->connection->send(QStringLiteral("{\"type\":\"second\"}"));
        QCOMPARE(pair->connection->socket()->bytesToWrite(), 0);
        QCOMPARE(pair->connection->backlog(), 0);
        QVERIFY(pair->direct->pendingBytes() > 0);
        const QString big(3 * DirectTcpSocket::LargeWriteBytes, u'x');
        pair->connection->send(big); // a large write leaves at once, with what came before
        QCOMPARE(pair->direct->pendingBytes(), 0);
        QCOMPARE(pair->connection->socket()->bytesToWrite(), 0);
        QTRY_COMPARE(pair->received.size(), 3);
        QCOMPARE(pair->received.at(1), QStringLiteral("{\"type\":\"second\"}"));
        QCOMPARE(pair->received.last(), big);
        QCOMPARE(pair->direct->pendingBytes(), 0);
    }

    // A connection's frames of one pass leave in one system call. Frames to several
    // connections interleave in the arena: each sends when it holds MaxSpans stretches.
    void aPassIsOneSystemCall()
    {
        auto pair = connect(64 * 1024 * 1024);
        auto other = connect(64 * 1024 * 1024);
        QVERIFY(pair && other);
        QTest::qWait(0); // the handshakes' pass is over
        const QString text = QString(100, u'm');
        const auto callsFor = [&](int frames, bool interleaved) {
            const quint64 before = DirectTcpSocket::systemCalls();
            const qsizetype received = pair->received.size();
            const qsizetype otherReceived = other->received.size();
            for (int i = 0; i < frames; ++i) {
                pair->connection->send(text);
                if (interleaved)
                    other->connection->send(text);
            }
            if (!QTest::qWaitFor([&] {
                    return pair->received.size() == received + frames
                        && other->received.size() == otherReceived + (interleaved ? frames : 0);
                }))
                return quint64(0);
            return DirectTcpSocket::systemCalls() - before;
        };
        QCOMPARE(callsFor(1, false), 1u);
        QCOMPARE(callsFor(3, false), 1u);
        QCOMPARE(callsFor(200, false), 1u); // adjacent in the arena: one stretch
        constexpr int Frames = 40;
        constexpr int Spans = DirectTcpSocket::MaxSpans;
        const quint64 interleaved = callsFor(Frames, true);
        QVERIFY2(interleaved >= 2 * (Frames / Spans - 1) && interleaved <= 2 * (Frames / Spans + 2),
            qPrintable(QString::number(interleaved)));
        // An empty frame is a header alone: it leaves when the pass ends.
        pair->connection->send(QString());
        QTRY_COMPARE(pair->received.size(), 1 + 3 + 200 + Frames + 1);
        QCOMPARE(pair->received.last(), QString());
        QCOMPARE(other->received.size(), Frames);
    }

    // A pass that writes more than ArenaBytes sends as it goes (the memory a pass holds is
    // bounded), keeps the order, and gives the burst's memory back when it ends.
    void aBurstHoldsBoundedMemory()
    {
        auto pair = connect(256 * 1024 * 1024);
        QVERIFY(pair);
        QTest::qWait(0);
        const QString chunk(3000, u'b');
        const int count = int(2 * DirectTcpSocket::ArenaBytes / chunk.size());
        for (int i = 0; i < count; ++i)
            pair->connection->send(QString::number(i) + QLatin1Char(' ') + chunk);
        QVERIFY(DirectTcpSocket::arenaCapacity() < 2 * DirectTcpSocket::ArenaBytes);
        QTRY_COMPARE_WITH_TIMEOUT(pair->received.size(), count, 20000);
        for (int i = 0; i < count; ++i)
            QVERIFY(pair->received.at(i).startsWith(QString::number(i) + QLatin1Char(' ')));
        QVERIFY(DirectTcpSocket::arenaCapacity() <= DirectTcpSocket::KeptArenaBytes);
    }

    void whatTheKernelRefusesIsQueuedInOrder()
    {
        auto pair = connect(256 * 1024 * 1024);
        QVERIFY(pair);
        // Far more than the kernel's socket buffers, written while the client reads nothing
        // (it reads only when this loop comes round): the rest waits in the socket's queue.
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
    // Small frames wait in the arena until the pass ends; what the kernel refuses then goes
    // to the socket's queue outside any send of ours. The backlog budgets must see it at once (and
    // the connection then follows its draining), not at its next frame.
    void aBacklogBegunAtThePassEndIsMetered()
    {
        auto pair = connect(256 * 1024 * 1024);
        QVERIFY(pair);
        Budgets budgets { ServerOptions() };
        pair->connection->meterBacklog(&budgets);
        // A small kernel buffer, so that the kernel surely refuses part of the pass.
        pair->direct->setSendBufferSize(16 * 1024);
        QTest::qWait(0);
        const QString chunk(3000, u'q');
        const int count = int(DirectTcpSocket::ArenaBytes / 2 / chunk.size());
        for (int i = 0; i < count; ++i)
            pair->connection->send(chunk);
        QCOMPARE(pair->connection->socket()->bytesToWrite(), 0); // all in the arena yet
        QCOMPARE(budgets.queuedBytes(), 0);
        // What the pass's end does for each socket (the client reads nothing meanwhile): the
        // kernel takes part, the rest is queued.
        pair->direct->push();
        QVERIFY(pair->connection->socket()->bytesToWrite() > 0);
        QCOMPARE(pair->connection->backlog(), pair->connection->socket()->bytesToWrite());
        QCOMPARE(budgets.queuedBytes(), pair->connection->backlog());
        QTRY_COMPARE_WITH_TIMEOUT(pair->received.size(), count, 20000);
        QTRY_COMPARE(budgets.queuedBytes(), 0);
        QCOMPARE(pair->connection->backlog(), 0);
    }

    // Closing with a backlog: everything queued reaches the peer before the connection ends.
    void aCloseWaitsForTheBacklog()
    {
        auto pair = connect(256 * 1024 * 1024);
        QVERIFY(pair);
        QSignalSpy gone(pair->direct, &DirectTcpSocket::disconnected);
        QSignalSpy clientGone(&pair->client, &QWebSocket::disconnected);
        const QString padding(60000, u'c');
        constexpr int Count = 100;
        for (int i = 0; i < Count; ++i)
            pair->connection->send(QString::number(i) + QLatin1Char(' ') + padding);
        QVERIFY(pair->direct->bytesToWrite() > 0);
        pair->direct->disconnectFromHost();
        QVERIFY(!pair->direct->isConnected());
        QCOMPARE(gone.size(), 0); // not before the queue is out
        QTRY_COMPARE_WITH_TIMEOUT(gone.size(), 1, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(clientGone.size(), 1, 20000);
        QCOMPARE(pair->received.size(), Count);
        QVERIFY(pair->received.last().startsWith(QStringLiteral("99 ")));
        QCOMPARE(pair->direct->bytesToWrite(), 0);
    }

    // A peer that vanishes under a backlog: the failed send cuts the connection, once, after
    // the writer's call (never under it), and the backlog's memory goes.
    void aVanishedPeerIsCutOnce()
    {
        auto pair = connect(256 * 1024 * 1024);
        QVERIFY(pair);
        pair->direct->setSendBufferSize(16 * 1024);
        QSignalSpy gone(pair->direct, &DirectTcpSocket::disconnected);
        const QString padding(60000, u'v');
        for (int i = 0; i < 50; ++i)
            pair->connection->send(padding);
        QVERIFY(pair->direct->bytesToWrite() > 0);
        pair->client.abort(); // a reset: the server's next send fails
        QTRY_COMPARE_WITH_TIMEOUT(gone.size(), 1, 5000);
        for (int i = 0; i < 5; ++i)
            pair->connection->send(padding); // refused quietly
        QTest::qWait(50);
        QCOMPARE(gone.size(), 1);
        QCOMPARE(pair->direct->bytesToWrite(), 0);
        QVERIFY(!pair->connection->socket()->isOpen());
        char byte;
        QCOMPARE(pair->direct->read(&byte, 1), -1);
    }

    // The peer's address as Qt named it: an IPv4 client of a dual-stack listener is
    // 127.0.0.1, not ::ffff:127.0.0.1 (budgets and logs key on it).
    void anIpv4PeerOfADualStackListenerIsIpv4()
    {
        auto pair = connect(1024 * 1024, QHostAddress::Any);
        QVERIFY(pair);
        QCOMPARE(pair->direct->peerAddress().protocol(), QAbstractSocket::IPv4Protocol);
        QCOMPARE(pair->direct->peerAddress(), QHostAddress(QHostAddress::LocalHost));
        QCOMPARE(pair->direct->peerPort(), pair->client.localPort());
    }
};

QTEST_GUILESS_MAIN(tst_DirectSocket)
#include "tst_directsocket.moc"
