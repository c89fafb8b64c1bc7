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
    }
    return {};
}

QHash<int, QByteArray> SessionListModel::roleNames() const
{
    static const QHash<int, QByteArray> names {
        { SessionIdRole, "sessionId" },
        { TitleRole, "title" },
        { RoleRole, "role" },
        { ParticipantCountRole, "participantCount" },
        { RevisionRole, "revision" },
    };
    return names;
}

void SessionListModel::reindexFrom(int row)
{
    for (int i = row; i < m_rows.size(); ++i)
        m_rowOf[m_rows.at(i).sessionId] = i;
}

void SessionListModel::appendRows(const QList<SessionSummary> &sessions)
{
    if (sessions.isEmpty())
        return;
    const int first = int(m_rows.size());
    beginInsertRows({}, first, first + int(sessions.size()) - 1);
    for (const SessionSummary &s : sessions) {
        m_rowOf.insert(s.sessionId, int(m_rows.size()));
        m_rows.append(s);
    }
    endInsertRows();
    Q_EMIT countChanged();
}

void SessionListModel::updateRow(int row, const SessionSummary &session)
{
    SessionSummary &shown = m_rows[row];
    QList<int> changed;
    if (shown.title != session.title)
        changed << TitleRole << Qt::DisplayRole;
    if (shown.role != session.role)
        changed << RoleRole;
    if (shown.participantCount != session.participantCount)
        changed << ParticipantCountRole;
    if (shown.revision != session.revision)
        changed << RevisionRole;
    if (changed.isEmpty())
        return;
    shown = session;
    Q_EMIT dataChanged(index(row), index(row), changed);
}

void SessionListModel::setSessions(const QList<SessionSummary> &sessions)
{
    if (!m_loaded || m_rows.isEmpty()) {
        m_loaded = true;
        beginResetModel();
        m_rows.clear();
        m_rowOf.clear();
        for (const SessionSummary &s : sessions) {
            if (m_rowOf.contains(s.sessionId))
                continue;
            m_rowOf.insert(s.sessionId, int(m_rows.size()));
            m_rows.append(s);
        }
        endResetModel();
        Q_EMIT countChanged();
        return;
    }
    QSet<QString> wanted;
    for (const SessionSummary &s : sessions)
        wanted.insert(s.sessionId);
    bool removedAny = false;
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
        if (wanted.contains(m_rows.at(row).sessionId))
            continue;
        beginRemoveRows({}, row, row);
        m_rowOf.remove(m_rows.at(row).sessionId);
        m_rows.remove(row);
        endRemoveRows();
        removedAny = true;
    }
    if (removedAny) {
        reindexFrom(0);
        Q_EMIT countChanged();
    }
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
    m_rowOf.remove(sessionId);
    m_rows.remove(row);
    reindexFrom(row);
    endRemoveRows();
    Q_EMIT countChanged();
}

void SessionListModel::clear()
{
    if (m_rows.isEmpty())
        return;
    beginResetModel();
    m_rows.clear();
    m_rowOf.clear();
    endResetModel();
    Q_EMIT countChanged();
}
