// SPDX-License-Identifier: MIT
// Liveness, backpressure, shutdown, digests and the reconnect policy, on real sockets.
#include "backoff.h"
#include "groupsessionnotifier.h"
#include "processmemory.h"
#include "rawclient.h"
#include "rawtcpwebsocket.h"
#include "scriptedserver.h"
#include "servicewaits.h"
#include "sessionserver.h"
#include "websocketservice.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QTest>

#include <algorithm>
#include <memory>

using namespace Qt::StringLiterals;
using namespace Protocol;

namespace {

/// The typed result of an ack; empty fields when it has none (the request failed).
template<typename Result> Result resultIn(const Ack &ack)
{
    return resultOf<Result>(ack).value_or(Result {});
}

/// Reads frames from a raw client until one matches (or 5 s pass).
std::optional<QJsonObject> waitForJson(
    RawTcpWebSocket &raw, const std::function<bool(const QJsonObject &)> &match)
{
    QDeadlineTimer deadline(5000);
    while (!deadline.hasExpired()) {
        for (const auto &frame : raw.takeFrames()) {
            const QJsonObject object = QJsonDocument::fromJson(frame.payload).object();
            if (frame.opcode == 1 && match(object))
                return object;
        }
        QSignalSpy readable(&raw.socket, &QIODevice::readyRead);
        readable.wait(int(std::clamp<qint64>(deadline.remainingTime(), 1, 100)));
    }
    return std::nullopt;
}

} // namespace

