// SPDX-License-Identifier: MIT
// Several SessionServer nodes sharing one Redis: every client of a session sees the same
// events in the same order whichever node it is connected to, and losing a node loses
// nothing. Each test starts its own redis-server on a free loopback port.
#include "clusternode.h"
#include "fakechatcompletions.h"
#include "groupsessionnotifier.h"
#include "rawclient.h"
#include "redisprocess.h"
#include "redissessionstore.h"
#include "serveroptions.h"
#include "servicewaits.h"
#include "session.h"
#include "sessionserver.h"
#include "storeloader.h"
#include "websocketservice.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <cstdio>
#include <memory>

using namespace Qt::StringLiterals;
using namespace Protocol;

namespace {

/// The typed result of an ack; empty fields when it has none (the request failed).
template<typename Result> Result resultIn(const Ack &ack)
{
    return resultOf<Result>(ack).value_or(Result {});
}

/// One desktop client: a connection and the session it follows.
struct Client
{
    explicit Client(QString name)
        : name(std::move(name))
    { }

    QString name;
    WebSocketService service;
    std::unique_ptr<GroupSessionNotifier> session;
    int node = 0;

    bool connectTo(const QUrl &url, const QString &token = {})
    {
        return connectAndWelcome(service, url, name, token);
    }
    void follow(const QString &sessionId)
    {
        session = std::make_unique<GroupSessionNotifier>(&service, sessionId);
    }
    bool inSession() const { return session && session->hasState() && !session->isRemoved(); }
};

} // namespace

class TestRedis : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<RedisProcess> redis;
    std::unique_ptr<RedisSessionStore> inspector; ///< the test's own look at Redis
    std::vector<std::unique_ptr<SessionServer>> nodes;

    std::unique_ptr<SessionServer> makeNode(int index)
    {
        auto node = std::make_unique<SessionServer>(
            nodeOptions(redis->url(), u"node%1"_s.arg(index + 1)));
        if (!node->listen())
            qWarning() << "node" << index << "failed:" << node->errorString();
        return node;
    }

    void startNodes(int count)
    {
        for (int i = 0; i < count; ++i) {
            nodes.push_back(makeNode(i));
            QVERIFY(nodes.back()->isListening());
        }
    }

    /// The session's log as Redis has it: the source of truth.
    QStringList storedLog(const QString &sessionId)
    {
        const auto stored = inspector->session(sessionId);
        return stored ? stored->events : QStringList();
    }

    /// Ana creates the session "Art" and Ben joins it by her invite (each on the node it is
    /// connected to); the session's id, or empty if a step failed.
    QString anaInvitesBen(Client &ana, Client &ben)
    {
        const auto created = await([&](auto done) { ana.service.createSession(u"Art"_s, done); });
        if (!created.ok)
            return {};
        const QString id = resultIn<CreateSessionResult>(created.ack).sessionId;
        const auto invite = await([&](auto done) { ana.service.createInvite(id, done); });
        if (!invite.ok)
            return {};
        const bool joined = await([&](auto done) {
            ben.service.joinByInvite(resultIn<CreateInviteResult>(invite.ack).inviteCode, done);
        }).ok;
        return joined ? id : QString();
    }

