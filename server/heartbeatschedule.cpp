// SPDX-License-Identifier: MIT
#include "heartbeatschedule.h"

#include <algorithm>

HeartbeatSchedule::HeartbeatSchedule(int slotCount, int tickMs)
    : m_slots(std::max(1, slotCount))
    , m_tickMs(std::max(1, tickMs))
{ }

void HeartbeatSchedule::start(qint64 nowMs)
{
    m_running = true;
    m_dueMs = nowMs + m_tickMs;
}

qint64 HeartbeatSchedule::msUntilDue(qint64 nowMs) const
{
    return m_running ? std::max<qint64>(0, m_dueMs - nowMs) : 0;
}

void HeartbeatSchedule::advance(const std::function<bool(int slot)> &occupied, qint64 nowMs)
{
    int passed = 1;
    int next = (m_slot + 1) % m_slots;
    while (next != 0 && !occupied(next)) {
        next = (next + 1) % m_slots;
        ++passed;
    }
    m_slot = next;
    // Served more than a tick late (a stall): counted from now, as if it had been due now,
    // so that the slots passed keep their turns after it.
    const qint64 servedDue = nowMs - m_dueMs > m_tickMs ? nowMs : m_dueMs;
    m_dueMs = servedDue + qint64(passed) * m_tickMs;
}

qint64 HeartbeatSchedule::msUntil(int slot, qint64 nowMs, bool *broughtForward)
{
    if (broughtForward)
        *broughtForward = false;
    slot = ((slot % m_slots) + m_slots) % m_slots;
    const int ahead = (slot - m_slot + m_slots) % m_slots;
    if (!m_running)
        return qint64(ahead) * m_tickMs;
    const qint64 untilDue = msUntilDue(nowMs);
    if (ahead == 0)
        return untilDue;
    // In the stretch skipped before the slot waited for, and its turn still to come.
    const qint64 dueOfSlot = m_dueMs - qint64(m_slots - ahead) * m_tickMs;
    if (dueOfSlot >= nowMs) {
        m_slot = slot;
        m_dueMs = dueOfSlot;
        if (broughtForward)
            *broughtForward = true;
        return dueOfSlot - nowMs;
    }
    return untilDue + qint64(ahead) * m_tickMs;
}