class TestReliability : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void backoffIsExponentialWithFullJitterCappedAt30s()
    {
        Backoff backoff(500, 30000, 42);
        QList<int> ceilings;
        QSet<int> firstDelays;
        for (int attempt = 0; attempt < 10; ++attempt) {
            ceilings << backoff.ceilingMs();
            const int delay = backoff.nextDelayMs();
            QVERIFY(delay >= 0 && delay <= ceilings.last());
        }
        QCOMPARE(ceilings,
            QList<int>({ 500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000 }));
        // the first retry is jittered too: clients dropped together do not return together
        for (quint32 seed = 1; seed <= 20; ++seed)
            firstDelays.insert(Backoff(500, 30000, seed).nextDelayMs());
        QVERIFY(firstDelays.size() > 10);
        backoff.reset();
        QCOMPARE(backoff.ceilingMs(), 500);
    }

    void shutdownSays1001WithASpreadRetryHint()
    {
        SessionServer server;
        QVERIFY(server.listen());
        RawClient raw;
        QVERIFY(raw.signIn(server.url(), u"Ana"_s));
        WebSocketService service;
        QVERIFY(connectAndWelcome(service, server.url(), u"Ben"_s));
        QSignalSpy scheduled(&service, &WebSocketService::reconnectScheduled);
        QSignalSpy closed(&raw.socket, &QWebSocket::disconnected);
        server.close();
        QVERIFY(closed.wait(5000));
        QCOMPARE(raw.socket.closeCode(), QWebSocketProtocol::CloseCodeGoingAway);
        QVERIFY(raw.socket.closeReason().contains(u"retry-after-ms="_s));
        QVERIFY(scheduled.count() || scheduled.wait(5000));
        const int delay = scheduled.first().first().toInt();
        QVERIFY2(delay >= 500 && delay < 5000, qPrintable(QString::number(delay)));
        QCOMPARE(service.state(), WebSocketService::State::Reconnecting);
        QCOMPARE(service.reconnectDelayMs(), delay);
    }

    void digestsAtTheSameRevisionAgree()
    {
        ServerOptions options;
        options.heartbeatSeconds = 1;
        SessionServer server(options);
        QVERIFY(server.listen());
        WebSocketService service;
        QVERIFY(connectAndWelcome(service, server.url(), u"Ana"_s));
        const QString id = resultIn<CreateSessionResult>(
            await([&](auto done) { service.createSession(u"T"_s, done); }).ack)
                               .sessionId;
        GroupSessionNotifier session(&service, id);
        QSignalSpy loaded(&session, &GroupSessionNotifier::snapshotApplied);
        session.join();
        QVERIFY(loaded.wait(5000));
        QVERIFY(await([&](auto done) {
            service.sendParticipantAdded(id, ParticipantType::Helpy, {}, u"Tutor"_s, done);
        }).ok);
        QTRY_COMPARE(session.revision(), server.revision(id));
        QSignalSpy digests(&service, &WebSocketService::sessionDigestReceived);
        QSignalSpy diverged(&session, &GroupSessionNotifier::divergenceDetected);
        QVERIFY(digests.wait(5000));
        const auto digest = digests.first().first().value<SessionDigest>();
        QCOMPARE(digest.sessionId, id);
        QCOMPARE(digest.revision, session.revision());
        QCOMPARE(digest.rosterHash, rosterHash(session.participants()));
        QCOMPARE(diverged.count(), 0);
    }

    void aRosterChangingFasterThanItsDigestNeverLooksDiverged()
    {
        // A join storm in a real session: the server hashes the roster for heartbeats at
        // most every 100 ms (Session::heartbeatDigest), so a member whose heartbeat slot
        // comes just after another's is sent a digest of an earlier revision. Neither member
        // may take that for a divergence, and once the storm is over both get a digest of
        // the roster they show.
        ServerOptions options;
        options.heartbeatSeconds = 1;
        options.maxHelpys = 1000;
        options.maxRequestsPerSecond = 1000000;
        SessionServer server(options);
        QVERIFY(server.listen());
        // Connected one after the other: neighbouring heartbeat slots, 10 ms apart.
        WebSocketService ana, ben;
        QVERIFY(connectAndWelcome(ana, server.url(), u"Ana"_s));
        QVERIFY(connectAndWelcome(ben, server.url(), u"Ben"_s));
        const QString id = resultIn<CreateSessionResult>(
            await([&](auto done) { ana.createSession(u"Storm"_s, done); }).ack)
                               .sessionId;
        GroupSessionNotifier anaSession(&ana, id);
        QSignalSpy anaLoaded(&anaSession, &GroupSessionNotifier::snapshotApplied);
        anaSession.join();
        QVERIFY(anaLoaded.wait(5000));
        const QString code = resultIn<CreateInviteResult>(
            await([&](auto done) { ana.createInvite(id, done); }).ack)
                                 .inviteCode;
        QVERIFY(await([&](auto done) { ben.joinByInvite(code, done); }).ok);
        GroupSessionNotifier benSession(&ben, id);
        QVERIFY(benSession.hasState());
        QSignalSpy anaDiverged(&anaSession, &GroupSessionNotifier::divergenceDetected);
        QSignalSpy benDiverged(&benSession, &GroupSessionNotifier::divergenceDetected);
        int digests = 0, behind = 0;
        connect(
            &ben, &WebSocketService::sessionDigestReceived, this, [&](const SessionDigest &digest) {
                ++digests;
                behind += digest.revision < benSession.revision();
            });

        // For 2.5 heartbeat intervals: five Helpys added, then those five removed, and again
        // (each five in flight at once), so the roster never stops changing.
        QElapsedTimer storm;
        storm.start();
        int changes = 0, answered = 0;
        QStringList helpys;
        while (storm.elapsed() < 2500) {
            const bool adding = helpys.isEmpty();
            const QStringList removing = std::exchange(helpys, {});
            for (int i = 0; i < 5; ++i) {
                const auto done = [&](const WebSocketService::Reply &reply) {
                    QVERIFY(reply.ok);
                    if (adding)
                        helpys.append(resultIn<AddParticipantResult>(reply.ack).participantId);
                    ++answered;
                };
                if (adding) {
                    ana.sendParticipantAdded(
                        id, ParticipantType::Helpy, {}, u"Tutor %1"_s.arg(changes), done);
                } else {
                    ana.sendParticipantRemoved(id, removing.at(i), done);
                }
                ++changes;
            }
            QTRY_COMPARE(answered, changes);
        }
        qInfo("storm: %d changes in %lld ms", changes, storm.elapsed());
        QVERIFY2(digests >= 2, qPrintable(QString::number(digests)));
        QCOMPARE(anaDiverged.count(), 0);
        QCOMPARE(benDiverged.count(), 0);
        qInfo("Ben received %d digests, %d of them of an earlier revision", digests, behind);

        // Quiet now: the next heartbeat's digest is of the last revision, and matches.
        QTRY_COMPARE(benSession.revision(), server.revision(id));
        QSignalSpy benDigests(&ben, &WebSocketService::sessionDigestReceived);
        QTRY_VERIFY_WITH_TIMEOUT(std::any_of(benDigests.cbegin(), benDigests.cend(),
                                     [&](const QList<QVariant> &args) {
                                         const auto digest = args.first().value<SessionDigest>();
                                         return digest.revision == server.revision(id)
                                             && digest.rosterHash
                                             == rosterHash(benSession.participants());
                                     }),
            5000);
        QCOMPARE(benSession.participants().size(), helpys.size() + 2);
        QCOMPARE(anaDiverged.count(), 0);
        QCOMPARE(benDiverged.count(), 0);
    }

    void aDivergentRosterIsReplacedByASnapshot()
    {
        ScriptedServer scripted;
        QVERIFY(scripted.listen());
        auto &received = scripted.received;
        WebSocketService service;
        service.connectToServer(scripted.url(), u"Ana"_s);
        QTRY_COMPARE(received.size(), 1);
        scripted.send(encode(Welcome { 1, u"u-1"_s, u"t"_s, QDateTime::currentDateTimeUtc(), 15 }));
        QTRY_COMPARE(service.state(), WebSocketService::State::Connected);
        GroupSessionNotifier session(&service, u"s-1"_s);
        SessionSnapshot snapshot { u"s-1"_s, u"e1"_s, 5, u"T"_s, {}, {} };
        snapshot.participants << Participant { u"u-1"_s, ParticipantType::User, u"Ana"_s,
            Role::Owner, Presence::Online, QDateTime::currentDateTimeUtc() };
        scripted.send(encode(snapshot));
        QTRY_COMPARE(session.revision(), 5);

        QSignalSpy diverged(&session, &GroupSessionNotifier::divergenceDetected);
        // a digest of another revision proves nothing and is ignored
        scripted.send(encode(SessionDigest { u"s-1"_s, u"e1"_s, 6, QString(64, u'0') }));
        // one at our revision with another hash means our roster is wrong
        scripted.send(encode(SessionDigest { u"s-1"_s, u"e1"_s, 5, QString(64, u'0') }));
        QVERIFY(diverged.wait(5000));
        QCOMPARE(diverged.count(), 1);
        QTRY_COMPARE(received.size(), 2);
        QCOMPARE(received[1]["type"], "join_session");
        QVERIFY(!received[1].contains("sinceRevision")); // a snapshot, not a resume
        // and a matching digest changes nothing
        scripted.send(
            encode(SessionDigest { u"s-1"_s, u"e1"_s, 5, rosterHash(snapshot.participants) }));
        scripted.send(encode(snapshot));
        QTRY_COMPARE(service.pendingRequestCount(), 1); // the join, unanswered by this script
        QCOMPARE(diverged.count(), 1);
    }

    void aSilentPeerIsDroppedAfterTwoHeartbeats()
    {
        ServerOptions options;
        options.heartbeatSeconds = 1;
        options.presenceGraceSeconds = 30;
        SessionServer server(options);
        QVERIFY(server.listen());
        RawClient ana;
        QVERIFY(ana.signIn(server.url(), u"Ana"_s));
        RawTcpWebSocket frozen; // answers no ping: a machine that died without closing
        QVERIFY(frozen.open(server.url()));
        frozen.sendText({ { "type", "hello" }, { "protocol", 1 }, { "displayName", "Ben" } });
        QVERIFY(waitForJson(frozen, [](const QJsonObject &f) { return f["type"] == "welcome"; }));
        QCOMPARE(server.connectionCount(), 2);
        frozen.stopReading();
        QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 1, 6000);
        // the live, idle client answers pings and stays
        QCOMPARE(ana.request({ { "type", "list_sessions" } })["type"], "ack");
    }

    void aSlowReaderIsClosedWith1013WithoutHoldingUpTheOthers()
    {
        ServerOptions options;
        options.heartbeatSeconds = 0;
        options.maxRequestsPerSecond = 1000000;
        options.maxPendingBytes = 1024 * 1024;
        SessionServer server(options);
        QVERIFY(server.listen());
        WebSocketService ana, ben;
        QVERIFY(connectAndWelcome(ana, server.url(), u"Ana"_s));
        QVERIFY(connectAndWelcome(ben, server.url(), u"Ben"_s));
        const QString id = resultIn<CreateSessionResult>(
            await([&](auto done) { ana.createSession(u"Burst"_s, done); }).ack)
                               .sessionId;
        QVERIFY(await([&](auto done) { ana.joinSession(id, done); }).ok);
        const QString code = resultIn<CreateInviteResult>(
            await([&](auto done) { ana.createInvite(id, done); }).ack)
                                 .inviteCode;
        QVERIFY(await([&](auto done) { ben.joinByInvite(code, done); }).ok);
        GroupSessionNotifier benSession(&ben, id);
        QVERIFY(benSession.hasState());

        RawTcpWebSocket slow;
        QVERIFY(slow.open(server.url()));
        slow.sendText({ { "type", "hello" }, { "protocol", 1 }, { "displayName", "Slow" } });
        const auto welcome
            = waitForJson(slow, [](const QJsonObject &f) { return f["type"] == "welcome"; });
        QVERIFY(welcome);
        slow.sendText({ { "type", "join_session" }, { "requestId", "j" }, { "inviteCode", code } });
        QVERIFY(waitForJson(slow, [](const QJsonObject &f) { return f["requestId"] == "j"; }));
        slow.stopReading();

        const qint64 rssBefore = residentKiB();
        int received = 0;
        connect(&benSession, &GroupSessionNotifier::messageAppended, this, [&] { ++received; });
        // 8 kB of UTF-8 a message: more than the kernel's socket buffers can hide (~4 MiB).
        const QString text(4000, QChar(0xe9));
        for (int i = 0; i < 1000; ++i)
            ana.sendMessage(id, text);
        QTRY_COMPARE_WITH_TIMEOUT(received, 1000, 30000);
        const qint64 rssGrowthKiB = residentKiB() - rssBefore;
        qInfo("resident memory grew by %lld KiB while fanning out 1000 x 8 kB to 3 connections",
            rssGrowthKiB);
        QVERIFY2(rssGrowthKiB < 64 * 1024, "the server must not buffer without bound");
        QCOMPARE(benSession.revision(), server.revision(id));

        // The slow one reads again: it finds its backlog cut short by a 1013 close.
        slow.resumeReading();
        bool closedWith1013 = false;
        int framesRead = 0;
        QDeadlineTimer deadline(10000);
        while (!closedWith1013 && !deadline.hasExpired()) {
            for (const auto &frame : slow.takeFrames()) {
                ++framesRead;
                if (frame.opcode == 8 && frame.payload.size() >= 2)
                    closedWith1013
                        = ((uchar(frame.payload[0]) << 8) | uchar(frame.payload[1])) == 1013;
            }
            if (!closedWith1013) {
                QSignalSpy readable(&slow.socket, &QIODevice::readyRead);
                readable.wait(100);
            }
        }
        QVERIFY2(closedWith1013, qPrintable(u"read %1 frames"_s.arg(framesRead)));

        // … and resumes like any other reconnect, to the server's state.
        WebSocketService back;
        QVERIFY(connectAndWelcome(back, server.url(), u"Slow"_s, (*welcome)["token"].toString()));
        GroupSessionNotifier resumed(&back, id);
        resumed.join();
        QTRY_COMPARE(resumed.revision(), server.revision(id));
        QCOMPARE(resumed.participants(), server.participants(id));
    }
};

QTEST_GUILESS_MAIN(TestReliability)
#include "tst_reliability.moc"
