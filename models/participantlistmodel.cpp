// SPDX-License-Identifier: MIT
#include "participantlistmodel.h"

#include "logging.h"

#include <QSet>

using namespace Protocol;

ParticipantListModel::ParticipantListModel(QObject *parent)
    : QAbstractListModel(parent)
{ }

int ParticipantListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ParticipantListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Participant &p = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case DisplayNameRole:
        return p.displayName;
    case IdRole:
        return p.id;
    case InitialsRole:
        return initialsOf(p.displayName);
    case TypeRole:
        return toString(p.type);
    case IsHelpyRole:
        return p.type == ParticipantType::Helpy;
    case RoleRole:
        return toString(p.role);
    case PresenceRole:
        return toString(p.presence);
    case JoinedAtRole:
        return p.joinedAt;
    case IsSelfRole:
        return !m_localUserId.isEmpty() && p.id == m_localUserId;
    case CanRemoveRole:
        return canRemove(p);
    case CanChangeRoleRole:
        return canChangeRole(p);
    }
    return {};
}

QHash<int, QByteArray> ParticipantListModel::roleNames() const
{
    static const QHash<int, QByteArray> names {
        { IdRole, "participantId" },
        { DisplayNameRole, "displayName" },
        { InitialsRole, "initials" },
        { TypeRole, "participantType" },
        { IsHelpyRole, "isHelpy" },
        { RoleRole, "role" },
        { PresenceRole, "presence" },
        { JoinedAtRole, "joinedAt" },
        { IsSelfRole, "isSelf" },
        { CanRemoveRole, "canRemove" },
        { CanChangeRoleRole, "canChangeRole" },
    };
    return names;
}

QString ParticipantListModel::initialsOf(const QString &displayName)
{
    const QStringList words = displayName.simplified().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (words.isEmpty())
        return QStringLiteral("?");
    QString initials = words.first().left(1);
    if (words.size() > 1)
        initials += words.last().left(1);
    return initials.toUpper();
}

QString ParticipantListModel::myRole() const
{
    return m_shownMyRole ? toString(*m_shownMyRole) : QString();
}

bool ParticipantListModel::isManager() const
{
    return m_shownMyRole && *m_shownMyRole != Role::Member;
}

void ParticipantListModel::setLocalUserId(const QString &userId)
{
    if (m_localUserId == userId)
        return;
    const int oldRow = rowOf(m_localUserId);
    m_localUserId = userId;
    const int newRow = rowOf(m_localUserId);
    for (int row : { oldRow, newRow }) {
        if (row >= 0)
            Q_EMIT dataChanged(index(row), index(row), { IsSelfRole, CanRemoveRole });
    }
    refreshPermissions();
}

int ParticipantListModel::rowOf(const QString &participantId) const
{
    return m_rows.rowOf(participantId);
}

std::optional<Participant> ParticipantListModel::participant(const QString &participantId) const
{
    const int row = rowOf(participantId);
    if (row < 0)
        return std::nullopt;
    return m_rows.at(row);
}

bool ParticipantListModel::canRemove(const Participant &p) const
{
    if (!m_shownMyRole)
        return false;
    if (p.id == m_localUserId) // removing yourself is leaving; the last owner must hand over first
        return !(*m_shownMyRole == Role::Owner && m_ownerCount <= 1);
    switch (*m_shownMyRole) {
    case Role::Owner:
        return true;
    case Role::Moderator:
        return p.role == Role::Member; // members and helpys
    case Role::Member:
        return false;
    }
    return false;
}

bool ParticipantListModel::canChangeRole(const Participant &p) const
{
    return m_shownMyRole == Role::Owner && p.id != m_localUserId && p.type == ParticipantType::User;
}

void ParticipantListModel::countRoles(const Participant &p, int delta)
{
    if (p.role == Role::Owner)
        m_ownerCount += delta;
}

void ParticipantListModel::refreshPermissions()
{
    const int selfRow = rowOf(m_localUserId);
    std::optional<Role> myRole;
    if (selfRow >= 0)
        myRole = m_rows.at(selfRow).role;
    const bool lastOwner = myRole == Role::Owner && m_ownerCount <= 1;
    if (myRole != m_shownMyRole) {
        m_shownMyRole = myRole;
        m_shownLastOwner = lastOwner;
        if (!m_rows.isEmpty())
            Q_EMIT dataChanged(
                index(0), index(int(m_rows.size()) - 1), { CanRemoveRole, CanChangeRoleRole });
        Q_EMIT myRoleChanged();
    } else if (lastOwner != m_shownLastOwner) {
        m_shownLastOwner = lastOwner;
        if (selfRow >= 0)
            Q_EMIT dataChanged(index(selfRow), index(selfRow), { CanRemoveRole });
    }
}

