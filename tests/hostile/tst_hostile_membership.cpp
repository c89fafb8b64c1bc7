// SPDX-License-Identifier: MIT
// Issue 11, item 6 ("Membership gaps"), attacked from outside: a real server on 127.0.0.1:0
// per test, raw clients, and SQLite where a restart must keep what was decided.
#include "rawclient.h"
#include "sessionserver.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <memory>

using namespace Qt::StringLiterals;

class TestHostileMembership : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<SessionServer> server;
    ServerOptions options;
    QTemporaryDir dir;

    void start()
    {
        options.port = 0;
        server = std::make_unique<SessionServer>(options);
        QVERIFY(server->listen());
    }

    /// Stops the server and starts another on the same SQLite file.
    void restart()
    {
        server.reset();
        start();
    }

    void useSqlite() { options.dataPath = dir.filePath(u"sessions.sqlite"_s); }

    static QString createSession(RawClient &a, const QString &title = u"Algebra"_s)
    {
        const QJsonObject ack = a.request({ { "type", "create_session" }, { "title", title } });
        const QString id = ack["sessionId"].toString();
        a.request({ { "type", "join_session" }, { "sessionId", id } });
        return id;
    }

    /// A requestId never used before: a user signing in again after a restart starts a new
    /// RawClient, whose counted ids ("r1"…) the server remembers answering already.
    static QJsonObject unique(QJsonObject frame)
    {
        frame.insert("requestId", QUuid::createUuid().toString(QUuid::WithoutBraces));
        return frame;
    }

    static QJsonObject createInvite(RawClient &a, const QString &sessionId, QJsonObject extra = {})
    {
        extra.insert("type", "create_invite");
        extra.insert("sessionId", sessionId);
        return a.request(unique(extra));
    }

    static QJsonObject join(RawClient &c, const QString &code)
    {
        return c.request(unique({ { "type", "join_session" }, { "inviteCode", code } }));
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(dir.isValid()); }
    void init()
    {
        options = {};
        options.heartbeatSeconds = 0;
        options.presenceGraceSeconds = 0;
        QFile::remove(dir.filePath(u"sessions.sqlite"_s));
    }
    void cleanup() { server.reset(); }

    // An invite lasts 7 days unless asked shorter (up to the server's maximum), admits
    // maxUses joins, can be revoked; an expired, used-up or revoked code answers like an
    // unknown one. Its terms survive a restart.
    void invitesExpireRunOutAndAreRevoked()
    {
        useSqlite();
        options.inviteGuessesPerMinute = 1000; // this test polls an expiring code
        start();
        RawClient a, b, c;
        QVERIFY(a.signIn(server->url(), u"Ana"_s));
        QVERIFY(b.signIn(server->url(), u"Ben"_s));
        QVERIFY(c.signIn(server->url(), u"Cy"_s));
        const QString id = createSession(a);

        const QJsonObject once = createInvite(a, id, { { "maxUses", 1 } });
        QCOMPARE(once["type"], "ack");
        QCOMPARE(once["maxUses"].toInt(), 1);
        const QDateTime expiresAt
            = QDateTime::fromString(once["expiresAt"].toString(), Qt::ISODateWithMs);
        const qint64 life = QDateTime::currentDateTimeUtc().secsTo(expiresAt);
        qInfo() << "default invite life:" << life << "s";
        QVERIFY(life > 7 * 24 * 3600 - 60 && life <= 7 * 24 * 3600);
        const QString code = once["inviteCode"].toString();
        QCOMPARE(join(b, code)["type"], "ack");
        const QJsonObject usedUp = join(c, code);
        QCOMPARE(usedUp["code"], "not_found");
        QVERIFY(usedUp["message"].toString().contains("used up"_L1));

        QCOMPARE(createInvite(a, id, { { "expiresInSeconds", 365 * 24 * 3600 } })["code"],
            "limit_exceeded");
        const QString brief
            = createInvite(a, id, { { "expiresInSeconds", 1 } })["inviteCode"].toString();
        QVERIFY(!brief.isEmpty());
        RawClient late; // may still get in on its first try: the code lives a second
        QVERIFY(late.signIn(server->url(), u"Lee"_s));
        QTRY_COMPARE_WITH_TIMEOUT(join(late, brief)["code"].toString(), u"not_found"_s, 5000);

        const QString revoked = createInvite(a, id)["inviteCode"].toString();
        QCOMPARE(b.request({ { "type", "revoke_invite" }, { "sessionId", id },
                     { "inviteCode", revoked } })["code"],
            "forbidden"); // a member does not revoke
        QCOMPARE(a.request({ { "type", "revoke_invite" }, { "sessionId", id },
                     { "inviteCode", revoked } })["type"],
            "ack");
        QCOMPARE(join(c, revoked)["code"], "not_found");

        const QString kept = createInvite(a, id, { { "maxUses", 2 } })["inviteCode"].toString();
        QCOMPARE(join(c, kept)["type"], "ack");
        restart();
        RawClient d2, e;
        QVERIFY(d2.signIn(server->url(), u"Dee"_s));
        QVERIFY(e.signIn(server->url(), u"Eve"_s));
        QCOMPARE(join(d2, code)["code"], "not_found"); // still used up
        QCOMPARE(join(d2, revoked)["code"], "not_found"); // still revoked
        QCOMPARE(join(d2, kept)["type"], "ack"); // its second use
        QCOMPARE(join(e, kept)["code"], "not_found"); // no third
    }

    // A banned user is removed, cannot rejoin by any invite nor be added, even after a
    // restart, until the ban is lifted. Members do not ban.
    void bannedUserStaysOutAcrossRestart()
    {
        useSqlite();
        start();
        RawClient a, b, c;
        QVERIFY(a.signIn(server->url(), u"Ana"_s));
        QVERIFY(b.signIn(server->url(), u"Ben"_s));
        QVERIFY(c.signIn(server->url(), u"Cy"_s));
        const QString id = createSession(a);
        const QString code = createInvite(a, id)["inviteCode"].toString();
        QCOMPARE(join(b, code)["type"], "ack");
        QCOMPARE(join(c, code)["type"], "ack");

        QCOMPARE(c.request({ { "type", "ban_participant" }, { "sessionId", id },
                     { "participantId", b.userId } })["code"],
            "forbidden");
        const qsizetype from = b.frames.size();
        QCOMPARE(a.request({ { "type", "ban_participant" }, { "sessionId", id },
                     { "participantId", b.userId } })["type"],
            "ack");
        QVERIFY(b.waitFor(
            [&](const QJsonObject &f) {
                return f["type"] == "participant_removed" && f["participantId"] == b.userId;
            },
            from));
        QCOMPARE(join(b, code)["code"], "forbidden");
        QCOMPARE(join(b, createInvite(a, id)["inviteCode"].toString())["code"], "forbidden");
        QCOMPARE(a.request({ { "type", "add_participant" }, { "sessionId", id },
                     { "participantType", "user" }, { "participantId", b.userId } })["code"],
            "forbidden");

        const QString token = b.token;
        const QString ownerToken = a.token;
        restart();
        RawClient a2, b2;
        QVERIFY(a2.signIn(server->url(), u"Ana"_s, ownerToken));
        QVERIFY(b2.signIn(server->url(), u"Ben"_s, token));
        const QJsonObject freshInvite = createInvite(a2, id);
        QVERIFY2(freshInvite["type"] == "ack", qPrintable(freshInvite["message"].toString()));
        const QString fresh = freshInvite["inviteCode"].toString();
        const QJsonObject refusedAfterRestart = join(b2, fresh);
        QVERIFY2(refusedAfterRestart["code"] == "forbidden",
            qPrintable(refusedAfterRestart["message"].toString()));
        QCOMPARE(a2.request(unique({ { "type", "unban_participant" }, { "sessionId", id },
                     { "participantId", b2.userId } }))["type"],
            "ack");
        QCOMPARE(join(b2, fresh)["type"], "ack");
    }

    // Unknown invite codes from one address: after N a minute, rate_limited (a valid code
    // too), from any connection of that address.
    void inviteGuessingIsThrottledPerAddress()
    {
        start();
        RawClient a, guesser, other;
        QVERIFY(a.signIn(server->url(), u"Ana"_s));
        QVERIFY(guesser.signIn(server->url(), u"Gus"_s));
        QVERIFY(other.signIn(server->url(), u"Oz"_s));
        const QString id = createSession(a);
        const QString valid = createInvite(a, id)["inviteCode"].toString();
        // The throttling is logged, once per address and minute.
        QTest::ignoreMessage(QtWarningMsg,
            QRegularExpression(u"looked up 10 unknown invite codes within a minute; throttled"_s));
        int answered = 0;
        QString last;
        for (int i = 0; i < 40; ++i) {
            last = join(guesser, u"ZZZZZZ%1"_s.arg(i, 2, 10, QLatin1Char('0')))["code"].toString();
            if (last != u"not_found"_s)
                break;
            ++answered;
        }
        qInfo() << "invite guesses answered before throttling:" << answered;
        QCOMPARE(last, u"rate_limited"_s);
        QCOMPARE(answered, options.inviteGuessesPerMinute);
        QCOMPARE(join(other, valid)["code"], "rate_limited"); // same address, other connection
    }

    // Helpys: only managers add them, up to their own cap (not the people's), with ids the
    // server assigns (h-…).
    void helpysHaveTheirOwnCapAndOnlyManagersAddThem()
    {
        options.maxParticipants = 2;
        start();
        RawClient a, b;
        QVERIFY(a.signIn(server->url(), u"Ana"_s));
        QVERIFY(b.signIn(server->url(), u"Ben"_s));
        const QString id = createSession(a);
        const auto addHelpy = [&](RawClient &c, const QString &name, const QString &helpyId = {}) {
            QJsonObject frame { { "type", "add_participant" }, { "sessionId", id },
                { "participantType", "helpy" }, { "displayName", name } };
            if (!helpyId.isEmpty())
                frame.insert("participantId", helpyId);
            return c.request(frame);
        };
        int added = 0;
        QJsonObject answer;
        for (int i = 1; i <= 10; ++i) {
            answer = addHelpy(a, u"Tutor %1"_s.arg(i));
            if (answer["type"] != "ack")
                break;
            QVERIFY(answer["participantId"].toString().startsWith("h-"_L1));
            ++added;
        }
        qInfo() << "helpys added before the cap:" << added;
        QCOMPARE(added, 5);
        QCOMPARE(answer["code"], "limit_exceeded");
        // The people's room is untouched by the Helpys.
        QCOMPARE(join(b, createInvite(a, id)["inviteCode"].toString())["type"], "ack");
        QCOMPARE(addHelpy(b, u"Mine"_s)["code"], "forbidden");
        // A client names no new Helpy id (no u-…, no TAB).
        const QString id2 = createSession(a, u"Other"_s);
        const auto addTo = [&](const QString &helpyId) {
            return a.request({ { "type", "add_participant" }, { "sessionId", id2 },
                { "participantType", "helpy" }, { "displayName", "Tut" },
                { "participantId", helpyId } });
        };
        QCOMPARE(addTo(u"u-000000000000"_s)["code"], "not_found");
        QCOMPARE(addTo(u"h-a\tb"_s)["code"], "not_found");
    }

    // The last owner leaving hands ownership to the next moderator, else the person present
    // longest, in the same transaction; with no person left the session is closed, also after
    // a restart.
    void ownershipPassesAndEmptySessionCloses()
    {
        useSqlite();
        start();
        RawClient a, b, m;
        QVERIFY(a.signIn(server->url(), u"Ana"_s));
        QVERIFY(b.signIn(server->url(), u"Ben"_s));
        QVERIFY(m.signIn(server->url(), u"Mo"_s));
        const QString id = createSession(a);
        const QString code = createInvite(a, id)["inviteCode"].toString();
        QCOMPARE(join(b, code)["type"], "ack");
        QCOMPARE(join(m, code)["type"], "ack");
        QCOMPARE(a.request({ { "type", "add_participant" }, { "sessionId", id },
                     { "participantType", "helpy" }, { "displayName", "Tutor" } })["type"],
            "ack");
        QCOMPARE(a.request({ { "type", "set_role" }, { "sessionId", id },
                     { "participantId", m.userId }, { "role", "moderator" } })["type"],
            "ack");

        qsizetype from = b.frames.size();
        const QJsonObject left = a.request({ { "type", "leave_session" }, { "sessionId", id } });
        QCOMPARE(left["type"], "ack");
        QVERIFY(b.waitFor(
            [&](const QJsonObject &f) {
                return f["type"] == "participant_removed" && f["participantId"] == a.userId;
            },
            from));
        const QList<QJsonObject> events = b.events(id, from);
        QCOMPARE(events.size(), 2);
        QCOMPARE(events.at(0)["type"], "participant_updated");
        QCOMPARE(events.at(0)["participantId"], m.userId);
        QCOMPARE(events.at(0)["participant"]["role"], "owner");
        QCOMPARE(events.at(1)["revision"].toInteger(), events.at(0)["revision"].toInteger() + 1);
        QCOMPARE(events.at(1)["revision"].toInteger(), left["revision"].toInteger());

        from = b.frames.size();
        QCOMPARE(m.request({ { "type", "leave_session" }, { "sessionId", id } })["type"], "ack");
        QVERIFY(b.waitFor(
            [&](const QJsonObject &f) {
                return f["type"] == "participant_updated" && f["participantId"] == b.userId
                    && f["participant"]["role"] == "owner";
            },
            from));

        const QString later = createInvite(b, id)["inviteCode"].toString();
        QCOMPARE(b.request({ { "type", "leave_session" }, { "sessionId", id } })["type"], "ack");
        RawClient c;
        QVERIFY(c.signIn(server->url(), u"Cy"_s));
        const QJsonObject closed = join(c, later);
        qInfo() << "joining a closed session:" << closed["code"] << closed["message"];
        QCOMPARE(closed["code"], "not_found");
        QCOMPARE(
            a.request({ { "type", "join_session" }, { "sessionId", id } })["code"], "not_found");
        QVERIFY(b.request({ { "type", "list_sessions" } })["sessions"].toArray().isEmpty());

        restart();
        RawClient c2;
        QVERIFY(c2.signIn(server->url(), u"Cy"_s));
        QCOMPARE(join(c2, later)["code"], "not_found");
    }

    // Names: NFC, invisible and control characters removed, trimmed, then the length limit;
    // no role labels; no name that differs from a member's only by such characters.
    void displayNamesAreNormalizedAndUnique()
    {
        start();
        RawClient a, b, twin, owner, tooLong, longOk;
        QVERIFY(a.signIn(server->url(), u"  A\u202Eda\u200B \u001b\n Love\u0000lace  "_s));
        QVERIFY(b.signIn(server->url(), u"Be\u0301n"_s)); // e + combining acute
        const QString id = createSession(a);
        const QJsonObject snapshot
            = *a.waitFor([](const QJsonObject &f) { return f["type"] == "session_snapshot"; });
        QCOMPARE(snapshot["participants"][0]["displayName"].toString(), u"Ada Lovelace"_s);

        const QString code = createInvite(a, id)["inviteCode"].toString();
        QCOMPARE(join(b, code)["type"], "ack");
        const auto benAdded = a.waitFor([&](const QJsonObject &f) {
            return f["type"] == "participant_added" && f["participantId"] == b.userId;
        });
        QVERIFY(benAdded);
        QCOMPARE((*benAdded)["participant"]["displayName"].toString(), u"B\u00e9n"_s);

        QVERIFY(twin.signIn(server->url(), u"ada\u200D lovelace"_s));
        const QJsonObject taken = join(twin, code);
        QCOMPARE(taken["code"], "conflict");

        owner.open(server->url());
        owner.send({ { "type", "hello" }, { "protocol", 1 }, { "displayName", "Eve (owner)" } });
        const auto refused
            = owner.waitFor([](const QJsonObject &f) { return f["type"] == "error"; });
        QVERIFY(refused);
        QCOMPARE((*refused)["code"], "bad_request");
        QCOMPARE(
            a.request({ { "type", "add_participant" }, { "sessionId", id },
                { "participantType", "helpy" }, { "displayName", "Tutor (moderator)" } })["code"],
            "bad_request");

        // The 100-character limit applies after normalization.
        QVERIFY(longOk.signIn(server->url(), QString(100, u'x') + QString(50, QChar(0x200B))));
        tooLong.open(server->url());
        tooLong.send(
            { { "type", "hello" }, { "protocol", 1 }, { "displayName", QString(101, u'y') } });
        QVERIFY(tooLong.waitFor([](const QJsonObject &f) { return f["type"] == "error"; }));
    }
};

QTEST_GUILESS_MAIN(TestHostileMembership)
#include "tst_hostile_membership.moc"
