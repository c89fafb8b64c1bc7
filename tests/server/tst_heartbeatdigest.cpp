// SPDX-License-Identifier: MIT
// Session::heartbeatDigest: a heartbeat's session_digest computes a changing roster's hash at
// most once an interval (a join storm no longer costs an O(N) hash every tick), and every
// digest it gives is true of the revision it names.
#include "protocol.h"
#include "session.h"

#include <QTest>

using namespace Protocol;

class TestHeartbeatDigest : public QObject
{
    Q_OBJECT

private:
    static constexpr qint64 Interval = 100;

    /// Adds a person to the session as Transactions::publish() does: applied, then recorded.
    static void join(Session &session, int i)
    {
        Participant p;
        p.id = QStringLiteral("u%1").arg(i, 4, 10, QChar(u'0'));
        p.displayName = QStringLiteral("Student %1").arg(i);
        auto event = changeOf(ParticipantChangeEvent::Type::Added, p, p.id);
        event.revision = session.nextRevision();
        session.applyChange(event);
        session.record(event.revision, QStringLiteral("{}"));
    }

    /// The definition: the hash of the roster as it is now, from a copy of its participants.
    static QString hashOfRoster(const Session &session)
    {
        QList<Participant> participants;
        session.roster().forEach([&](qsizetype, const Participant &p) { participants.append(p); });
        return rosterHash(participants);
    }

private Q_SLOTS:
    void aQuietSessionsDigestIsCurrent()
    {
        Session session(
            QStringLiteral("s"), QStringLiteral("Maths"), QStringLiteral("e1"), 100, 50);
        for (int i = 0; i < 3; ++i)
            join(session, i);
        const SessionDigest first = session.heartbeatDigest(0, Interval);
        QCOMPARE(first.sessionId, QStringLiteral("s"));
        QCOMPARE(first.epoch, QStringLiteral("e1"));
        QCOMPARE(first.revision, 3);
        QCOMPARE(first.participantCount, 3);
        QCOMPARE(first.rosterHash, hashOfRoster(session));
        // A chat message moves the revision, not the roster: the next digest, even within the
        // interval, is at the new revision (the hash is kept, nothing to compute).
        session.record(session.nextRevision(), QStringLiteral("{}"));
        const SessionDigest after = session.heartbeatDigest(1, Interval);
        QCOMPARE(after.revision, 4);
        QCOMPARE(after.rosterHash, first.rosterHash);
    }

    void aStormIsHashedAtMostOnceAnIntervalAndEachDigestIsTrueOfItsRevision()
    {
        Session session(
            QStringLiteral("s"), QStringLiteral("Maths"), QStringLiteral("e1"), 1000, 50);
        join(session, 0);
        // The truth at every revision, to check each digest against.
        QHash<qint64, QString> hashAt { { session.revision(), hashOfRoster(session) } };
        QSet<qint64> revisionsGiven;
        qint64 lastRevision = 0;
        // A change every tick (10 ms) for one second, a digest asked for after each.
        for (int tick = 1; tick <= 100; ++tick) {
            join(session, tick);
            hashAt.insert(session.revision(), hashOfRoster(session));
            const qint64 now = tick * 10;
            const SessionDigest digest = session.heartbeatDigest(now, Interval);
            QVERIFY2(hashAt.contains(digest.revision), "a digest at a revision that never was");
            QCOMPARE(digest.rosterHash, hashAt.value(digest.revision));
            QCOMPARE(digest.participantCount, int(digest.revision)); // one join per revision
            QVERIFY(digest.revision >= lastRevision); // never backwards
            QVERIFY2(session.revision() - digest.revision <= Interval / 10,
                "a digest older than one interval of changes");
            lastRevision = digest.revision;
            revisionsGiven.insert(digest.revision);
        }
        // 100 changes in 1 s: hashed at 10, 110, ..., 910 ms, not 100 times.
        QCOMPARE(revisionsGiven.size(), 10);
        // Once the storm is over, the first digest an interval on is current.
        const SessionDigest settled = session.heartbeatDigest(100 * 10 + Interval, Interval);
        QCOMPARE(settled.revision, session.revision());
        QCOMPARE(settled.rosterHash, hashOfRoster(session));
        QCOMPARE(settled.participantCount, 101);
    }
};

QTEST_GUILESS_MAIN(TestHeartbeatDigest)
#include "tst_heartbeatdigest.moc"
