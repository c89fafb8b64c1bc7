// SPDX-License-Identifier: MIT
#pragma once

#include <QtGlobal>

#include <functional>

/**
 * @brief When the heartbeat's next tick is due, and which slot of connections it serves.
 *
 * The heartbeat interval is cut into slots of one tick each (SessionServer: 10 ms); each
 * connection sits in one slot and is pinged when its slot comes round. The schedule skips
 * the slots nobody sits in: it waits for the next slot with someone in it, or for slot 0,
 * which is served every interval (presence and silence are checked there). A server with a
 * few connections — the app hosting a study group — wakes a few times an interval, not a
 * hundred times a second; one with a connection in every slot ticks every tick, as before.
 *
 * Times are milliseconds on one steady clock, given by the caller; nothing here reads a
 * clock or runs a timer, so the rules are tested alone (tst_heartbeatschedule).
 */
class HeartbeatSchedule
{
public:
    HeartbeatSchedule(int slotCount, int tickMs);

    int slotCount() const { return m_slots; }
    int tickMs() const { return m_tickMs; }
    /// The slot the next tick serves.
    int slot() const { return m_slot; }
    bool isRunning() const { return m_running; }

    /// Runs from `nowMs`: the next tick, one tick from now, serves the slot the schedule is at.
    void start(qint64 nowMs);
    void stop() { m_running = false; }
    /// Milliseconds until the next tick is due (0 when it is late); 0 when not running.
    qint64 msUntilDue(qint64 nowMs) const;

    /// The tick of slot() was served: moves on to the next slot that is `occupied` or is 0,
    /// due as many ticks after the one served as slots were passed. A tick served more than
    /// a tick late (a stall) counts as due now: the ones after it do not run back to back.
    void advance(const std::function<bool(int slot)> &occupied, qint64 nowMs);

    /// Milliseconds from now until `slot` is served (a connection was just put there). A slot
    /// whose turn comes before the one the schedule waits for, in the stretch it skips,
    /// brings the schedule forward to it (`*broughtForward`: the caller's timer must be
    /// armed anew). Not running, the schedule's slot is the present, and a tick a tick.
    qint64 msUntil(int slot, qint64 nowMs, bool *broughtForward = nullptr);

private:
    int m_slots;
    int m_tickMs;
    int m_slot = 0;
    qint64 m_dueMs = 0;
    bool m_running = false;
};
