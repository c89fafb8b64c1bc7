// SPDX-License-Identifier: MIT
#pragma once

#include <QHash>
#include <QList>
#include <QString>
#include <QtGlobal>

#include <bit>
#include <optional>
#include <vector>

/**
 * @brief Counts the live slots before a slot, and finds the k-th live slot, both in O(log n).
 *
 * A Fenwick (binary indexed) tree over one 0/1 entry per slot. Slots are only appended
 * (push) or dropped from the end (pop), and a slot in between can be switched off (kill).
 */
class LiveSlotTree
{
public:
    qsizetype slotCount() const { return qsizetype(m_tree.size()) - 1; }

    /// Appends a live slot. O(log n).
    void push()
    {
        const qsizetype node = qsizetype(m_tree.size()); // nodes are 1-based: slot + 1
        // The node counts the slots (node − lowbit(node), node]: itself and those before it.
        m_tree.push_back(1 + liveBefore(node - 1) - liveBefore(node - (node & -node)));
    }

    /// Drops the last slot, live or not. O(1): no other node's range ends after it.
    void pop() { m_tree.pop_back(); }

    void kill(qsizetype slot)
    {
        for (qsizetype node = slot + 1; node < qsizetype(m_tree.size()); node += node & -node)
            --m_tree[node];
    }

    /// How many live slots lie before `slot` (the row of a live slot).
    qsizetype liveBefore(qsizetype slot) const
    {
        qsizetype sum = 0;
        for (qsizetype node = slot; node > 0; node -= node & -node)
            sum += m_tree[node];
        return sum;
    }

    /// The slot of the live slot with `k` live slots before it (the slot of row k).
    qsizetype findLive(qsizetype k) const
    {
        const qsizetype n = slotCount();
        qsizetype node = 0; // the last node whose prefix holds at most k live slots
        for (qsizetype step = qsizetype(std::bit_floor(size_t(n))); step > 0; step >>= 1) {
            if (node + step <= n && m_tree[node + step] <= k) {
                node += step;
                k -= m_tree[node];
            }
        }
        return node; // node + 1 is the one we want, i.e. slot `node`
    }

    /// Makes `count` live slots and nothing else. O(n).
    void reset(qsizetype count)
    {
        m_tree.assign(count + 1, 1);
        m_tree[0] = 0;
        for (qsizetype node = 1; node <= count; ++node) {
            const qsizetype parent = node + (node & -node);
            if (parent <= count)
                m_tree[parent] += m_tree[node];
        }
    }

private:
    std::vector<int> m_tree { 0 };
};

/**
 * @brief The rows of a list model with an id → row index: O(log n) per lookup, append or
 * removal, whatever the row, and O(1) for each while no row has been removed.
 *
 * Each row is stored once, under a handle that never changes while the row is shown (the id
 * index maps id → handle), and takes the next slot of a slot list that only grows at the
 * end. A removal empties its slot and touches no other row, and a LiveSlotTree over the
 * slots turns slot ↔ row: row(slot) = live slots before it, slot(row) = the row-th live slot.
 *
 * The one renumbering is a compaction of the slot list, when the empty slots outnumber the
 * rows (and some minimum). It follows at least n/2 removals, so removals stay amortised
 * O(log n), and it only rewrites small integers (slot → handle and handle → slot; the rows
 * and the id index stay put), a few µs per thousand rows. The models never insert in the
 * middle — a snapshot diff updates rows in place and appends the new ones — so nothing else
 * renumbers slots; a middle insert (a diff that reorders) would have to compact and
 * renumber the same way, once, in O(n).
 *
 * `Key` names the member that identifies a row; it must not change while the row is shown.
 */
