// SPDX-License-Identifier: MIT
#include "roster.h"

#include <QSet>

using namespace Protocol;

Roster::Roster(const Roster &other)
    : m_rows(other.m_rows)
    , m_ownerCount(other.m_ownerCount)
    , m_userCount(other.m_userCount)
    , m_helpyIds(other.m_helpyIds)
    , m_stageIds(other.m_stageIds)
    , m_nameKeys(other.m_nameKeys)
    , m_hash(other.m_hash)
{ }

Roster::~Roster()
{
    if (m_observer)
        m_observer->rosterDestroyed();
}

Roster &Roster::operator=(const Roster &other)
{
    // The observer stays: it watches this object, whatever it now holds. Announced as a reset.
    if (m_observer)
        m_observer->rosterAboutToBeReset();
    m_rows = other.m_rows;
    m_ownerCount = other.m_ownerCount;
    m_userCount = other.m_userCount;
    m_helpyIds = other.m_helpyIds;
    m_stageIds = other.m_stageIds;
    m_nameKeys = other.m_nameKeys;
    m_hash = other.m_hash;
    if (m_observer)
        m_observer->rosterReset();
    return *this;
}

const Participant *Roster::find(const QString &id) const
{
    const int row = m_rows.rowOf(id);
    return row < 0 ? nullptr : &m_rows.at(row);
}

void Roster::count(const Participant &participant, int delta, bool name)
{
    if (participant.role == Role::Owner)
        m_ownerCount += delta;
    if (participant.type == ParticipantType::User)
        m_userCount += delta;
    else if (delta > 0)
        m_helpyIds.append(participant.id);
    else
        m_helpyIds.removeOne(participant.id);
    if (participant.type == ParticipantType::Helpy || participant.role != Role::Member) {
        if (delta > 0)
            m_stageIds.append(participant.id);
        else
            m_stageIds.removeOne(participant.id);
    }
    if (!name)
        return;
    const QString key = displayNameKey(participant.displayName);
    if (delta > 0)
        m_nameKeys.insert(key, participant.id);
    else
        m_nameKeys.remove(key, participant.id);
}

QString Roster::nameHolder(const QString &displayName, const QString &exceptId) const
{
    const QString key = displayNameKey(displayName);
    for (auto it = m_nameKeys.constFind(key); it != m_nameKeys.cend() && it.key() == key; ++it) {
        if (it.value() != exceptId)
            return it.value();
    }
    return {};
}

void Roster::apply(const ParticipantChangeEvent &event)
{
    if (event.type == ParticipantChangeEvent::Type::Removed)
        remove(event.participantId);
    else
        upsert(event.participant);
}

void Roster::upsert(const Participant &participant)
{
    const int row = m_rows.rowOf(participant.id);
    if (row >= 0)
        update(row, participant);
    else
        append({ participant });
}

bool Roster::remove(const QString &id)
{
    const int row = m_rows.rowOf(id);
    if (row < 0)
        return false;
    if (m_observer)
        m_observer->participantAboutToBeRemoved(row);
    count(m_rows.at(row), -1);
    m_rows.removeAt(row);
    m_hash.clear();
    if (m_observer)
        m_observer->participantRemoved(row);
    return true;
}

void Roster::append(const QList<Participant> &participants)
{
    if (participants.isEmpty())
        return;
    const int first = size();
    const int last = first + int(participants.size()) - 1;
    if (m_observer)
        m_observer->participantsAboutToBeInserted(first, last);
    for (const Participant &p : participants) {
        m_rows.append(p);
        count(p, +1);
    }
    m_hash.clear();
    if (m_observer)
        m_observer->participantsInserted(first, last);
}

void Roster::update(int row, const Participant &participant)
{
    using Field = RosterObserver::Field;
    const Participant &shown = m_rows.at(row);
    RosterObserver::Fields fields;
    if (shown.displayName != participant.displayName)
        fields |= Field::DisplayName;
    if (shown.type != participant.type)
        fields |= Field::Type;
    if (shown.role != participant.role)
        fields |= Field::Role;
    if (shown.presence != participant.presence)
        fields |= Field::Presence;
    if (shown.joinedAt != participant.joinedAt)
        fields |= Field::JoinedAt;
    if (shown.subject != participant.subject || shown.instructions != participant.instructions)
        fields |= Field::Tutor;
    if (!fields)
        return;
    const bool renamed = fields.testFlag(Field::DisplayName);
    count(shown, -1, renamed);
    m_rows.replace(row, participant);
    count(participant, +1, renamed);
    m_hash.clear();
    if (m_observer)
        m_observer->participantChanged(row, fields);
}

qsizetype Roster::heldInOrder(const QList<const Participant *> &next) const
{
    // The head of the snapshot that we hold in the same order stays where it is.
    qsizetype kept = 0;
    for (int previousRow = -1; kept < next.size(); ++kept) {
        const int row = m_rows.rowOf(next.at(kept)->id);
        if (row <= previousRow)
            break;
        previousRow = row;
    }
    return kept;
}

void Roster::applySnapshot(const QList<Participant> &participants)
{
    if (m_rows.isEmpty()) {
        // First load: the whole content is new.
        if (m_observer)
            m_observer->rosterAboutToBeReset();
        for (const Participant &p : participants) {
            if (m_rows.contains(p.id))
                continue;
            m_rows.append(p);
            count(p, +1);
        }
        m_hash.clear();
        if (m_observer)
            m_observer->rosterReset();
        return;
    }

    // Unique ids in snapshot order.
    QList<const Participant *> next;
    QSet<QString> seen;
    next.reserve(participants.size());
    seen.reserve(participants.size());
    for (const Participant &p : participants) {
        if (!seen.contains(p.id)) {
            seen.insert(p.id);
            next.append(&p);
        }
    }
    const qsizetype kept = heldInOrder(next);
    QSet<QString> staying;
    staying.reserve(kept);
    for (qsizetype i = 0; i < kept; ++i)
        staying.insert(next.at(i)->id);

    if (m_observer)
        m_observer->snapshotAboutToBeApplied();
    // Remove the others from the bottom up: a removal shifts only the rows below it, so the
    // rows still to remove keep their numbers.
    QList<int> leaving;
    m_rows.forEach([&](qsizetype row, const Participant &p) {
        if (!staying.contains(p.id))
            leaving.append(int(row));
    });
    for (auto it = leaving.crbegin(); it != leaving.crend(); ++it)
        remove(m_rows.at(*it).id);
    for (qsizetype i = 0; i < kept; ++i)
        update(int(i), *next.at(i));
    QList<Participant> added;
    added.reserve(next.size() - kept);
    for (qsizetype i = kept; i < next.size(); ++i)
        added.append(*next.at(i));
    append(added);
    if (m_observer)
        m_observer->snapshotApplied();
}

void Roster::clear()
{
    if (m_rows.isEmpty())
        return;
    if (m_observer)
        m_observer->rosterAboutToBeReset();
    m_rows.clear();
    m_ownerCount = 0;
    m_userCount = 0;
    m_helpyIds.clear();
    m_stageIds.clear();
    m_nameKeys.clear();
    m_hash.clear();
    if (m_observer)
        m_observer->rosterReset();
}

const QString &Roster::hash() const
{
    if (m_hash.isEmpty()) {
        QList<const Protocol::Participant *> pointed;
        pointed.reserve(size());
        forEach([&pointed](int, const Protocol::Participant &p) { pointed.append(&p); });
        m_hash = rosterHash(std::move(pointed));
    }
    return m_hash;
}