private Q_SLOTS:
    void init()
    {
        if (RedisProcess::executable().isEmpty())
            QSKIP("redis-server is not installed (apt-get install redis-server); "
                  "the Redis storage is not tested");
        redis = std::make_unique<RedisProcess>();
        QVERIFY2(redis->start(), redis->output().constData());
        inspector = std::make_unique<RedisSessionStore>(redis->url(), u"inspector"_s);
        QString error;
        QVERIFY2(inspector->open(&error), qPrintable(error));
    }

    void cleanup()
    {
        nodes.clear();
        inspector.reset();
        redis.reset();
    }

    void sessionSpansNodes()
    {
        startNodes(3);
        Client ana { u"Ana"_s }, ben { u"Ben"_s }, cy { u"Cy"_s };
        QVERIFY(ana.connectTo(nodes[0]->url()));
        QVERIFY(ben.connectTo(nodes[1]->url()));
        QVERIFY(cy.connectTo(nodes[2]->url()));

        const auto created
            = await([&](auto done) { ana.service.createSession(u"Algebra"_s, done); });
        QVERIFY(created.ok);
        const QString id = resultIn<CreateSessionResult>(created.ack).sessionId;
        ana.follow(id);
        ana.session->join();
        QTRY_VERIFY(ana.session->hasState());

        // An invite made on node 1 works on node 2.
        const auto invite = await([&](auto done) { ana.service.createInvite(id, done); });
        QVERIFY(invite.ok);
        const auto joined = await([&](auto done) {
            ben.service.joinByInvite(resultIn<CreateInviteResult>(invite.ack).inviteCode, done);
        });
        QVERIFY2(joined.ok, qPrintable(joined.error.message));
        ben.follow(id);
        QVERIFY(ben.session->hasState());

        // A user node 1 never saw, added by its id: node 3 sends it the snapshot.
        QVERIFY(await([&](auto done) {
            ana.service.sendParticipantAdded(
                id, ParticipantType::User, cy.service.userId(), {}, done);
        }).ok);
        QTRY_VERIFY(cy.service.lastSnapshot(id).has_value());
        cy.follow(id);
        QVERIFY(cy.session->hasState());

        // Ben is made moderator first: only moderators and owners add Helpys (issue 11).
        QVERIFY(await([&](auto done) {
            ana.service.setRole(id, ben.service.userId(), Role::Moderator, done);
        }).ok);
        QVERIFY(await([&](auto done) {
            ben.service.sendParticipantAdded(id, ParticipantType::Helpy, {}, u"Math Helpy"_s, done);
        }).ok);
        QVERIFY(
            await([&](auto done) { cy.service.sendMessage(id, u"hi from node 3"_s, done); }).ok);
        // Permissions hold across nodes: a member on node 3 cannot remove the moderator.
        const auto refused = await(
            [&](auto done) { cy.service.sendParticipantRemoved(id, ben.service.userId(), done); });
        QVERIFY(!refused.ok);
        QVERIFY(refused.error.code == ErrorCode::Forbidden);

        const qint64 revision = storedLog(id).size();
        for (Client *c : { &ana, &ben, &cy })
            QTRY_COMPARE(c->session->revision(), revision);
        for (const auto &node : nodes) {
            QTRY_COMPARE(node->revision(id), revision);
            QCOMPARE(node->epoch(id), ana.session->epoch());
        }
        for (Client *c : { &ana, &ben, &cy }) {
            QCOMPARE(c->session->participants(), nodes[0]->participants(id));
            QCOMPARE(c->session->messages().size(), 1);
        }
        QCOMPARE(nodes[1]->participants(id), nodes[0]->participants(id));
        QCOMPARE(nodes[2]->participants(id), nodes[0]->participants(id));
    }

    // Issue 13: typing (ephemeral, never stored) crosses nodes through the event channel.
    void typingCrossesNodes()
    {
        startNodes(2);
        Client ana { u"Ana"_s }, ben { u"Ben"_s };
        QVERIFY(ana.connectTo(nodes[0]->url()));
        QVERIFY(ben.connectTo(nodes[1]->url()));
        const QString id = anaInvitesBen(ana, ben);
        QVERIFY(!id.isEmpty());
        ana.follow(id);
        ana.session->join();
        ben.follow(id);
        QTRY_VERIFY(ana.session->hasState() && ben.session->hasState());
        const qint64 revision = storedLog(id).size();

        QSignalSpy benSees(ben.session.get(), &GroupSessionNotifier::typingChanged);
        QSignalSpy anaSees(ana.session.get(), &GroupSessionNotifier::typingChanged);
        ana.service.setTyping(id, true);
        QVERIFY(benSees.wait(5000));
        QCOMPARE(benSees.constFirst().at(0).toString(), ana.service.userId());
        QCOMPARE(benSees.constFirst().at(1).toBool(), true);
        ben.service.setTyping(id, false);
        QTRY_COMPARE(anaSees.size(), 1);
        QCOMPARE(anaSees.constFirst().at(0).toString(), ben.service.userId());
        QCOMPARE(benSees.size(), 1); // nobody gets their own typing back, nor twice
        QCOMPARE(storedLog(id).size(), revision); // nothing stored
    }

    // Issue 13: Redis lost the data (FLUSHALL) under two nodes holding a session. The next
    // change finds the log behind: the session is written back under a new epoch, both
    // clients get a fresh snapshot and the change; nobody gets not_found.
    void flushedRedisStartsNewEpoch()
    {
        startNodes(2);
        Client ana { u"Ana"_s }, ben { u"Ben"_s };
        QVERIFY(ana.connectTo(nodes[0]->url()));
        QVERIFY(ben.connectTo(nodes[1]->url()));
        const QString id = anaInvitesBen(ana, ben);
        QVERIFY(!id.isEmpty());
        ana.follow(id);
        ana.session->join();
        ben.follow(id);
        QTRY_VERIFY(ana.session->hasState() && ben.session->hasState());
        QVERIFY(await([&](auto done) { ben.service.sendMessage(id, u"before"_s, done); }).ok);
        QTRY_COMPARE(ana.session->messages().size(), 1);
        const QString oldEpoch = ana.session->epoch();
        const qint64 oldRevision = ana.session->revision();

        QCOMPARE(redis->query("FLUSHALL"), "+OK");
        const auto after = await([&](auto done) { ana.service.sendMessage(id, u"after"_s, done); });
        QVERIFY2(after.ok, qPrintable(after.error.message));
        for (Client *c : { &ana, &ben }) {
            QTRY_VERIFY(c->session->epoch() != oldEpoch);
            QTRY_COMPARE(c->session->messages().size(), 2);
            QCOMPARE(c->session->messages().at(0).text, u"before"_s);
            QCOMPARE(c->session->messages().at(1).text, u"after"_s);
            QTRY_COMPARE(c->session->revision(), storedLog(id).size());
        }
        QVERIFY(storedLog(id).size() > oldRevision);
        QCOMPARE(ben.session->epoch(), ana.session->epoch());
        QCOMPARE(nodes[1]->epoch(id), ana.session->epoch());
        // Ben, on the other node, goes on in the new epoch: nothing is not_found.
        QVERIFY(await([&](auto done) { ben.service.sendMessage(id, u"and on"_s, done); }).ok);
        QTRY_COMPARE(ana.session->messages().size(), 3);
    }

    // Deleting a session forgets its messages, invites and bans in Redis too; the log keeps
    // its length (revisions are positions every node reads by), each earlier event now the
    // deletion, so a node that loads it later finds it deleted and without history.
    void deletingASessionForgetsItsHistoryInRedis()
    {
        startNodes(2);
        Client ana { u"Ana"_s }, ben { u"Ben"_s };
        QVERIFY(ana.connectTo(nodes[0]->url()));
        QVERIFY(ben.connectTo(nodes[1]->url()));
        const auto created = await([&](auto done) { ana.service.createSession(u"Art"_s, done); });
        const QString id = resultIn<CreateSessionResult>(created.ack).sessionId;
        const auto invite = await([&](auto done) { ana.service.createInvite(id, done); });
        const QByteArray code = resultIn<CreateInviteResult>(invite.ack).inviteCode.toUtf8();
        QVERIFY(
            await([&](auto done) { ben.service.joinByInvite(QString::fromUtf8(code), done); }).ok);
        QVERIFY(await([&](auto done) { ben.service.sendMessage(id, u"a secret"_s, done); }).ok);
        QVERIFY(storedLog(id).join(QString()).contains(u"a secret"_s));
        QCOMPARE(redis->query("EXISTS helpy:invite:" + code), ":1");
        QCOMPARE(redis->query("SCARD helpy:session:" + id.toUtf8() + ":invites"), ":1");

        ben.follow(id);
        ben.session->join();
        QTRY_VERIFY(ben.session->hasState());
        QSignalSpy benTold(ben.session.get(), &GroupSessionNotifier::deleted);
        QVERIFY(await([&](auto done) { ana.service.deleteSession(id, done); }).ok);
        QVERIFY(benTold.size() == 1 || benTold.wait(5000)); // on the other node, live
        QVERIFY(nodes[1]->epoch(id).size() > 0);
        const QStringList log = storedLog(id);
        QVERIFY(log.size() >= 4); // created, invite's join, message, deletion
        QCOMPARE(redis->query("HGET helpy:session:" + id.toUtf8() + " revision"),
            QByteArray::number(log.size()));
        for (const QString &event : log) {
            QVERIFY2(!event.contains(u"a secret"_s), qPrintable(event));
            QCOMPARE(event, log.constLast()); // the deletion, in every place
        }
        QVERIFY(log.constLast().contains(u"session_deleted"_s));
        QCOMPARE(redis->query("EXISTS helpy:invite:" + code), ":0");
        QCOMPARE(redis->query("EXISTS helpy:session:" + id.toUtf8() + ":invites"), ":0");
        QCOMPARE(redis->query("EXISTS helpy:session:" + id.toUtf8() + ":bans"), ":0");

        // Loaded afresh (a node that never held it): deleted, no history, same revision.
        const auto rebuilt = StoreLoader::rebuild(*inspector->session(id), ServerOptions {});
        QVERIFY(rebuilt->isDeleted());
        QVERIFY(rebuilt->recentMessages().empty());
        QCOMPARE(rebuilt->revision(), qint64(log.size()));
    }

    // session_activity crosses nodes: Ana posts on node 1; Ben's second device on node 2,
    // which does not follow the session, learns of the message as it would on one node.
    void sessionActivityCrossesNodes()
    {
        startNodes(2);
        Client ana { u"Ana"_s }, ben { u"Ben"_s };
        QVERIFY(ana.connectTo(nodes[0]->url()));
        QVERIFY(ben.connectTo(nodes[1]->url()));
        const QString id = anaInvitesBen(ana, ben);
        QVERIFY(!id.isEmpty());
        Client benPhone { u"Ben"_s }; // the same user, not following the session
        QVERIFY(benPhone.connectTo(nodes[1]->url(), ben.service.token()));
        QCOMPARE(benPhone.service.userId(), ben.service.userId());
        QVERIFY(await([&](auto done) { benPhone.service.listSessions(done); }).ok);
        QList<SessionActivity> seen;
        QObject::connect(&benPhone.service, &WebSocketService::sessionActivityReceived,
            &benPhone.service, [&](const SessionActivity &activity) { seen << activity; });

        QVERIFY(await([&](auto done) { ana.service.sendMessage(id, u"look here"_s, done); }).ok);
        QTRY_COMPARE(seen.size(), 1);
        QCOMPARE(seen.first().sessionId, id);
        QCOMPARE(seen.first().message.text, u"look here"_s);
        QCOMPARE(seen.first().message.authorId, ana.service.userId());
        QCOMPARE(seen.first().message.revision, storedLog(id).size());
    }

    // Issue 13: one node runs a session's Helpys (a lease in Redis): a question asked on
    // either node is answered once; when the holder dies, the other node takes over.
    void helpyLeaseMovesWithTheHolder()
    {
        FakeChatCompletions fake;
        QVERIFY(fake.listen());
        for (int i = 0; i < 2; ++i) {
            ServerOptions options = nodeOptions(redis->url(), u"node%1"_s.arg(i + 1));
            options.helpyEndpoint = fake.baseUrl().toString();
            options.helpyModel = u"tutor-7b"_s;
            nodes.push_back(std::make_unique<SessionServer>(options));
            QVERIFY(nodes.back()->listen());
        }
        Client ana { u"Ana"_s }, ben { u"Ben"_s };
        QVERIFY(ana.connectTo(nodes[0]->url()));
        ben.service.setAutoReconnect(false);
        QVERIFY(ben.connectTo(nodes[1]->url()));
        const QString id = anaInvitesBen(ana, ben);
        QVERIFY(!id.isEmpty());
        QVERIFY(await([&](auto done) {
            ana.service.sendParticipantAdded(id, ParticipantType::Helpy, {}, u"Math Helpy"_s, done);
        }).ok);
        ana.follow(id);
        ana.session->join();
        QTRY_VERIFY(ana.session->hasState());
        const auto answers = [&] {
            int count = 0;
            for (const ChatMessage &m : ana.session->messages())
                count += m.authorId != ana.service.userId() && m.authorId != ben.service.userId();
            return count;
        };

        // Asked on node 2: node 2 takes the lease and answers; asked on node 1: node 2
        // (the holder) answers again, node 1 does not.
        QVERIFY(await([&](auto done) {
            ben.service.sendMessage(id, u"@Math Helpy what is 2+2?"_s, done);
        }).ok);
        QTRY_COMPARE(answers(), 1);
        QCOMPARE(redis->query("GET helpy:helpys:" + id.toUtf8()), "node2");
        QVERIFY(await([&](auto done) {
            ana.service.sendMessage(id, u"@Math Helpy and 3+3?"_s, done);
        }).ok);
        QTRY_COMPARE(answers(), 2);
        QCOMPARE(fake.requests.size(), 2); // one model call per question: nobody answered twice
        QCOMPARE(ana.session->messages().size(), 4);

        // The holder dies (no goodbye: its lease lapses); node 1 takes over.
        nodes[1].reset();
        QTRY_COMPARE_WITH_TIMEOUT(redis->query("EXISTS helpy:helpys:" + id.toUtf8()), ":0", 10000);
        QVERIFY(await([&](auto done) {
            ana.service.sendMessage(id, u"@Math Helpy and 4+4?"_s, done);
        }).ok);
        QTRY_COMPARE(answers(), 3);
        QCOMPARE(redis->query("GET helpy:helpys:" + id.toUtf8()), "node1");
        QCOMPARE(fake.requests.size(), 3);
    }

    // Issue 11: a ban, a revocation and a code's uses made on one node hold on the other,
    // which reads them from Redis when it decides (they change without an event to replay).
    void bansAndInviteTermsHoldAcrossNodes()
    {
        startNodes(2);
        RawClient a, b, c, d;
        QVERIFY(a.signIn(nodes[0]->url(), u"Ana"_s));
        QVERIFY(b.signIn(nodes[1]->url(), u"Ben"_s));
        QVERIFY(c.signIn(nodes[1]->url(), u"Cy"_s));
        QVERIFY(d.signIn(nodes[0]->url(), u"Dee"_s));
        const QString id
            = a.request({ { "type", "create_session" }, { "title", "Algebra" } })["sessionId"]
                  .toString();
        const auto invite = [&](int maxUses) {
            return a
                .request({ { "type", "create_invite" }, { "sessionId", id },
                    { "maxUses", maxUses } })["inviteCode"]
                .toString();
        };
        const auto join = [](RawClient &client, const QString &code) {
            return client.request({ { "type", "join_session" }, { "inviteCode", code } });
        };
        const QString code = invite(5);
        QCOMPARE(join(b, code)["type"], "ack");
        QCOMPARE(a.request({ { "type", "ban_participant" }, { "sessionId", id },
                     { "participantId", b.userId } })["type"],
            "ack");
        QCOMPARE(join(b, code)["code"], "forbidden"); // node 2 knows the ban

        QCOMPARE(a.request({ { "type", "revoke_invite" }, { "sessionId", id },
                     { "inviteCode", code } })["type"],
            "ack");
        QCOMPARE(join(c, code)["code"], "not_found"); // node 2 knows the revocation

        const QString once = invite(1);
        QCOMPARE(join(c, once)["type"], "ack"); // used on node 2 …
        QCOMPARE(join(d, once)["code"], "not_found"); // … node 1 knows it is used up

        QCOMPARE(a.request({ { "type", "unban_participant" }, { "sessionId", id },
                     { "participantId", b.userId } })["type"],
            "ack");
        QCOMPARE(join(b, invite(1))["type"], "ack");
    }

    void retryOnAnotherNodeIsAppliedOnce()
    {
        startNodes(2);
        RawClient first;
        QVERIFY(first.signIn(nodes[0]->url(), u"Ana"_s));
        const QJsonObject created
            = first.request({ { "type", "create_session" }, { "title", "Bio" } });
        QCOMPARE(created["type"].toString(), u"ack"_s);
        const QString id = created["sessionId"].toString();
        const QJsonObject message { { "type", "send_message" }, { "requestId", "m-1" },
            { "sessionId", id }, { "text", "once" } };
        const QJsonObject ack = first.request(message);
        QCOMPARE(ack["type"].toString(), u"ack"_s);
        const qsizetype logged = storedLog(id).size();

        // The same user on another node retries the same request: answered, not re-applied.
        RawClient second;
        QVERIFY(second.signIn(nodes[1]->url(), u"Ana"_s, first.token));
        QCOMPARE(second.userId, first.userId);
        const QJsonObject again = second.request(message);
        QCOMPARE(again, ack);
        QCOMPARE(storedLog(id).size(), logged);
    }

    void restartedNodeKeepsTheEpoch()
    {
        startNodes(1);
        RawClient ana;
        QVERIFY(ana.signIn(nodes[0]->url(), u"Ana"_s));
        const QJsonObject created
            = ana.request({ { "type", "create_session" }, { "title", "Chem" } });
        const QString id = created["sessionId"].toString();
        const QString epoch = created["epoch"].toString();
        QCOMPARE(ana.request({ { "type", "send_message" }, { "sessionId", id },
                     { "text", "a" } })["type"]
                     .toString(),
            u"ack"_s);
        const qint64 seen = nodes[0]->revision(id);
        nodes.clear(); // Ana's connection closes with it: she goes offline, an event too
        const qint64 revision = storedLog(id).size();
        QVERIFY(revision > seen);
        startNodes(1);
        QCOMPARE(nodes[0]->epoch(id), epoch);
        QCOMPARE(nodes[0]->revision(id), revision);
        // The client resumes with only what it missed.
        RawClient again;
        QVERIFY(again.signIn(nodes[0]->url(), u"Ana"_s, ana.token));
        const QJsonObject resumed = again.request({ { "type", "join_session" }, { "sessionId", id },
            { "epoch", epoch }, { "sinceRevision", seen } });
        QVERIFY(resumed["resumed"].toBool());
        const QList<QJsonObject> missed = again.events(id);
        QVERIFY(missed.size() >= revision - seen); // and then her coming back online
        QCOMPARE(missed.first()["revision"].toInteger(), seen + 1);
    }

    void deadNodeUsersGoOffline()
    {
        startNodes(2);
        NodeProcess doomed;
        QVERIFY(doomed.start(redis->url(), u"doomed"_s));
        Client ana { u"Ana"_s }, xu { u"Xu"_s };
        QVERIFY(ana.connectTo(nodes[0]->url()));
        xu.service.setAutoReconnect(false);
        QVERIFY(xu.connectTo(doomed.url()));
        const auto created = await([&](auto done) { ana.service.createSession(u"Art"_s, done); });
        const QString id = resultIn<CreateSessionResult>(created.ack).sessionId;
        QVERIFY(await([&](auto done) {
            ana.service.sendParticipantAdded(
                id, ParticipantType::User, xu.service.userId(), {}, done);
        }).ok);
        ana.follow(id);
        ana.session->join();
        QTRY_VERIFY(ana.session->participant(xu.service.userId()).has_value());
        QVERIFY(ana.session->participant(xu.service.userId())->presence == Presence::Online);

        // The node dies without a word: its presence keys expire and another node says so.
        doomed.kill();
        QTRY_VERIFY_WITH_TIMEOUT(
            ana.session->participant(xu.service.userId())->presence == Presence::Offline, 15000);
        QCOMPARE(nodes[0]->participants(id), ana.session->participants());
    }

    void costPerMutation()
    {
        startNodes(1);
        RawClient ana;
        QVERIFY(ana.signIn(nodes[0]->url(), u"Ana"_s));
        const QString id
            = ana.request({ { "type", "create_session" }, { "title", "Cost" } })["sessionId"]
                  .toString();
        constexpr int Count = 200;
        QElapsedTimer clock;
        clock.start();
        for (int i = 0; i < Count; ++i)
            QCOMPARE(ana.request({ { "type", "send_message" }, { "sessionId", id },
                         { "text", QString::number(i) } })["type"]
                         .toString(),
                u"ack"_s);
        qInfo("redis: %.3f ms per acknowledged message (round trip, one client, loopback)",
            double(clock.nsecsElapsed()) / 1e6 / Count);
        QCOMPARE(storedLog(id).size(), Count + 1);
    }

    /**
     * Nine clients on three nodes, a few hundred random joins, leaves, adds, removes, role
     * changes and messages fired concurrently; node 3 is destroyed mid-run and its clients
     * move to the others. Every client ends where Redis and every node are, and no
     * acknowledged event is missing from the log.
     */
    void randomizedConvergenceAcrossNodes()
    {
        const quint32 seed = qEnvironmentVariableIsSet("HELPY_SEED")
            ? quint32(qEnvironmentVariableIntValue("HELPY_SEED"))
            : quint32(QDateTime::currentMSecsSinceEpoch());
        QRandomGenerator random(seed);
        const QByteArray where = "seed " + QByteArray::number(seed) + " (rerun with HELPY_SEED)";
        qInfo("randomized convergence: seed %u", seed);

        startNodes(3);
        constexpr int ClientCount = 9;
        std::vector<std::unique_ptr<Client>> clients;
        for (int i = 0; i < ClientCount; ++i) {
            auto client = std::make_unique<Client>(u"client%1"_s.arg(i));
            client->node = i % 3;
            QVERIFY(client->connectTo(nodes[client->node]->url()));
            clients.push_back(std::move(client));
        }
        Client &owner = *clients[0];
        const auto created = await([&](auto done) { owner.service.createSession(u"Mix"_s, done); });
        QVERIFY(created.ok);
        const QString id = resultIn<CreateSessionResult>(created.ack).sessionId;
        owner.follow(id);
        owner.session->join();
        QTRY_VERIFY(owner.session->hasState());
        const auto invite = await([&](auto done) { owner.service.createInvite(id, done); });
        const QString code = resultIn<CreateInviteResult>(invite.ack).inviteCode;

        struct Acked
        {
            qint64 revision;
            QString messageId;
        };
        QList<Acked> acked;
        int pending = 0;
        int answered = 0;
        int refused = 0;
        const auto track = [&](Client *client, bool rejoin) {
            ++pending;
            return [&, client, rejoin](const WebSocketService::Reply &reply) {
                --pending;
                ++answered;
                if (!reply.ok) {
                    ++refused;
                    return;
                }
                if (reply.ack.revision)
                    acked.append(
                        { *reply.ack.revision, resultIn<SendMessageResult>(reply.ack).messageId });
                if (rejoin)
                    client->follow(id); // from the snapshot that came just before the ack
            };
        };

        for (int i = 1; i < ClientCount; ++i) {
            Client *c = clients[i].get();
            c->service.joinByInvite(code, track(c, true));
        }
        QVERIFY2(QTest::qWaitFor([&] { return pending == 0; }, 20000), where);

        constexpr int Rounds = 60;
        constexpr int OpsPerRound = 6;
        bool killed = false;
        for (int round = 0; round < Rounds; ++round) {
            for (int op = 0; op < OpsPerRound; ++op) {
                Client *c = clients[random.bounded(ClientCount)].get();
                const bool isOwner = c == &owner;
                if (!c->inSession()) {
                    c->service.joinByInvite(code, track(c, true));
                    continue;
                }
                const QList<Participant> roster = c->session->participants();
                const Participant &other = roster.at(random.bounded(int(roster.size())));
                switch (random.bounded(7)) {
                case 0:
                case 1:
                    c->service.sendMessage(
                        id, u"%1 says %2"_s.arg(c->name).arg(round), track(c, false));
                    break;
                case 2:
                    c->service.sendParticipantAdded(id, ParticipantType::Helpy, {},
                        u"Helpy %1"_s.arg(random.bounded(1000)), track(c, false));
                    break;
                case 3:
                    if (!isOwner) {
                        c->service.leaveSession(id, track(c, false));
                        break;
                    }
                    [[fallthrough]];
                case 4:
                    if (other.id != c->service.userId())
                        c->service.sendParticipantRemoved(id, other.id, track(c, false));
                    break;
                default:
                    if (isOwner && other.type == ParticipantType::User
                        && other.id != c->service.userId())
                        c->service.setRole(id, other.id,
                            other.role == Role::Member ? Role::Moderator : Role::Member,
                            track(c, false));
                    else
                        c->service.sendMessage(id, u"filler"_s, track(c, false));
                }
            }
            if (round == Rounds / 2 && !killed) {
                // Node 3 dies with requests in flight; its clients go to the others with
                // their tokens, resume, and re-send what was not answered.
                killed = true;
                nodes[2].reset();
                for (auto &client : clients) {
                    if (client->node != 2)
                        continue;
                    client->node = int(random.bounded(2));
                    client->service.connectToServer(
                        nodes[client->node]->url(), client->name, client->service.token());
                }
            }
            QVERIFY2(QTest::qWaitFor([&] { return pending == 0; }, 30000),
                where + " round " + QByteArray::number(round) + ": " + QByteArray::number(pending)
                    + " requests unanswered");
        }
        qInfo("%d requests answered, %d refused (permissions, races)", answered, refused);
        QVERIFY2(answered >= Rounds * OpsPerRound / 2, where);

        // Redis's log is the truth; every node and every client in the session ends there.
        const QStringList log = storedLog(id);
        const qint64 revision = log.size();
        for (int i = 0; i < 2; ++i)
            QVERIFY2(
                QTest::qWaitFor([&] { return nodes[i]->revision(id) == revision; }, 10000), where);
        QCOMPARE(nodes[1]->participants(id), nodes[0]->participants(id));
        const QList<Participant> truth = nodes[0]->participants(id);
        int following = 0;
        for (auto &client : clients) {
            if (!client->inSession())
                continue;
            ++following;
            QVERIFY2(
                QTest::qWaitFor([&] { return client->session->revision() == revision; }, 15000),
                where + ' ' + client->name.toUtf8() + " at "
                    + QByteArray::number(client->session->revision()) + " of "
                    + QByteArray::number(revision));
            QVERIFY2(client->session->participants() == truth,
                where + ' ' + client->name.toUtf8() + ": "
                    + ids(client->session->participants()).join(u',').toUtf8() + " vs "
                    + ids(truth).join(u',').toUtf8());
        }
        QVERIFY2(following > 0, where);

        // Lost acknowledged events: each acked revision is in the log, each message where
        // its ack said.
        int lost = 0;
        for (const Acked &a : std::as_const(acked)) {
            if (a.revision > revision
                || (!a.messageId.isEmpty() && !log.at(a.revision - 1).contains(a.messageId)))
                ++lost;
        }
        qInfo("%lld acknowledged changes checked against the log, %d lost", qint64(acked.size()),
            lost);
        QVERIFY2(lost == 0, where);
    }
};

/// `tst_redis --serve-node REDIS_URL NODE_ID`: a node in a process of its own, so that a
/// test can kill it for real (SIGKILL: no close frames, no last words to Redis).
int main(int argc, char *argv[])
{
    if (const int served = serveNodeIfAsked(argc, argv); served >= 0)
        return served;
    QCoreApplication app(argc, argv);
    TestRedis test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_redis.moc"
