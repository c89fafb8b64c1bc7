// SPDX-License-Identifier: MIT
#include "sessionlistsortmodel.h"

#include "sessionlistmodel.h"

#include <QDateTime>

SessionListSortModel::SessionListSortModel(SessionListModel *source, QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSourceModel(source);
    setDynamicSortFilter(true);
    sort(0);
    connect(this, &QAbstractItemModel::rowsInserted, this, &SessionListSortModel::countChanged);
    connect(this, &QAbstractItemModel::rowsRemoved, this, &SessionListSortModel::countChanged);
    connect(this, &QAbstractItemModel::modelReset, this, &SessionListSortModel::countChanged);
}

int SessionListSortModel::rowOf(const QString &sessionId) const
{
    const auto *source = static_cast<const SessionListModel *>(sourceModel());
    const int sourceRow = source->rowOf(sessionId);
    if (sourceRow < 0)
        return -1;
    return mapFromSource(source->index(sourceRow)).row();
}

bool SessionListSortModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    // "Less" is "shown above": newest activity first.
    const QDateTime a = left.data(SessionListModel::LastActivityRole).toDateTime();
    const QDateTime b = right.data(SessionListModel::LastActivityRole).toDateTime();
    if (a.isValid() != b.isValid())
        return a.isValid();
    if (a != b)
        return a > b;
    const int byTitle
        = QString::localeAwareCompare(left.data(SessionListModel::TitleRole).toString(),
            right.data(SessionListModel::TitleRole).toString());
    if (byTitle != 0)
        return byTitle < 0;
    return left.data(SessionListModel::SessionIdRole).toString()
        < right.data(SessionListModel::SessionIdRole).toString();
}
