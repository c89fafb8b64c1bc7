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
    if (changed.isEmpty())
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
