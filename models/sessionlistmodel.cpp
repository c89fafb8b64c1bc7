// SPDX-License-Identifier: MIT
#include "sessionlistmodel.h"

#include <QSet>

using namespace Protocol;

SessionListModel::SessionListModel(QObject *parent)
    : QAbstractListModel(parent)
{ }

int SessionListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant SessionListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const SessionSummary &s = m_rows.at(index.row());
    switch (role) {
    case SessionIdRole:
        return s.sessionId;
    case Qt::DisplayRole:
    case TitleRole:
        return s.title;
    case RoleRole:
        return toString(s.role);
    case ParticipantCountRole:
        return s.participantCount;
    case RevisionRole:
        return s.revision;
    case LastMessageTextRole:
        return lastMessageOf(s) ? lastMessageOf(s)->text : QString();
    case LastMessageAuthorRole:
        return lastMessageOf(s) ? lastMessageOf(s)->authorName : QString();
    case LastMessageIsOwnRole:
        return lastMessageOf(s) && !m_localUserId.isEmpty()
            && lastMessageOf(s)->authorId == m_localUserId;
    case LastActivityRole:
        return lastMessageOf(s) ? lastMessageOf(s)->timestamp : QDateTime();
    case UnreadCountRole:
        return m_activity.value(s.sessionId).unreadCount;
    case MutedRole:
        return m_activity.value(s.sessionId).muted;
    case HostedRole:
        return m_hosted;
    }
    return {};
}

std::optional<MessagePreview> SessionListModel::lastMessageOf(const SessionSummary &s) const
{
    const auto it = m_activity.constFind(s.sessionId);
    if (it == m_activity.cend() || !it->lastMessage)
        return s.lastMessage;
    if (s.lastMessage && s.lastMessage->revision >= it->lastMessage->revision)
        return s.lastMessage;
    return it->lastMessage;
}

void SessionListModel::setActivity(const QString &sessionId, const Activity &activity)
{
    const Activity before = m_activity.value(sessionId);
    if (before == activity && m_activity.contains(sessionId))
        return;
    const int row = rowOf(sessionId);
    const auto lastBefore = row >= 0 ? lastMessageOf(m_rows.at(row)) : std::nullopt;
    m_activity.insert(sessionId, activity);
    if (row < 0)
        return;
    QList<int> changed;
    if (before.unreadCount != activity.unreadCount)
        changed << UnreadCountRole;
    if (before.muted != activity.muted)
        changed << MutedRole;
    if (lastBefore != lastMessageOf(m_rows.at(row)))
        changed << LastMessageTextRole << LastMessageAuthorRole << LastMessageIsOwnRole
                << LastActivityRole;
    if (!changed.isEmpty())
        Q_EMIT dataChanged(index(row), index(row), changed);
}

void SessionListModel::setHosted(bool hosted)
{
    if (m_hosted == hosted)
        return;
    m_hosted = hosted;
    emitForAllRows({ HostedRole });
}

void SessionListModel::setLocalUserId(const QString &userId)
{
    if (m_localUserId == userId)
        return;
    m_localUserId = userId;
    emitForAllRows({ LastMessageIsOwnRole });
}

void SessionListModel::emitForAllRows(const QList<int> &roles)
{
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0), index(int(m_rows.size()) - 1), roles);
}

QHash<int, QByteArray> SessionListModel::roleNames() const
{
    static const QHash<int, QByteArray> names {
        { SessionIdRole, "sessionId" },
        { TitleRole, "title" },
        { RoleRole, "role" },
        { ParticipantCountRole, "participantCount" },
        { RevisionRole, "revision" },
        { LastMessageTextRole, "lastMessageText" },
        { LastMessageAuthorRole, "lastMessageAuthor" },
        { LastMessageIsOwnRole, "lastMessageIsOwn" },
        { LastActivityRole, "lastActivity" },
        { UnreadCountRole, "unreadCount" },
        { MutedRole, "muted" },
        { HostedRole, "hosted" },
    };
    return names;
}

void SessionListModel::appendRows(const QList<SessionSummary> &sessions)
{
    if (sessions.isEmpty())
        return;
    const int first = int(m_rows.size());
    beginInsertRows({}, first, first + int(sessions.size()) - 1);
    for (const SessionSummary &s : sessions)
        m_rows.append(s);
    endInsertRows();
    Q_EMIT countChanged();
}

void SessionListModel::updateRow(int row, const SessionSummary &session)
{
    const SessionSummary &shown = m_rows.at(row);
    QList<int> changed;
    if (shown.title != session.title)
        changed << TitleRole << Qt::DisplayRole;
    if (shown.role != session.role)
        changed << RoleRole;
    if (shown.participantCount != session.participantCount)
        changed << ParticipantCountRole;
    if (shown.revision != session.revision)
        changed << RevisionRole;
    if (lastMessageOf(shown) != lastMessageOf(session))
        changed << LastMessageTextRole << LastMessageAuthorRole << LastMessageIsOwnRole
                << LastActivityRole;
    if (changed.isEmpty() && shown == session)
        return;
    m_rows.replace(row, session);
    Q_EMIT dataChanged(index(row), index(row), changed);
}

void SessionListModel::setSessions(const QList<SessionSummary> &sessions)
{
    if (!m_loaded || m_rows.isEmpty()) {
        m_loaded = true;
        beginResetModel();
        m_rows.clear();
        for (const SessionSummary &s : sessions) {
            if (m_rows.contains(s.sessionId))
                continue;
            m_rows.append(s);
        }
        endResetModel();
        Q_EMIT countChanged();
        return;
    }
    QSet<QString> wanted;
    for (const SessionSummary &s : sessions)
        wanted.insert(s.sessionId);
    // Bottom up, so that the rows still to remove keep their numbers.
    QList<int> gone;
    m_rows.forEach([&](qsizetype row, const SessionSummary &s) {
        if (!wanted.contains(s.sessionId))
            gone.append(int(row));
    });
    for (auto it = gone.crbegin(); it != gone.crend(); ++it) {
        beginRemoveRows({}, *it, *it);
        m_rows.removeAt(*it);
        endRemoveRows();
    }
    if (!gone.isEmpty())
        Q_EMIT countChanged();
    QList<SessionSummary> added;
    QSet<QString> addedIds;
    for (const SessionSummary &s : sessions) {
        const int row = rowOf(s.sessionId);
        if (row >= 0) {
            updateRow(row, s);
        } else if (!addedIds.contains(s.sessionId)) {
            addedIds.insert(s.sessionId);
            added.append(s);
        }
    }
    appendRows(added);
}

void SessionListModel::upsert(const SessionSummary &session)
{
    const int row = rowOf(session.sessionId);
    if (row >= 0)
        updateRow(row, session);
    else
        appendRows({ session });
}

void SessionListModel::remove(const QString &sessionId)
{
    const int row = rowOf(sessionId);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_rows.removeAt(row);
    endRemoveRows();
    Q_EMIT countChanged();
}

void SessionListModel::clear()
{
    if (m_rows.isEmpty())
        return;
    beginResetModel();
    m_rows.clear();
    endResetModel();
    Q_EMIT countChanged();
}
