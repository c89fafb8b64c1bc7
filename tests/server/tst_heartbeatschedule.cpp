// SPDX-License-Identifier: MIT
// HeartbeatSchedule: the heartbeat skips the slots nobody sits in, keeps every other slot's
// turn, and a connection put in a skipped slot is not left waiting for the next round.
#include "heartbeatschedule.h"

#include <QSet>
#include <QTest>

class TestHeartbeatSchedule : public QObject
{
    Q_OBJECT

private:
    static constexpr int Slots = 100; // a 1-s interval of 10-ms ticks
    static constexpr int Tick = 10;

    /// Serves ticks until `untilMs`, each at its due time; returns the (time, slot) of each.
    static QList<QPair<qint64, int>> run(
        HeartbeatSchedule &schedule, const QSet<int> &occupied, qint64 fromMs, qint64 untilMs)
    {
        QList<QPair<qint64, int>> served;
        qint64 now = fromMs + schedule.msUntilDue(fromMs);
        while (now <= untilMs) {
            served.append({ now, schedule.slot() });
            schedule.advance([&](int slot) { return occupied.contains(slot); }, now);
            now += schedule.msUntilDue(now);
        }
        return served;
    }

private Q_SLOTS:
    void aTickForEverySlotWhenEverySlotIsOccupied()
    {
        HeartbeatSchedule schedule(Slots, Tick);
        QSet<int> all;
        for (int slot = 0; slot < Slots; ++slot)
            all.insert(slot);
        schedule.start(0);
        const auto served = run(schedule, all, 0, 2000);
        QCOMPARE(served.size(), 200);
        for (int i = 0; i < served.size(); ++i) {
            QCOMPARE(served[i].first, qint64(Tick) * (i + 1));
            QCOMPARE(served[i].second, i % Slots);
        }
    }

    void emptySlotsAreSkippedAndTheOthersKeepTheirTurns()
    {
        HeartbeatSchedule schedule(Slots, Tick);
        schedule.start(0);
        const auto served = run(schedule, { 3, 50 }, 0, 2500);
        // Slot 0 every interval (presence and silence), 3 and 50 at their own times.
        const QList<QPair<qint64, int>> expected { { 10, 0 }, { 40, 3 }, { 510, 50 }, { 1010, 0 },
            { 1040, 3 }, { 1510, 50 }, { 2010, 0 }, { 2040, 3 } };
        QCOMPARE(served, expected);
    }

    void nobodyConnectedIsOneTickAnInterval()
    {
        HeartbeatSchedule schedule(Slots, Tick);
        schedule.start(0);
        const auto served = run(schedule, {}, 0, 3500);
        const QList<QPair<qint64, int>> expected { { 10, 0 }, { 1010, 0 }, { 2010, 0 },
            { 3010, 0 } };
        QCOMPARE(served, expected);
    }

    void aSlotInTheSkippedStretchBringsTheScheduleForward()
    {
        HeartbeatSchedule schedule(Slots, Tick);
        schedule.start(0);
        QSet<int> occupied { 3, 50 };
        run(schedule, occupied, 0, 40); // 0 at 10, 3 at 40; now waiting for 50, due at 510
        QCOMPARE(schedule.slot(), 50);
        QCOMPARE(schedule.msUntilDue(100), 410);
        // A connection put in slot 20 at 100 ms: its turn (210 ms) comes before 50's.
        bool forward = false;
        QCOMPARE(schedule.msUntil(20, 100, &forward), 110);
        QVERIFY(forward);
        QCOMPARE(schedule.slot(), 20);
        QCOMPARE(schedule.msUntilDue(100), 110);
        occupied.insert(20);
        const auto served = run(schedule, occupied, 100, 1300);
        const QList<QPair<qint64, int>> expected { { 210, 20 }, { 510, 50 }, { 1010, 0 },
            { 1040, 3 }, { 1210, 20 } };
        QCOMPARE(served, expected);
    }

    void aSlotWhoseTurnHasPassedWaitsForTheNextRound()
    {
        HeartbeatSchedule schedule(Slots, Tick);
        schedule.start(0);
        run(schedule, { 3, 50 }, 0, 40);
        bool forward = true;
        // Slot 2's turn this round was at 30 ms: the next is at 1030.
        QCOMPARE(schedule.msUntil(2, 100, &forward), 930);
        QVERIFY(!forward);
        QCOMPARE(schedule.slot(), 50);
        // The slot waited for, and one after it.
        QCOMPARE(schedule.msUntil(50, 100, &forward), 410);
        QVERIFY(!forward);
        QCOMPARE(schedule.msUntil(60, 100, &forward), 510);
        QVERIFY(!forward);
    }

    void aLateTickCountsAsDueNow()
    {
        HeartbeatSchedule schedule(Slots, Tick);
        schedule.start(0);
        // Slot 0 due at 10 ms is served at 5,000 (the loop stalled): 3 follows 30 ms later,
        // not at once, and the rounds go on from there.
        schedule.advance([](int slot) { return slot == 3 || slot == 50; }, 5000);
        QCOMPARE(schedule.slot(), 3);
        QCOMPARE(schedule.msUntilDue(5000), 30);
        // A little late (jitter) changes nothing.
        schedule.advance([](int slot) { return slot == 3 || slot == 50; }, 5035);
        QCOMPARE(schedule.slot(), 50);
        QCOMPARE(schedule.msUntilDue(5035), 5500 - 5035);
    }

    void notRunningTheSlotIsThePresent()
    {
        HeartbeatSchedule schedule(Slots, Tick);
        bool forward = true;
        QCOMPARE(schedule.msUntil(0, 0, &forward), 0);
        QVERIFY(!forward);
        QCOMPARE(schedule.msUntil(42, 0), 420);
        QCOMPARE(schedule.msUntilDue(0), 0);
        schedule.advance([](int) { return true; }, 0); // a tester's tick
        QCOMPARE(schedule.slot(), 1);
        QCOMPARE(schedule.msUntil(0, 0), 990);
        QVERIFY(!schedule.isRunning());
    }
};

QTEST_GUILESS_MAIN(TestHeartbeatSchedule)
#include "tst_heartbeatschedule.moc"