void ParticipantListModel::appendRows(const QList<Participant> &participants)
{
    if (participants.isEmpty())
        return;
    const int first = int(m_rows.size());
    beginInsertRows({}, first, first + int(participants.size()) - 1);
    for (const Participant &p : participants) {
        m_rows.append(p);
        countRoles(p, +1);
    }
    endInsertRows();
    Q_EMIT countChanged();
}

void ParticipantListModel::updateRow(int row, const Participant &participant)
{
    const Participant &shown = m_rows.at(row);
    QList<int> changed;
    if (shown.displayName != participant.displayName)
        changed << DisplayNameRole << InitialsRole << Qt::DisplayRole;
    if (shown.type != participant.type)
        changed << TypeRole << IsHelpyRole << CanChangeRoleRole;
    if (shown.role != participant.role)
        changed << RoleRole << CanRemoveRole;
    if (shown.presence != participant.presence)
        changed << PresenceRole;
    if (shown.joinedAt != participant.joinedAt)
        changed << JoinedAtRole;
    if (changed.isEmpty())
        return;
    countRoles(shown, -1);
    m_rows.replace(row, participant);
    countRoles(participant, +1);
    Q_EMIT dataChanged(index(row), index(row), changed);
}

void ParticipantListModel::applySnapshot(const QList<Participant> &participants)
{
    if (m_rows.isEmpty()) {
        // First load: the whole source is new.
        beginResetModel();
        m_rows.clear();
        m_ownerCount = 0;
        for (const Participant &p : participants) {
            if (m_rows.contains(p.id))
                continue;
            m_rows.append(p);
            countRoles(p, +1);
        }
        endResetModel();
        if (!m_rows.isEmpty())
            Q_EMIT countChanged();
        refreshPermissions();
        return;
    }

    QHash<QString, qsizetype> wanted;
    wanted.reserve(participants.size());
    for (qsizetype i = 0; i < participants.size(); ++i)
        wanted.insert(participants.at(i).id, i);

    // Remove rows that are gone, from the bottom up: a removal shifts only the rows below
    // it, so the rows still to remove keep their numbers.
    QList<int> gone;
    m_rows.forEach([&](qsizetype row, const Participant &p) {
        if (!wanted.contains(p.id))
            gone.append(int(row));
    });
    for (auto it = gone.crbegin(); it != gone.crend(); ++it) {
        beginRemoveRows({}, *it, *it);
        countRoles(m_rows.at(*it), -1);
        m_rows.removeAt(*it);
        endRemoveRows();
    }
    if (!gone.isEmpty())
        Q_EMIT countChanged();

    QList<Participant> added;
    QSet<QString> addedIds;
    for (const Participant &p : participants) {
        const int row = rowOf(p.id);
        if (row >= 0)
            updateRow(row, p);
        else if (!addedIds.contains(p.id)) {
            addedIds.insert(p.id);
            added.append(p);
        }
    }
    appendRows(added);
    refreshPermissions();
}

void ParticipantListModel::upsert(const Participant &participant)
{
    const int row = rowOf(participant.id);
    if (row >= 0)
        updateRow(row, participant);
    else
        appendRows({ participant });
    refreshPermissions();
}

void ParticipantListModel::remove(const QString &participantId)
{
    const int row = rowOf(participantId);
    if (row < 0) {
        qCDebug(lcModels) << "remove of unknown participant" << participantId;
        return;
    }
    beginRemoveRows({}, row, row);
    countRoles(m_rows.at(row), -1);
    m_rows.removeAt(row);
    endRemoveRows();
    Q_EMIT countChanged();
    refreshPermissions();
}

void ParticipantListModel::clear()
{
    if (m_rows.isEmpty())
        return;
    beginResetModel();
    m_rows.clear();
    m_ownerCount = 0;
    endResetModel();
    Q_EMIT countChanged();
    refreshPermissions();
}
