// SPDX-License-Identifier: MIT
#include "participantlistmodel.h"

#include "logging.h"
#include "rules.h"

using namespace Protocol;

ParticipantListModel::ParticipantListModel(Roster *roster, QObject *parent)
    : QAbstractListModel(parent)
    , m_roster(roster)
{
    m_roster->setObserver(this);
}

ParticipantListModel::ParticipantListModel(QObject *parent)
    : QAbstractListModel(parent)
    , m_ownRoster(std::make_unique<Roster>())
    , m_roster(m_ownRoster.get())
{
    m_roster->setObserver(this);
}

ParticipantListModel::~ParticipantListModel()
{
    m_roster->setObserver(nullptr);
}

int ParticipantListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_roster->size();
}

QVariant ParticipantListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Participant &p = m_roster->at(index.row());
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
        return bool(Rules::mayRemove(*m_roster, m_localUserId, p.id));
    case CanChangeRoleRole:
        return Rules::mayChangeRole(*m_roster, m_localUserId, p.id);
    case PresenceKnownRole:
        return m_presenceKnown || (!m_localUserId.isEmpty() && p.id == m_localUserId);
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
        { PresenceKnownRole, "presenceKnown" },
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
    // Invites and adding people go together (the rule book gives both to the same roles).
    return m_shownMyRole && Rules::mayCreateInvite(*m_roster, m_localUserId)
        && Rules::mayAdd(*m_roster, m_localUserId, ParticipantType::User);
}

void ParticipantListModel::setPresenceKnown(bool known)
{
    if (m_presenceKnown == known)
        return;
    m_presenceKnown = known;
    if (count() > 0)
        Q_EMIT dataChanged(index(0), index(count() - 1), { PresenceKnownRole });
    Q_EMIT presenceKnownChanged();
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
            Q_EMIT dataChanged(
                index(row), index(row), { IsSelfRole, CanRemoveRole, PresenceKnownRole });
    }
    refreshPermissions();
}

int ParticipantListModel::rowOf(const QString &participantId) const
{
    return m_roster->rowOf(participantId);
}

std::optional<Participant> ParticipantListModel::participant(const QString &participantId) const
{
    if (const Participant *p = m_roster->find(participantId))
        return *p;
    return std::nullopt;
}

bool ParticipantListModel::selfMayAddHelpy() const
{
    return bool(Rules::mayAdd(*m_roster, m_localUserId, ParticipantType::Helpy));
}

void ParticipantListModel::refreshPermissions()
{
    if (m_inSnapshot)
        return;
    const Participant *self = m_roster->find(m_localUserId);
    const std::optional<Role> myRole = self ? std::optional(self->role) : std::nullopt;
    const bool mayLeave = self && Rules::mayRemove(*m_roster, m_localUserId, m_localUserId);
    const bool mayChangeOwnRole
        = self && Rules::mayChangeRole(*m_roster, m_localUserId, m_localUserId);
    if (myRole != m_shownMyRole) {
        m_shownMyRole = myRole;
        const bool leaveChanged = std::exchange(m_shownSelfMayLeave, mayLeave) != mayLeave;
        m_shownSelfMayChangeRole = mayChangeOwnRole;
        if (count() > 0)
            Q_EMIT dataChanged(index(0), index(count() - 1), { CanRemoveRole, CanChangeRoleRole });
        Q_EMIT myRoleChanged();
        if (leaveChanged)
            Q_EMIT selfMayLeaveChanged();
        return;
    }
    // With the same role, only the local user's own row can change its permissions.
    QList<int> changed;
    if (std::exchange(m_shownSelfMayLeave, mayLeave) != mayLeave)
        changed << CanRemoveRole;
    if (std::exchange(m_shownSelfMayChangeRole, mayChangeOwnRole) != mayChangeOwnRole)
        changed << CanChangeRoleRole;
    if (!changed.isEmpty()) {
        const int row = rowOf(m_localUserId);
        Q_EMIT dataChanged(index(row), index(row), changed);
        if (changed.contains(CanRemoveRole))
            Q_EMIT selfMayLeaveChanged();
    }
}

// ------------------------------------------------------------------ the roster's changes

void ParticipantListModel::rosterDestroyed()
{
    // Its owner went first: show an empty roster of our own rather than read freed memory.
    beginResetModel();
    m_ownRoster = std::make_unique<Roster>();
    m_roster = m_ownRoster.get();
    m_roster->setObserver(this);
    endResetModel();
    Q_EMIT countChanged();
    refreshPermissions();
}

void ParticipantListModel::rosterAboutToBeReset()
{
    beginResetModel();
}

void ParticipantListModel::rosterReset()
{
    endResetModel();
    Q_EMIT countChanged();
    refreshPermissions();
}

void ParticipantListModel::snapshotAboutToBeApplied()
{
    m_inSnapshot = true;
}

void ParticipantListModel::snapshotApplied()
{
    m_inSnapshot = false;
    if (std::exchange(m_readWithoutSelf, false) && count() > 0) {
        // A row changed while the local user's row was out (moving to the server's place),
        // so its permissions were read without the local user's role: read them again.
        Q_EMIT dataChanged(index(0), index(count() - 1), { CanRemoveRole, CanChangeRoleRole });
    }
    refreshPermissions();
}

void ParticipantListModel::participantsAboutToBeInserted(int first, int last)
{
    beginInsertRows({}, first, last);
}

void ParticipantListModel::participantsInserted(int, int)
{
    endInsertRows();
    Q_EMIT countChanged();
    refreshPermissions();
}

void ParticipantListModel::participantAboutToBeRemoved(int row)
{
    beginRemoveRows({}, row, row);
}

void ParticipantListModel::participantRemoved(int)
{
    endRemoveRows();
    Q_EMIT countChanged();
    refreshPermissions();
}

void ParticipantListModel::participantChanged(int row, RosterObserver::Fields fields)
{
    using Field = RosterObserver::Field;
    QList<int> changed;
    if (fields & Field::DisplayName)
        changed << DisplayNameRole << InitialsRole << Qt::DisplayRole;
    if (fields & Field::Type)
        changed << TypeRole << IsHelpyRole << CanChangeRoleRole;
    if (fields & Field::Role)
        changed << RoleRole << CanRemoveRole;
    if (fields & Field::Presence)
        changed << PresenceRole;
    if (fields & Field::JoinedAt)
        changed << JoinedAtRole;
    if (m_inSnapshot && !m_roster->contains(m_localUserId))
        m_readWithoutSelf = true;
    Q_EMIT dataChanged(index(row), index(row), changed);
    refreshPermissions();
}

// ------------------------------------------------------------------ a roster of its own

void ParticipantListModel::applySnapshot(const QList<Participant> &participants)
{
    m_roster->applySnapshot(participants);
}

void ParticipantListModel::upsert(const Participant &participant)
{
    m_roster->upsert(participant);
}

void ParticipantListModel::remove(const QString &participantId)
{
    if (!m_roster->remove(participantId))
        qCDebug(lcModels) << "remove of unknown participant" << participantId;
}

void ParticipantListModel::clear()
{
    m_roster->clear();
}
