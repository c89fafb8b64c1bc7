// SPDX-License-Identifier: MIT
#pragma once

#include "indexedrows.h"
#include "protocol.h"

#include <QFlags>
#include <QMultiHash>
#include <QStringList>

/**
 * @brief Told of each change to a Roster, with the rows it touches (the shape of a list
 * model's begin/end notifications, so a model can be a view of a roster).
 *
 * Every method has an empty default: an observer overrides what it needs.
 */
class RosterObserver
{
public:
    /// @brief Which fields of a participant an update changed.
    enum class Field {
        DisplayName = 0x1,
        Type = 0x2,
        Role = 0x4,
        Presence = 0x8,
        JoinedAt = 0x10,
        Tutor = 0x20, ///< a Helpy's subject or instructions
    };
    Q_DECLARE_FLAGS(Fields, Field)

    virtual ~RosterObserver() = default;

    /// The roster is being destroyed: stop reading it.
    virtual void rosterDestroyed() { }
    virtual void rosterAboutToBeReset() { }
    virtual void rosterReset() { }
    /// A snapshot is being applied as a difference: the row changes until snapshotApplied()
    /// are its steps (an observer may wait for the end to recompute what depends on all).
    virtual void snapshotAboutToBeApplied() { }
    virtual void snapshotApplied() { }
    virtual void participantsAboutToBeInserted(int first, int last)
    {
        Q_UNUSED(first);
        Q_UNUSED(last);
    }
    virtual void participantsInserted(int first, int last)
    {
        Q_UNUSED(first);
        Q_UNUSED(last);
    }
    virtual void participantAboutToBeRemoved(int row) { Q_UNUSED(row); }
    virtual void participantRemoved(int row) { Q_UNUSED(row); }
    /// The participant at `row` changed `fields` (never empty).
    virtual void participantChanged(int row, Fields fields)
    {
        Q_UNUSED(row);
        Q_UNUSED(fields);
    }
};
Q_DECLARE_OPERATORS_FOR_FLAGS(RosterObserver::Fields)

/**
 * @brief One session's roster: who is in it, in join order, and the digest both sides
 * compare. The one place a roster event is applied.
 *
 * The server's Session keeps one (live changes and the replay at start-up apply events to
 * it), and so does the client's GroupSessionNotifier, whose roster the participant list
 * model shows: the digest the client checks is of exactly the rows on screen.
 *
 * Costs (IndexedRows): find, rowOf, at, append and removal are O(log n); a snapshot is
 * applied as a difference in O((n + m) log n); hash() is cached until the next change;
 * stageIds() and nameHolder() are kept up to date by each change (O(1) to read).
 */
class Roster
{
public:
    Roster() = default;
    ~Roster();
    /// A copy has no observer (the server copies sessions to undo a transaction).
    Roster(const Roster &other);
    Roster &operator=(const Roster &other);

    /// At most one observer (a list model); null to detach. Not owned.
    void setObserver(RosterObserver *observer) { m_observer = observer; }

    int size() const { return int(m_rows.size()); }
    bool isEmpty() const { return m_rows.isEmpty(); }
    bool contains(const QString &id) const { return m_rows.contains(id); }
    /// The participant with this id, or null.
    const Protocol::Participant *find(const QString &id) const;
    /// The row (join order) of `id`, or -1.
    int rowOf(const QString &id) const { return m_rows.rowOf(id); }
    const Protocol::Participant &at(int row) const { return m_rows.at(row); }
    /// All participants in join order. O(n): for snapshots, not per event.
    QList<Protocol::Participant> participants() const { return m_rows.toList(); }
    /// Calls f(row, participant) in join order. O(n).
    template<typename F> void forEach(F &&f) const { m_rows.forEach(std::forward<F>(f)); }

    int ownerCount() const { return m_ownerCount; }
    /// People (not Helpys) in the roster.
    int userCount() const { return m_userCount; }
    /// The Helpys' ids, in no particular order (at most a session's few Helpys): O(1).
    const QStringList &helpyIds() const { return m_helpyIds; }
    /// The stage: owners, moderators and Helpys, in no particular order. O(1), so a large
    /// session's summary snapshot costs O(stage), not O(n).
    const QStringList &stageIds() const { return m_stageIds; }
    /// The id of a participant other than `exceptId` whose name reads like `displayName`
    /// (Protocol::displayNameKey), or empty. O(1) (an index kept per change).
    QString nameHolder(const QString &displayName, const QString &exceptId) const;

    /// Applies a roster event: added and updated insert or update, removed removes.
    void apply(const Protocol::ParticipantChangeEvent &event);
    /// Appends a new participant, or updates the one with its id in place.
    void upsert(const Protocol::Participant &participant);
    /// False when `id` was not in the roster.
    bool remove(const QString &id);
    /**
     * Makes the roster equal to `participants`, order included (the server's join order):
     * a reset when it is empty, otherwise the difference. The longest run of the snapshot's
     * head that the roster already holds in that order stays in place (updated where it
     * changed); every other row is removed (bottom-up) and the rest of the snapshot appended
     * in its order. Normally that is one change per participant that differs; a participant
     * the server has further down (it left and came back while we were away) moves there by
     * a removal and an insertion. Duplicate ids: the first one counts.
     */
    void applySnapshot(const QList<Protocol::Participant> &participants);
    void clear();

    /// Protocol::rosterHash of the roster, computed once per change.
    const QString &hash() const;
    /// hash() without computing it: empty when it is stale (O(1)).
    const QString &cachedHash() const { return m_hash; }

private:
    /// Counts `participant` in (+1) or out (-1); its name key too unless `name` is false
    /// (an update that keeps the name).
    void count(const Protocol::Participant &participant, int delta, bool name = true);
    void append(const QList<Protocol::Participant> &participants);
    void update(int row, const Protocol::Participant &participant);
    /// How many of `next`, from its start, this roster holds in that order.
    qsizetype heldInOrder(const QList<const Protocol::Participant *> &next) const;

    IndexedRows<Protocol::Participant, &Protocol::Participant::id> m_rows;
    int m_ownerCount = 0;
    int m_userCount = 0;
    QStringList m_helpyIds;
    QStringList m_stageIds;
    QMultiHash<QString, QString> m_nameKeys; // Protocol::displayNameKey -> id
    mutable QString m_hash; // empty: stale
    RosterObserver *m_observer = nullptr;
};