template<typename T, QString T::*Key> class IndexedRows
{
public:
    qsizetype size() const { return m_live; }
    bool isEmpty() const { return m_live == 0; }
    /// Rows plus empty slots: at most 2 × size() + a small constant (checked by the tests).
    qsizetype slotCount() const { return qsizetype(m_slots.size()); }

    const T &at(qsizetype row) const
    {
        Q_ASSERT(row >= 0 && row < m_live);
        return *m_stored[handleAt(row)];
    }

    /// The row of `key`, or -1.
    int rowOf(const QString &key) const
    {
        const auto it = m_handleOf.constFind(key);
        return it == m_handleOf.cend() ? -1 : int(rowOfSlot(m_slotOfHandle[size_t(*it)]));
    }
    bool contains(const QString &key) const { return m_handleOf.contains(key); }

    /// Adds a row at the end; its key must not be shown yet.
    void append(const T &value)
    {
        Q_ASSERT(!contains(value.*Key));
        Handle handle = m_firstFree;
        if (handle == NoHandle) {
            handle = Handle(m_stored.size());
            m_stored.emplace_back();
            m_slotOfHandle.emplace_back();
        } else {
            m_firstFree = m_slotOfHandle[size_t(handle)];
        }
        m_stored[size_t(handle)] = value;
        m_slotOfHandle[size_t(handle)] = Handle(m_slots.size());
        m_handleOf.insert(value.*Key, handle);
        m_slots.push_back(handle);
        m_tree.push();
        ++m_live;
    }

    /// Replaces a row by a value with the same key.
    void replace(qsizetype row, const T &value)
    {
        std::optional<T> &stored = m_stored[handleAt(row)];
        Q_ASSERT((*stored).*Key == value.*Key);
        *stored = value;
    }

    void removeAt(qsizetype row)
    {
        const qsizetype slot = slotOf(row);
        const Handle handle = m_slots[size_t(slot)];
        m_handleOf.remove((*m_stored[size_t(handle)]).*Key);
        m_stored[size_t(handle)].reset();
        m_slotOfHandle[size_t(handle)] = m_firstFree;
        m_firstFree = handle;
        --m_live;
        if (slot + 1 == qsizetype(m_slots.size())) {
            // The last row: drop its slot and the empty ones before it, nothing to count.
            popSlot();
            while (!m_slots.empty() && m_slots.back() == NoHandle) {
                popSlot();
                --m_dead;
            }
            return;
        }
        m_slots[size_t(slot)] = NoHandle;
        m_tree.kill(slot);
        ++m_dead;
        if (m_dead > MinDeadToCompact && m_dead > m_live)
            compact();
    }

    void clear()
    {
        m_stored.clear();
        m_slotOfHandle.clear();
        m_firstFree = NoHandle;
        m_slots.clear();
        m_handleOf.clear();
        m_tree.reset(0);
        m_live = 0;
        m_dead = 0;
    }

    /// Calls `f(row, value)` for every row, in order. O(n).
    template<typename F> void forEach(F &&f) const
    {
        qsizetype row = 0;
        for (Handle handle : m_slots) {
            if (handle != NoHandle)
                f(row++, *m_stored[size_t(handle)]);
        }
    }

    QList<T> toList() const
    {
        QList<T> list;
        list.reserve(m_live);
        forEach([&list](qsizetype, const T &value) { list.append(value); });
        return list;
    }

private:
    using Handle = int;
    static constexpr Handle NoHandle = -1;
    // Below this many empty slots a compaction is not worth its pass.
    static constexpr qsizetype MinDeadToCompact = 32;

    qsizetype slotOf(qsizetype row) const { return m_dead == 0 ? row : m_tree.findLive(row); }
    qsizetype rowOfSlot(qsizetype slot) const
    {
        return m_dead == 0 ? slot : m_tree.liveBefore(slot);
    }
    size_t handleAt(qsizetype row) const { return size_t(m_slots[size_t(slotOf(row))]); }

    void popSlot()
    {
        m_slots.pop_back();
        m_tree.pop();
    }

    void compact()
    {
        // Without branches: live and empty slots alternate at random, and mispredicted jumps
        // would cost more than the copying. An empty slot's write lands in a spare entry.
        m_slotOfHandle.push_back(NoHandle);
        const size_t spare = m_slotOfHandle.size() - 1;
        Handle to = 0;
        for (const Handle handle : m_slots) {
            const bool live = handle != NoHandle;
            m_slots[size_t(to)] = handle;
            m_slotOfHandle[live ? size_t(handle) : spare] = to;
            to += live;
        }
        m_slotOfHandle.pop_back();
        m_slots.resize(size_t(to));
        m_tree.reset(to);
        m_dead = 0;
    }

    // The rows and their slots, by handle. A compaction rewrites only m_slotOfHandle (small
    // and dense). Removed rows' handles are reused first, through a free list linked in
    // m_slotOfHandle: a separate list would be one more vector to grow during removals.
    std::vector<std::optional<T>> m_stored;
    std::vector<Handle> m_slotOfHandle;
    Handle m_firstFree = NoHandle;
    std::vector<Handle> m_slots; // slot → handle, NoHandle when the row was removed
    QHash<QString, Handle> m_handleOf;
    LiveSlotTree m_tree;
    qsizetype m_live = 0;
    qsizetype m_dead = 0;
};
