// SPDX-License-Identifier: MIT
// The session server on the wire: a real server on 127.0.0.1:0 per test, raw clients.
#include "rawclient.h"
#include "sessionserver.h"

#include <QJsonArray>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;

namespace {

bool isAnswer(const QJsonObject &frame, const char *type)
{
    return frame["type"] == QLatin1String(type);
}

} // namespace

class TestServer : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<SessionServer> server;
    ServerOptions options;

    void start()
    {
        options.port = 0;
        server = std::make_unique<SessionServer>(options);
        QVERIFY(server->listen());
    }

    /// Owner `a` creates a session; returns its id.
    QString createSession(RawClient &a, const QString &title = u"Algebra"_s)
    {
        const QJsonObject ack = a.request({ { "type", "create_session" }, { "title", title } });
        [&] { QCOMPARE(ack["type"], "ack"); }();
        const QString id = ack["sessionId"].toString();
        const QJsonObject join = a.request({ { "type", "join_session" }, { "sessionId", id } });
        [&] { QCOMPARE(join["type"], "ack"); }();
        return id;
    }

    QString invite(RawClient &a, const QString &sessionId)
    {
        const QJsonObject ack
            = a.request({ { "type", "create_invite" }, { "sessionId", sessionId } });
        return ack["inviteCode"].toString();
    }

    /// `b` joins `sessionId` by an invite `a` creates.
    bool joinByInvite(RawClient &a, RawClient &b, const QString &sessionId)
    {
        const QString code = invite(a, sessionId);
        return !code.isEmpty()
            && b.request({ { "type", "join_session" }, { "inviteCode", code } })["type"] == "ack";
    }

