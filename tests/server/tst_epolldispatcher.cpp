// SPDX-License-Identifier: MIT
// helpy-server's event dispatcher (EpollEventDispatcher) runs this whole test: timers,
// socket notifiers, posted events from other threads, nested loops, and a real session
// server with real clients on 127.0.0.1 — what the server needs of an event loop.
#include "epolleventdispatcher.h"
#include "groupsessionnotifier.h"
#include "servicewaits.h"
#include "sessionserver.h"
#include "websocketservice.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <memory>
#include <thread>
#include <vector>

using namespace Qt::StringLiterals;
using namespace Protocol;

class TestEpollDispatcher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void isTheDispatcherInUse()
    {
        QVERIFY(qobject_cast<EpollEventDispatcher *>(QCoreApplication::eventDispatcher()));
    }

    void timersFireInDeadlineOrderAndRepeat()
    {
        QStringList fired;
        QTimer::singleShot(40, this, [&] { fired << u"40"_s; });
        QTimer::singleShot(10, this, [&] { fired << u"10"_s; });
        QTimer::singleShot(0, this, [&] { fired << u"0"_s; });
        int ticks = 0;
        QTimer repeating;
        repeating.setInterval(5);
        connect(&repeating, &QTimer::timeout, this, [&] {
            if (++ticks == 3)
                repeating.stop();
        });
        repeating.start();
        QVERIFY(repeating.remainingTime() <= 5 && repeating.remainingTime() >= 0);
        QTRY_COMPARE(fired.size(), 3);
        QCOMPARE(fired, (QStringList { u"0"_s, u"10"_s, u"40"_s }));
        QCOMPARE(ticks, 3); // stopped from its own handler: no fourth tick
        QTest::qWait(20);
        QCOMPARE(ticks, 3);
    }

    void aTimerStoppedByAnEarlierHandlerOfThePassDoesNotFire()
    {
        QTimer first, second;
        first.setSingleShot(true);
        second.setSingleShot(true);
        int secondFired = 0;
        connect(&first, &QTimer::timeout, this, [&] { second.stop(); });
        connect(&second, &QTimer::timeout, this, [&] { ++secondFired; });
        first.start(5);
        second.start(6);
        QTest::qWait(30); // both are due in the pass that runs the first
        QCOMPARE(secondFired, 0);
        QCOMPARE(QCoreApplication::eventDispatcher()->registeredTimers(&second).size(), 0);
    }

    void aDeletedReceiverLeavesNoTimerBehind()
    {
        auto *object = new QObject;
        QTimer::singleShot(5, object, [] { QFAIL("fired for a deleted object"); });
        const int id = object->startTimer(5);
        QVERIFY(id > 0);
        QCOMPARE(QCoreApplication::eventDispatcher()->registeredTimers(object).size(), 1);
        delete object;
        QTest::qWait(20);
    }

    void socketsCarryEveryByteBothWays()
    {
        // 100 echo connections, each sending 64 KiB: reads and writes (the write notifier is
        // switched on and off as the kernel's buffer fills) must all be delivered.
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        connect(&server, &QTcpServer::newConnection, this, [&] {
            while (QTcpSocket *peer = server.nextPendingConnection()) {
                connect(
                    peer, &QTcpSocket::readyRead, peer, [peer] { peer->write(peer->readAll()); });
                connect(peer, &QTcpSocket::disconnected, peer, &QObject::deleteLater);
            }
        });
        constexpr int Clients = 100;
        const QByteArray payload(64 * 1024, 'x');
        std::vector<std::unique_ptr<QTcpSocket>> clients;
        qint64 echoed = 0;
        for (int i = 0; i < Clients; ++i) {
            auto client = std::make_unique<QTcpSocket>();
            connect(client.get(), &QTcpSocket::readyRead, this,
                [&, c = client.get()] { echoed += c->readAll().size(); });
            connect(client.get(), &QTcpSocket::connected, this,
                [&, c = client.get()] { c->write(payload); });
            client->connectToHost(QHostAddress::LocalHost, server.serverPort());
            clients.push_back(std::move(client));
        }
        QTRY_COMPARE_WITH_TIMEOUT(echoed, qint64(Clients) * payload.size(), 20000);
    }

    void postsFromOtherThreadsWakeTheLoop()
    {
        int received = 0;
        QElapsedTimer clock;
        clock.start();
        std::thread poster([&] {
            for (int i = 0; i < 1000; ++i)
                QMetaObject::invokeMethod(
                    this, [&] { ++received; }, Qt::QueuedConnection);
        });
        QTRY_COMPARE(received, 1000);
        poster.join();
        // A wake-up while blocked: only the other thread's post can end this loop before
        // the 5 s guard does.
        QEventLoop loop;
        QTimer guard;
        guard.setSingleShot(true);
        connect(&guard, &QTimer::timeout, &loop, [&] { loop.exit(1); });
        guard.start(5000);
        std::thread late([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            QMetaObject::invokeMethod(
                &loop, [&] { loop.exit(0); }, Qt::QueuedConnection);
        });
        clock.restart();
        QCOMPARE(loop.exec(), 0);
        late.join();
        QVERIFY2(clock.elapsed() < 2000, "the post did not wake the loop");
    }

    // Several threads posting as fast as they can: every post is seen, and nothing but the
    // posts wakes the loop (no timer but a 10-s guard; QTRY's own polling would hide a lost
    // wake-up). The dispatcher once cleared its "a wake-up is pending" flag before draining
    // the eventfd: a wake-up written in between was drained unseen, the flag stayed set, and
    // every later one was skipped — the loadgen's main thread slept with posts queued, and
    // the server's durable-write notices waited for the next socket event.
    void manyThreadsPostingNeverLeaveAPostUnseen()
    {
        constexpr int Threads = 4;
        constexpr int PerThread = 50'000;
        int received = 0;
        QEventLoop loop;
        QTimer guard;
        guard.setSingleShot(true);
        connect(&guard, &QTimer::timeout, &loop, [&] { loop.exit(1); });
        guard.start(10'000);
        std::vector<std::thread> posters;
        for (int t = 0; t < Threads; ++t) {
            posters.emplace_back([&] {
                for (int i = 0; i < PerThread; ++i) {
                    QMetaObject::invokeMethod(
                        &loop,
                        [&] {
                            if (++received == Threads * PerThread)
                                loop.exit(0);
                        },
                        Qt::QueuedConnection);
                }
            });
        }
        const int exit = loop.exec();
        for (std::thread &poster : posters)
            poster.join();
        QCOMPARE(received, Threads * PerThread);
        QCOMPARE(exit, 0);
    }

    void nestedLoopsAndExitWork()
    {
        int inner = 0;
        QTimer::singleShot(5, this, [&] {
            QEventLoop nested;
            QTimer::singleShot(5, &nested, [&] {
                ++inner;
                nested.quit();
            });
            nested.exec();
            ++inner;
        });
        QTRY_COMPARE(inner, 2);
        QEventLoop loop;
        QTimer::singleShot(0, &loop, [&] { loop.exit(7); });
        QCOMPARE(loop.exec(), 7);
    }

    void aSessionServerWithClientsConverges()
    {
        ServerOptions options;
        options.heartbeatSeconds = 1; // its timers run too
        SessionServer server(options);
        QVERIFY(server.listen());
        WebSocketService ana, ben;
        QVERIFY(connectAndWelcome(ana, server.url(), u"Ana"_s));
        QVERIFY(connectAndWelcome(ben, server.url(), u"Ben"_s));
        const auto created = await([&](auto done) { ana.createSession(u"Epoll"_s, done); });
        QVERIFY(created.ok);
        const QString id = resultOf<CreateSessionResult>(created.ack)->sessionId;
        const auto invite = await([&](auto done) { ana.createInvite(id, done); });
        QVERIFY(await([&](auto done) {
            ben.joinByInvite(resultOf<CreateInviteResult>(invite.ack)->inviteCode, done);
        }).ok);
        GroupSessionNotifier anaSees(&ana, id), benSees(&ben, id);
        anaSees.join();
        QTRY_VERIFY(anaSees.hasState() && benSees.hasState());
        for (int i = 0; i < 50; ++i)
            (i % 2 ? ana : ben).sendMessage(id, u"m%1"_s.arg(i));
        QTRY_COMPARE(benSees.messages().size(), 50);
        QTRY_COMPARE(anaSees.messages().size(), 50);
        QCOMPARE(anaSees.participants(), server.participants(id));
        QCOMPARE(benSees.participants(), server.participants(id));
        QCOMPARE(benSees.revision(), server.revision(id));
    }
};

int main(int argc, char *argv[])
{
    QCoreApplication::setEventDispatcher(new EpollEventDispatcher);
    QCoreApplication app(argc, argv);
    TestEpollDispatcher test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_epolldispatcher.moc"
