// SPDX-License-Identifier: MIT
// The client side of synchronisation: WebSocketService + GroupSessionNotifier against the
// real server (convergence, resume) and against a scripted server (gaps, epochs).
#include "groupsessionnotifier.h"
#include "scriptedserver.h"
#include "servicewaits.h"
#include "sessionlistloader.h"
#include "sessionlistmodel.h"
#include "sessionserver.h"
#include "websocketservice.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace Protocol;

namespace {

/// One desktop client: a connection and the session it follows, with what it applied.
struct Client
{
    WebSocketService service;
    std::unique_ptr<GroupSessionNotifier> session;
    QList<qint64> appliedRevisions;
    QStringList appliedTypes;

    bool connectTo(const QUrl &url, const QString &name, const QString &token = {})
    {
        return connectAndWelcome(service, url, name, token);
    }

    void follow(const QString &sessionId)
    {
        session = std::make_unique<GroupSessionNotifier>(&service, sessionId);
        QObject::connect(session.get(), &GroupSessionNotifier::participantChanged, session.get(),
            [this](const ParticipantChangeEvent &e) {
                appliedRevisions << e.revision;
                appliedTypes << e.typeName();
            });
        QObject::connect(session.get(), &GroupSessionNotifier::messageAppended, session.get(),
            [this](const ChatMessage &m) {
                appliedRevisions << m.revision;
                appliedTypes << u"message"_s;
            });
    }

    QStringList rosterIds() const
    {
        QStringList ids;
        for (const Participant &p : session->participants())
            ids << p.id;
        return ids;
    }
};

} // namespace

class TestSync : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<SessionServer> server;

    void startServer()
    {
        ServerOptions options;
        options.heartbeatSeconds = 0;
        options.presenceGraceSeconds = 0;
        server = std::make_unique<SessionServer>(options);
        QVERIFY(server->listen());
    }