private Q_SLOTS:
    void init()
    {
        options = {};
        options.heartbeatSeconds = 0;
        options.presenceGraceSeconds = 0;
    }
    void cleanup() { server.reset(); }

    void helloIsWelcomedAndTokenKeepsIdentity()
    {
        start();
        RawClient a;
        QVERIFY(a.signIn(server->url(), u"Ana"_s));
        const QJsonObject welcome = a.frames.first();
        QCOMPARE(welcome["protocol"].toInt(), 1);
        QVERIFY(welcome["userId"].toString().startsWith("u-"_L1));
        QVERIFY(welcome["token"].toString().size() >= 32);
        QVERIFY(welcome["serverTime"].toString().endsWith('Z'_L1));
        QCOMPARE(welcome["heartbeatSeconds"].toInt(), 0);

        RawClient again;
        QVERIFY(again.signIn(server->url(), u"Ana"_s, a.token));
        QCOMPARE(again.userId, a.userId);
        RawClient other;
        QVERIFY(other.signIn(server->url(), u"Ana"_s, u"not-a-token"_s));
        QVERIFY(other.userId != a.userId);
    }

    void silentConnectionIsClosedWith1008()
    {
        options.helloTimeoutMs = 200;
        start();
        RawClient a;
        QVERIFY(a.open(server->url()));
        QSignalSpy closed(&a.socket, &QWebSocket::disconnected);
        QVERIFY(closed.wait(5000));
        QCOMPARE(a.socket.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
    }

    void helloDeadlinesAreEachConnectionsOwn()
    {
        // One timer serves every deadline: a hello or a close takes only its own away.
        options.helloTimeoutMs = 300;
        start();
        RawClient early, greeted, gone, late;
        QVERIFY(early.open(server->url()));
        QVERIFY(greeted.signIn(server->url(), u"Ana"_s));
        QVERIFY(gone.open(server->url()));
        QVERIFY(late.open(server->url()));
        gone.socket.close();
        QSignalSpy earlyClosed(&early.socket, &QWebSocket::disconnected);
        QSignalSpy lateClosed(&late.socket, &QWebSocket::disconnected);
        QVERIFY(lateClosed.wait(5000));
        QTRY_COMPARE(earlyClosed.size(), 1);
        QCOMPARE(early.socket.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
        QCOMPARE(late.socket.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
        QCOMPARE(greeted.socket.state(), QAbstractSocket::ConnectedState);
        QTRY_COMPARE(server->connectionCount(), 1);
    }

    // A TCP peer that never finishes its WebSocket handshake is cut at its own deadline (one
    // timer serves them all); a connection that upgraded in time is not, and neither is
    // a peer that took a port of one cut before.
    void handshakeDeadlinesCutOnlyTheStalled()
    {
        options.handshakeTimeoutMs = 300;
        start();
        const auto rawConnect = [this](QTcpSocket &socket) {
            socket.connectToHost(QHostAddress::LocalHost, server->url().port());
            return socket.waitForConnected(5000);
        };
        QTcpSocket silent;
        QVERIFY(rawConnect(silent));
        RawClient upgraded;
        QVERIFY(upgraded.open(server->url()));
        QTcpSocket partial; // half a request, and no more
        QVERIFY(rawConnect(partial));
        partial.write("GET /v1 HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        QSignalSpy silentGone(&silent, &QTcpSocket::disconnected);
        QSignalSpy partialGone(&partial, &QTcpSocket::disconnected);
        QVERIFY(partialGone.wait(5000));
        QTRY_COMPARE(silentGone.size(), 1);
        // Past the deadlines, the one upgraded in time still works.
        QCOMPARE(upgraded.socket.state(), QAbstractSocket::ConnectedState);
        upgraded.send({ { "type", "hello" }, { "protocol", 1 }, { "displayName", "Ana" } });
        QVERIFY(upgraded.waitFor([](const QJsonObject &f) { return f["type"] == "welcome"; }));
        QCOMPARE(upgraded.request({ { "type", "list_sessions" } })["type"], "ack");
        QCOMPARE(server->connectionCount(), 1);
    }

    void requestBeforeHelloIsNotAuthenticated()
    {
        start();
        RawClient a;
        QVERIFY(a.open(server->url()));
        const QJsonObject answer = a.request({ { "type", "list_sessions" } });
        QCOMPARE(answer["type"], "error");
        QCOMPARE(answer["code"], "not_authenticated");
    }

    void unsupportedProtocolIsRefused()
    {
        start();
        RawClient a;
        QVERIFY(a.open(server->url()));
        a.send({ { "type", "hello" }, { "protocol", 2 }, { "displayName", "Ana" } });
        const auto error = a.waitFor([](const QJsonObject &f) { return isAnswer(f, "error"); });
        QVERIFY(error);
        QCOMPARE((*error)["code"], "unsupported_protocol");
    }

    void wrongEndpointIsRefused()
    {
        start();
        RawClient a;
        QUrl url = server->url();
        url.setPath(u"/v2"_s);
        QSignalSpy closed(&a.socket, &QWebSocket::disconnected);
        a.socket.open(url);
        QVERIFY(closed.wait(5000));
        QCOMPARE(server->connectionCount(), 0);
    }

    void createInviteJoinAndEventsCarryTheConnectionsActor()
    {
        start();
        RawClient a, b;
        QVERIFY(a.signIn(server->url(), u"Ana"_s));
        QVERIFY(b.signIn(server->url(), u"Ben"_s));
        const QString id = createSession(a);
        const auto snapshot
            = a.waitFor([](const QJsonObject &f) { return isAnswer(f, "session_snapshot"); });
        QVERIFY(snapshot);
        QCOMPARE((*snapshot)["title"], "Algebra");
        QCOMPARE((*snapshot)["participants"].toArray().size(), 1);
        QCOMPARE((*snapshot)["participants"][0]["role"], "owner");

        const qsizetype before = a.frames.size();
        QVERIFY(joinByInvite(a, b, id));
        const auto added = a.waitFor(
            [](const QJsonObject &f) { return isAnswer(f, "participant_added"); }, before);
        QVERIFY(added);
        QCOMPARE((*added)["participantId"], b.userId);
        QCOMPARE((*added)["participantType"], "user");
        QCOMPARE((*added)["actorId"], b.userId);
        QCOMPARE((*added)["participant"]["role"], "member");
        QCOMPARE((*added)["participant"]["presence"], "online");
        QVERIFY((*added)["timestamp"].toString().endsWith('Z'_L1));

        // A frame that claims another actor changes nothing: the actor is the connection's user.
        // (Ben is made a moderator first: only moderators and owners add Helpys, issue 11.)
        QCOMPARE(a.request({ { "type", "set_role" }, { "sessionId", id },
                     { "participantId", b.userId }, { "role", "moderator" } })["type"],
            "ack");
        const qsizetype mark = a.frames.size();
        const QJsonObject ack = b.request(
            { { "type", "add_participant" }, { "sessionId", id }, { "participantType", "helpy" },
                { "displayName", "Math Helpy" }, { "actorId", a.userId } });
        QCOMPARE(ack["type"], "ack");
        const auto helpy = a.waitFor(
            [](const QJsonObject &f) { return isAnswer(f, "participant_added"); }, mark);
        QVERIFY(helpy);
        QCOMPARE((*helpy)["actorId"], b.userId);
        QCOMPARE((*helpy)["participantType"], "helpy");
        QCOMPARE((*helpy)["participant"]["displayName"], "Math Helpy");
        QCOMPARE((*helpy)["revision"].toInteger(), ack["revision"].toInteger());
        QCOMPARE(server->participants(id).size(), 3);
    }

    void strangerCannotJoinByIdAndMemberCannotRemoveOthers()
    {
        start();
        RawClient a, b, c;
        QVERIFY(a.signIn(server->url(), u"Ana"_s));
        QVERIFY(b.signIn(server->url(), u"Ben"_s));
        QVERIFY(c.signIn(server->url(), u"Cy"_s));
        const QString id = createSession(a);
        QCOMPARE(
            c.request({ { "type", "join_session" }, { "sessionId", id } })["code"], "forbidden");
        QCOMPARE(c.request({ { "type", "join_session" }, { "inviteCode", "NOPE2345" } })["code"],
            "not_found");
        QVERIFY(joinByInvite(a, b, id));
        QVERIFY(joinByInvite(a, c, id));

        // member: no removing others, no inviting, no adding people or helpys, no roles
        QCOMPARE(b.request({ { "type", "remove_participant" }, { "sessionId", id },
                     { "participantId", c.userId } })["code"],
            "forbidden");
        QCOMPARE(
            b.request({ { "type", "create_invite" }, { "sessionId", id } })["code"], "forbidden");
        QCOMPARE(b.request({ { "type", "set_role" }, { "sessionId", id },
                     { "participantId", c.userId }, { "role", "moderator" } })["code"],
            "forbidden");
        QCOMPARE(b.request({ { "type", "add_participant" }, { "sessionId", id },
                     { "participantType", "user" }, { "participantId", c.userId } })["code"],
            "forbidden");
        QCOMPARE(b.request({ { "type", "add_participant" }, { "sessionId", id },
                     { "participantType", "helpy" }, { "displayName", "Tutor" } })["code"],
            "forbidden");
        const QJsonObject helpy = a.request({ { "type", "add_participant" }, { "sessionId", id },
            { "participantType", "helpy" }, { "displayName", "Tutor" } });
        QCOMPARE(helpy["type"], "ack");
        QCOMPARE(b.request({ { "type", "remove_participant" }, { "sessionId", id },
                     { "participantId", helpy["participantId"] } })["code"],
            "forbidden");

        // moderator: removes members and helpys, not the owner; only the owner removes a moderator
        QCOMPARE(a.request({ { "type", "set_role" }, { "sessionId", id },
                     { "participantId", b.userId }, { "role", "moderator" } })["type"],
            "ack");
        QCOMPARE(b.request({ { "type", "remove_participant" }, { "sessionId", id },
                     { "participantId", a.userId } })["code"],
            "forbidden");
        QCOMPARE(b.request({ { "type", "remove_participant" }, { "sessionId", id },
                     { "participantId", helpy["participantId"] } })["type"],
            "ack");
        QCOMPARE(a.request({ { "type", "set_role" }, { "sessionId", id },
                     { "participantId", c.userId }, { "role", "moderator" } })["type"],
            "ack");
        QCOMPARE(b.request({ { "type", "remove_participant" }, { "sessionId", id },
                     { "participantId", c.userId } })["code"],
            "forbidden");
        QCOMPARE(a.request({ { "type", "remove_participant" }, { "sessionId", id },
                     { "participantId", c.userId } })["type"],
            "ack");

        // the last owner cannot give the role away, but may leave: the role passes on to the
        // next moderator (issue 11; it used to be a conflict, which left ownerless sessions)
        QCOMPARE(a.request({ { "type", "set_role" }, { "sessionId", id },
                     { "participantId", a.userId }, { "role", "member" } })["code"],
            "conflict");
        QCOMPARE(a.request({ { "type", "leave_session" }, { "sessionId", id } })["type"], "ack");
        QCOMPARE(server->participants(id).size(), 1);
        QCOMPARE(server->participants(id).first().id, b.userId);
        QVERIFY(server->participants(id).first().role == Protocol::Role::Owner);
    }

    void removedParticipantGetsItsRemovalThenNothing()
    {
        start();
        RawClient a, b;
        QVERIFY(a.signIn(server->url(), u"Ana"_s));
        QVERIFY(b.signIn(server->url(), u"Ben"_s));
        const QString id = createSession(a);
        QVERIFY(joinByInvite(a, b, id));
        QCOMPARE(a.request({ { "type", "remove_participant" }, { "sessionId", id },
                     { "participantId", b.userId } })["type"],
            "ack");
        const auto removed
            = b.waitFor([](const QJsonObject &f) { return isAnswer(f, "participant_removed"); });
        QVERIFY(removed);
        QCOMPARE((*removed)["reason"], "removed");
        QCOMPARE((*removed)["actorId"], a.userId);
        const qsizetype after = b.frames.size();
        QCOMPARE(a.request(
                     { { "type", "send_message" }, { "sessionId", id }, { "text", "hi" } })["type"],
            "ack");
        // b's next answer proves the server processed everything before it
        QCOMPARE(b.request({ { "type", "list_sessions" } })["sessions"].toArray().size(), 0);
        QCOMPARE(b.events(id, after).size(), 0);
        QCOMPARE(b.request(
                     { { "type", "send_message" }, { "sessionId", id }, { "text", "hi" } })["code"],
            "forbidden");
    }

    void addedUserReceivesSnapshotOnEveryConnection()
    {
        start();
        RawClient a, b1, b2;
        QVERIFY(a.signIn(server->url(), u"Ana"_s));
        QVERIFY(b1.signIn(server->url(), u"Ben"_s));
        QVERIFY(b2.signIn(server->url(), u"Ben"_s, b1.token));
        const QString id = createSession(a);
        QCOMPARE(a.request({ { "type", "add_participant" }, { "sessionId", id },
                     { "participantType", "user" }, { "participantId", b1.userId } })["type"],
            "ack");
        for (RawClient *b : { &b1, &b2 }) {
            const auto snapshot
                = b->waitFor([](const QJsonObject &f) { return isAnswer(f, "session_snapshot"); });
            QVERIFY(snapshot);
            QCOMPARE((*snapshot)["participants"].toArray().size(), 2);
        }
        QCOMPARE(a.request({ { "type", "send_message" }, { "sessionId", id },
                     { "text", "welcome" } })["type"],
            "ack");
        for (RawClient *b : { &b1, &b2 })
            QVERIFY(b->waitFor([](const QJsonObject &f) {
                return isAnswer(f, "message") && f["text"] == "welcome";
            }));
        // adding someone present is a successful no-op
        const qint64 revision = server->revision(id);
        const QJsonObject again = a.request({ { "type", "add_participant" }, { "sessionId", id },
            { "participantType", "user" }, { "participantId", b1.userId } });
        QCOMPARE(again["type"], "ack");
        QCOMPARE(again["added"], false);
        QCOMPARE(server->revision(id), revision);
        QCOMPARE(a.request({ { "type", "add_participant" }, { "sessionId", id },
                     { "participantType", "user" }, { "participantId", "u-nobody" } })["code"],
            "not_found");
    }

    void sameRequestIdAppliesOnceAndIsAnsweredTwice()
    {
        start();
        RawClient a;
        QVERIFY(a.signIn(server->url(), u"Ana"_s));
        const QString id = createSession(a);
        const qint64 revision = server->revision(id);
        const QJsonObject request { { "type", "send_message" }, { "requestId", "m-1" },
            { "sessionId", id }, { "text", "once" } };
        const QJsonObject first = a.request(request);
        const qsizetype mark = a.frames.size();
        const QJsonObject second = a.request(request);
        QCOMPARE(first["type"], "ack");
        QCOMPARE(second, first);
        QCOMPARE(server->revision(id), revision + 1);
        QCOMPARE(a.events(id, mark).size(), 0);
        // an error is remembered too
        const QJsonObject bad { { "type", "remove_participant" }, { "requestId", "x-1" },
            { "sessionId", id }, { "participantId", "u-none" } };
        QCOMPARE(a.request(bad)["code"], "not_found");
        QCOMPARE(a.request(bad)["code"], "not_found");
        // and a create_session retried from another connection of the same user gives the same
        // session
        RawClient again;
        QVERIFY(again.signIn(server->url(), u"Ana"_s, a.token));
        const QJsonObject create { { "type", "create_session" }, { "requestId", "c-1" },
            { "title", "Once" } };
        QCOMPARE(again.request(create)["sessionId"], a.request(create)["sessionId"]);
        QCOMPARE(server->sessionCount(), 2);
    }

    void resumeSendsExactlyTheMissedEventsInOrder()
    {
        start();
        RawClient a;
        auto b = std::make_unique<RawClient>();
        QVERIFY(a.signIn(server->url(), u"Ana"_s));
        QVERIFY(b->signIn(server->url(), u"Ben"_s));
        const QString id = createSession(a);
        QVERIFY(joinByInvite(a, *b, id));
        const QString epoch = server->epoch(id);
        const qint64 seen = server->revision(id);
        const QString token = b->token;
        b.reset(); // Ben's connection drops

        QCOMPARE(a.request({ { "type", "add_participant" }, { "sessionId", id },
                     { "participantType", "helpy" }, { "displayName", "Tutor" } })["type"],
            "ack");
        QCOMPARE(a.request({ { "type", "send_message" }, { "sessionId", id },
                     { "text", "one" } })["type"],
            "ack");
        QCOMPARE(a.request({ { "type", "send_message" }, { "sessionId", id },
                     { "text", "two" } })["type"],
            "ack");
        // Ben's presence changes while away (reconnecting/offline) and back on hello: those count
        // too
        RawClient back;
        QVERIFY(back.signIn(server->url(), u"Ben"_s, token));
        const qint64 missedCount = server->revision(id) - seen;
        QVERIFY(missedCount >= 3);
        const QJsonObject ack = back.request({ { "type", "join_session" }, { "sessionId", id },
            { "epoch", epoch }, { "sinceRevision", seen } });
        QCOMPARE(ack["type"], "ack");
        QCOMPARE(ack["resumed"], true);
        const QList<QJsonObject> missed = back.events(id);
        QCOMPARE(missed.size(), missedCount);
        for (qsizetype i = 0; i < missed.size(); ++i)
            QCOMPARE(missed[i]["revision"].toInteger(), seen + 1 + i);
        QVERIFY(!back.waitFor(
            [](const QJsonObject &f) { return isAnswer(f, "session_snapshot"); }, 0, 0));
        QStringList texts;
        for (const QJsonObject &event : missed) {
            if (event["type"] == "message")
                texts << event["text"].toString();
        }
        QCOMPARE(texts, QStringList({ u"one"_s, u"two"_s }));
    }

    void resumeBeyondTheLogOrAcrossEpochsGetsASnapshot()
    {
        options.eventLogSize = 2;
        start();
        RawClient a, b;
        QVERIFY(a.signIn(server->url(), u"Ana"_s));
        QVERIFY(b.signIn(server->url(), u"Ben"_s));
        const QString id = createSession(a);
        const qint64 seen = server->revision(id);
        for (const char *text : { "one", "two", "three" })
            QCOMPARE(a.request({ { "type", "send_message" }, { "sessionId", id },
                         { "text", text } })["type"],
                "ack");
        QCOMPARE(a.request({ { "type", "join_session" }, { "sessionId", id },
                     { "epoch", server->epoch(id) }, { "sinceRevision", seen } })["resumed"],
            false);
        QCOMPARE(a.request({ { "type", "join_session" }, { "sessionId", id }, { "epoch", "other" },
                     { "sinceRevision", server->revision(id) } })["resumed"],
            false);
        QCOMPARE(a.request({ { "type", "join_session" }, { "sessionId", id },
                     { "epoch", server->epoch(id) },
                     { "sinceRevision", server->revision(id) - 1 } })["resumed"],
            true);
        int snapshots = 0;
        for (const QJsonObject &f : a.frames)
            snapshots += isAnswer(f, "session_snapshot");
        QCOMPARE(snapshots, 3); // the first join and the two refused resumes
    }

    void badInputGetsErrorsAndOthersAreStillServed()
    {
        start();
        RawClient a, bad;
        QVERIFY(a.signIn(server->url(), u"Ana"_s));
        QVERIFY(bad.signIn(server->url(), u"Mallory"_s));
        const QString id = createSession(a);

        bad.socket.sendTextMessage(u"{not json"_s);
        auto error = bad.waitFor([](const QJsonObject &f) { return isAnswer(f, "error"); });
        QVERIFY(error);
        QCOMPARE((*error)["code"], "bad_request");

        qsizetype mark = bad.frames.size();
        bad.socket.sendBinaryMessage(QByteArray("\x00\x01", 2));
        error = bad.waitFor([](const QJsonObject &f) { return isAnswer(f, "error"); }, mark);
        QVERIFY(error);
        QCOMPARE((*error)["code"], "bad_request");

        QCOMPARE(bad.request({ { "type", "fly_to_moon" } })["code"], "bad_request");
        QCOMPARE(bad.request(
                     { { "type", "send_message" }, { "sessionId", 5 }, { "text", "x" } })["code"],
            "bad_request");
        QCOMPARE(bad.request({ { "type", "send_message" }, { "sessionId", id },
                     { "text", QString(4001, 'x'_L1) } })["code"],
            "too_large");
        QCOMPARE(bad.request({ { "type", "list_sessions" } })["type"], "ack"); // still usable

        mark = bad.frames.size();
        QSignalSpy closed(&bad.socket, &QWebSocket::disconnected);
        bad.socket.sendTextMessage(
            u"{\"type\":\"send_message\",\"text\":\""_s + QString(1 << 20, 'x'_L1) + u"\"}"_s);
        error = bad.waitFor([](const QJsonObject &f) { return isAnswer(f, "error"); }, mark);
        QVERIFY(error);
        QCOMPARE((*error)["code"], "too_large");
        QVERIFY(closed.size() || closed.wait(5000));
        QCOMPARE(bad.socket.closeCode(), QWebSocketProtocol::CloseCodeTooMuchData);

        QCOMPARE(a.request({ { "type", "send_message" }, { "sessionId", id },
                     { "text", "still here" } })["type"],
            "ack");
    }

    void rateLimitRefusesTheExcess()
    {
        options.maxRequestsPerSecond = 5;
        start();
        RawClient a;
        QVERIFY(a.signIn(server->url(), u"Ana"_s));
        for (int i = 0; i < 20; ++i)
            a.send({ { "type", "list_sessions" }, { "requestId", QString::number(i) } });
        QVERIFY(a.waitFor([](const QJsonObject &f) { return f["requestId"] == "19"; }));
        int limited = 0;
        for (const QJsonObject &f : a.frames)
            limited += f["code"] == "rate_limited";
        QVERIFY2(limited >= 10, qPrintable(QString::number(limited)));
    }

    // People and Helpys have separate caps (issue 11: Helpys must not lock invitees out).
    void participantLimitIsEnforced()
    {
        options.maxParticipants = 2;
        options.maxHelpys = 1;
        start();
        RawClient a, b, c;
        QVERIFY(a.signIn(server->url(), u"Ana"_s));
        QVERIFY(b.signIn(server->url(), u"Ben"_s));
        QVERIFY(c.signIn(server->url(), u"Cy"_s));
        const QString id = createSession(a);
        QCOMPARE(a.request({ { "type", "add_participant" }, { "sessionId", id },
                     { "participantType", "helpy" }, { "displayName", "One" } })["type"],
            "ack");
        QCOMPARE(a.request({ { "type", "add_participant" }, { "sessionId", id },
                     { "participantType", "helpy" }, { "displayName", "Two" } })["code"],
            "limit_exceeded");
        QVERIFY(joinByInvite(a, b, id));
        const QString code = invite(a, id);
        QCOMPARE(c.request({ { "type", "join_session" }, { "inviteCode", code } })["code"],
            "limit_exceeded");
    }

    void presenceFollowsConnectionsWithAGracePeriod()
    {
        options.presenceGraceSeconds = 1;
        start();
        RawClient a;
        auto b = std::make_unique<RawClient>();
        QVERIFY(a.signIn(server->url(), u"Ana"_s));
        QVERIFY(b->signIn(server->url(), u"Ben"_s));
        const QString id = createSession(a);
        QVERIFY(joinByInvite(a, *b, id));
        const QString ben = b->userId, token = b->token;
        auto presenceOfBen = [&](const char *presence) {
            return [ben, presence](const QJsonObject &f) {
                return isAnswer(f, "participant_updated") && f["participantId"] == ben
                    && f["participant"]["presence"] == QLatin1String(presence);
            };
        };
        // a second connection of Ben's keeps him online when the first closes
        RawClient second;
        QVERIFY(second.signIn(server->url(), u"Ben"_s, token));
        const qsizetype mark = a.frames.size();
        b.reset();
        second.socket.close();
        QVERIFY(a.waitFor(presenceOfBen("reconnecting"), mark));
        const qsizetype beforeOffline = a.frames.size();
        QVERIFY(a.waitFor(presenceOfBen("offline"), beforeOffline, 5000));
        RawClient back;
        QVERIFY(back.signIn(server->url(), u"Ben"_s, token));
        QVERIFY(a.waitFor(presenceOfBen("online"), beforeOffline));
        QVERIFY(server->participants(id).last().presence == Protocol::Presence::Online);
    }

    void aBlipShorterThanTheGraceNeverShowsOffline()
    {
        options.presenceGraceSeconds = 3;
        start();
        RawClient a;
        auto b = std::make_unique<RawClient>();
        QVERIFY(a.signIn(server->url(), u"Ana"_s));
        QVERIFY(b->signIn(server->url(), u"Ben"_s));
        const QString id = createSession(a);
        QVERIFY(joinByInvite(a, *b, id));
        const QString token = b->token;
        const qsizetype mark = a.frames.size();
        b.reset();
        QVERIFY(a.waitFor(
            [](const QJsonObject &f) { return f["participant"]["presence"] == "reconnecting"; },
            mark));
        RawClient back;
        QVERIFY(back.signIn(server->url(), u"Ben"_s, token));
        QVERIFY(a.waitFor(
            [](const QJsonObject &f) { return f["participant"]["presence"] == "online"; }, mark));
        QVERIFY(!a.waitFor(
            [](const QJsonObject &f) { return f["participant"]["presence"] == "offline"; }, mark,
            3500));
    }

    void typingIsRelayedToOthersOnly()
    {
        start();
        RawClient a, b;
        QVERIFY(a.signIn(server->url(), u"Ana"_s));
        QVERIFY(b.signIn(server->url(), u"Ben"_s));
        const QString id = createSession(a);
        QVERIFY(joinByInvite(a, b, id));
        b.send({ { "type", "set_typing" }, { "sessionId", id }, { "typing", true } });
        const auto typing = a.waitFor([](const QJsonObject &f) { return isAnswer(f, "typing"); });
        QVERIFY(typing);
        QCOMPARE((*typing)["participantId"], b.userId);
        QCOMPARE((*typing)["typing"], true);
        QVERIFY(!typing->contains("revision"));
        QCOMPARE(b.request({ { "type", "list_sessions" } })["type"], "ack");
        QVERIFY(!b.waitFor([](const QJsonObject &f) { return isAnswer(f, "typing"); }, 0, 0));
    }

    void listSessionsShowsRoleCountAndRevision()
    {
        start();
        RawClient a;
        QVERIFY(a.signIn(server->url(), u"Ana"_s));
        const QString id = createSession(a, u"Physics"_s);
        const QJsonArray sessions
            = a.request({ { "type", "list_sessions" } })["sessions"].toArray();
        QCOMPARE(sessions.size(), 1);
        QCOMPARE(sessions[0]["sessionId"], id);
        QCOMPARE(sessions[0]["title"], "Physics");
        QCOMPARE(sessions[0]["role"], "owner");
        QCOMPARE(sessions[0]["participantCount"].toInt(), 1);
        QCOMPARE(sessions[0]["revision"].toInteger(), server->revision(id));
    }
};

QTEST_GUILESS_MAIN(TestServer)
#include "tst_server.moc"