private Q_SLOTS:
    void cleanup() { server.reset(); }

    void threeClientsSeeTheSameEventsInTheSameOrder()
    {
        startServer();
        Client ana, ben, cy;
        QVERIFY(ana.connectTo(server->url(), u"Ana"_s));
        QVERIFY(ben.connectTo(server->url(), u"Ben"_s));
        QVERIFY(cy.connectTo(server->url(), u"Cy"_s));

        auto created = await([&](auto done) { ana.service.createSession(u"Algebra"_s, done); });
        QVERIFY(created.ok);
        const QString id
            = resultOf<CreateSessionResult>(created.ack).value_or(CreateSessionResult {}).sessionId;
        ana.follow(id);
        QSignalSpy loaded(ana.session.get(), &GroupSessionNotifier::snapshotApplied);
        ana.session->join();
        QVERIFY(loaded.wait(5000));

        const auto invite = await([&](auto done) { ana.service.createInvite(id, done); });
        QVERIFY(invite.ok);
        const QString code
            = resultOf<CreateInviteResult>(invite.ack).value_or(CreateInviteResult {}).inviteCode;
        for (Client *c : { &ben, &cy }) {
            const auto joined = await([&](auto done) { c->service.joinByInvite(code, done); });
            QVERIFY(joined.ok);
            QCOMPARE(
                resultOf<JoinSessionResult>(joined.ack).value_or(JoinSessionResult {}).sessionId,
                id);
            c->follow(id); // starts from the snapshot that came with the join
            QVERIFY(c->session->hasState());
        }

        // add and remove a Helpy, a member may not add one (issue 11: only moderators and
        // owners add Helpys) so the owner adds a second, remove a member, one leaves
        const auto helpy = await([&](auto done) {
            ana.service.sendParticipantAdded(id, ParticipantType::Helpy, {}, u"Math Helpy"_s, done);
        });
        QVERIFY(helpy.ok);
        const auto memberAdds = await([&](auto done) {
            ben.service.sendParticipantAdded(id, ParticipantType::Helpy, {}, u"Chem Helpy"_s, done);
        });
        QVERIFY(!memberAdds.ok);
        QVERIFY(memberAdds.error.code == ErrorCode::Forbidden);
        QVERIFY(await([&](auto done) {
            ana.service.sendParticipantAdded(id, ParticipantType::Helpy, {}, u"Chem Helpy"_s, done);
        }).ok);
        QVERIFY(await([&](auto done) { ana.service.sendMessage(id, u"hello all"_s, done); }).ok);
        QVERIFY(await([&](auto done) {
            ana.service.sendParticipantRemoved(id,
                resultOf<AddParticipantResult>(helpy.ack)
                    .value_or(AddParticipantResult {})
                    .participantId,
                done);
        }).ok);
        const auto refused = await(
            [&](auto done) { ben.service.sendParticipantRemoved(id, cy.service.userId(), done); });
        QVERIFY(!refused.ok);
        QVERIFY(refused.error.code == ErrorCode::Forbidden);
        QVERIFY(await([&](auto done) {
            ana.service.sendParticipantRemoved(id, cy.service.userId(), done);
        }).ok);
        QTRY_VERIFY(cy.session->isRemoved());
        QVERIFY(await([&](auto done) { ben.service.leaveSession(id, done); }).ok);

        const qint64 finalRevision = server->revision(id);
        QTRY_COMPARE(ana.session->revision(), finalRevision);
        QCOMPARE(ids(ana.session->participants()), ids(server->participants(id)));
        QCOMPARE(ana.session->participants(), server->participants(id));
        QCOMPARE(ana.session->messages().size(), 1);

        // Everyone applied consecutive revisions; their common part is identical.
        for (Client *c : { &ana, &ben, &cy }) {
            for (qsizetype i = 1; i < c->appliedRevisions.size(); ++i)
                QCOMPARE(c->appliedRevisions[i], c->appliedRevisions[i - 1] + 1);
        }
        const qint64 firstBen = ben.appliedRevisions.first();
        const qsizetype offset = ana.appliedRevisions.indexOf(firstBen);
        QVERIFY(offset >= 0);
        QCOMPARE(ben.appliedTypes, ana.appliedTypes.mid(offset, ben.appliedTypes.size()));
        QCOMPARE(cy.appliedTypes.last(), u"participant_removed"_s);
        QCOMPARE(ben.appliedTypes.last(), u"participant_removed"_s);
        QCOMPARE(ana.appliedTypes.last(), u"participant_removed"_s);
        QCOMPARE(server->participants(id).size(), 2); // Ana and Chem Helpy
    }

    // The server pages list_sessions; the session list still shows every session.
    void sessionListShowsEverySessionPageByPage()
    {
        ServerOptions options;
        options.heartbeatSeconds = 0;
        options.maxListPage = 7;
        server = std::make_unique<SessionServer>(options);
        QVERIFY(server->listen());
        Client ana;
        QVERIFY(ana.connectTo(server->url(), u"Ana"_s));
        for (int i = 0; i < 20; ++i) {
            QVERIFY(await([&](auto done) {
                ana.service.createSession(u"Session %1"_s.arg(i), done);
            }).ok);
        }
        SessionListLoader loader(&ana.service);
        loader.refresh();
        QTRY_COMPARE(loader.model()->count(), 20);
        loader.refresh(); // again: the same twenty, no duplicates
        QTRY_COMPARE(ana.service.pendingRequestCount(), 0);
        QCOMPARE(loader.model()->count(), 20);
    }

    void reconnectResumesWithOnlyTheMissedEvents()
    {
        startServer();
        Client ana, ben;
        QVERIFY(ana.connectTo(server->url(), u"Ana"_s));
        QVERIFY(ben.connectTo(server->url(), u"Ben"_s));
        const auto created = await([&](auto done) { ana.service.createSession(u"Bio"_s, done); });
        const QString id
            = resultOf<CreateSessionResult>(created.ack).value_or(CreateSessionResult {}).sessionId;
        const auto invite = await([&](auto done) {
            ana.service.joinSession(
                id, [&, done](const auto &) { ana.service.createInvite(id, done); });
        });
        const QString code
            = resultOf<CreateInviteResult>(invite.ack).value_or(CreateInviteResult {}).inviteCode;
        QVERIFY(await([&](auto done) { ben.service.joinByInvite(code, done); }).ok);
        ben.follow(id);

        QSignalSpy gone(&ben.service, &WebSocketService::disconnected);
        ben.service.disconnectFromServer();
        QTRY_COMPARE(gone.count(), 1);
        const qint64 seen = ben.session->revision();
        for (const QString &name : { u"Tutor A"_s, u"Tutor B"_s, u"Tutor C"_s })
            QVERIFY(await([&](auto done) {
                ana.service.sendParticipantAdded(id, ParticipantType::Helpy, {}, name, done);
            }).ok);

        QSignalSpy snapshots(ben.session.get(), &GroupSessionNotifier::snapshotApplied);
        ben.appliedRevisions.clear();
        QVERIFY(ben.connectTo(server->url(), u"Ben"_s, ben.service.token())); // resumes by itself
        QTRY_COMPARE(ben.session->revision(), server->revision(id));
        QCOMPARE(snapshots.count(), 0);
        QCOMPARE(ben.appliedRevisions.first(), seen + 1);
        QCOMPARE(ben.appliedRevisions.size(), server->revision(id) - seen);
        QCOMPARE(ben.session->participants(), server->participants(id));
    }

    /// A scripted server on a real socket: sends a snapshot at 5, then an event at 7.
    void aGapMakesTheClientResumeFromItsLastRevision()
    {
        ScriptedServer scripted;
        QVERIFY(scripted.listen());
        auto &received = scripted.received;
        Client client;
        client.service.connectToServer(scripted.url(), u"Ana"_s);
        QTRY_COMPARE(received.size(), 1);
        QCOMPARE(received[0]["type"], "hello");
        scripted.send(
            encode(Welcome { 1, u"u-1"_s, u"secret"_s, QDateTime::currentDateTimeUtc(), 15 }));
        QTRY_VERIFY(client.service.state() == WebSocketService::State::Connected);

        client.follow(u"s-1"_s);
        SessionSnapshot snapshot { u"s-1"_s, u"e1"_s, 5, u"T"_s, {}, {} };
        Participant ana { u"u-1"_s, ParticipantType::User, u"Ana"_s, Role::Owner, Presence::Online,
            QDateTime::currentDateTimeUtc() };
        snapshot.participants << ana;
        scripted.send(encode(snapshot));
        QTRY_COMPARE(client.session->revision(), 5);

        ParticipantChangeEvent event;
        event.type = ParticipantChangeEvent::Type::Added;
        event.sessionId = u"s-1"_s;
        event.epoch = u"e1"_s;
        event.revision = 7; // 6 is missing
        event.participant = { u"h-1"_s, ParticipantType::Helpy, u"Tutor"_s, Role::Member,
            Presence::Online, QDateTime::currentDateTimeUtc() };
        event.participantId = u"h-1"_s;
        event.timestamp = QDateTime::currentDateTimeUtc();
        QSignalSpy resync(client.session.get(), &GroupSessionNotifier::resyncRequested);
        scripted.send(encode(event));
        QVERIFY(resync.wait(5000));
        QTRY_COMPARE(received.size(), 2);
        QCOMPARE(received[1]["type"], "join_session");
        QCOMPARE(received[1]["sessionId"], "s-1");
        QCOMPARE(received[1]["epoch"], "e1");
        QCOMPARE(received[1]["sinceRevision"].toInteger(), 5);
        QCOMPARE(client.session->revision(), 5); // the event after the gap was not applied
        QCOMPARE(client.session->participants().size(), 1);

        // The server fills the gap: 6 then 7 apply in order; a repeat of 7 is ignored.
        ParticipantChangeEvent six = event;
        six.revision = 6;
        six.participant.id = six.participantId = u"h-0"_s;
        scripted.send(encode(six));
        scripted.send(encode(event));
        scripted.send(encode(event));
        QTRY_COMPARE(client.session->revision(), 7);
        QCOMPARE(client.appliedRevisions, QList<qint64>({ 6, 7 }));
        QCOMPARE(client.rosterIds(), QStringList({ u"u-1"_s, u"h-0"_s, u"h-1"_s }));

        // An event of another epoch: the log was lost; ask for a snapshot (no sinceRevision).
        event.epoch = u"e2"_s;
        event.revision = 1;
        scripted.send(encode(event));
        QTRY_COMPARE(received.size(), 3);
        QCOMPARE(received[2]["type"], "join_session");
        QVERIFY(!received[2].contains("sinceRevision"));
    }
};

QTEST_GUILESS_MAIN(TestSync)
#include "tst_sync.moc"
