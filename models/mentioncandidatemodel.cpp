// SPDX-License-Identifier: MIT
#include "mentioncandidatemodel.h"

#include "participantlistmodel.h"

MentionCandidateModel::MentionCandidateModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setDynamicSortFilter(true);
    setSortCaseSensitivity(Qt::CaseInsensitive);
    sort(0);
    for (const auto signal :
        { &QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved })
        connect(this, signal, this, &MentionCandidateModel::countChanged);
    connect(this, &QAbstractItemModel::modelReset, this, &MentionCandidateModel::countChanged);
    connect(this, &QAbstractItemModel::layoutChanged, this, &MentionCandidateModel::countChanged);
}

void MentionCandidateModel::setFilter(const QString &filter)
{
    if (m_filter == filter)
        return;
    m_filter = filter;
    invalidateFilter();
    Q_EMIT filterChanged();
    Q_EMIT countChanged();
}

QString MentionCandidateModel::nameAt(int row) const
{
    return index(row, 0).data(ParticipantListModel::DisplayNameRole).toString();
}

bool MentionCandidateModel::fits(const QString &name, const QString &filter)
{
    if (filter.isEmpty())
        return true;
    // The name from its start, spaces included ("math he" → "Math Helpy"; "Math Helpy ",
    // a name chosen already and a space after it, fits nothing and the offer closes) …
    if (name.startsWith(filter, Qt::CaseInsensitive))
        return true;
    // … or, for one word, any word of it ("he" → "Math Helpy").
    if (filter.contains(QLatin1Char(' ')))
        return false;
    const auto words = name.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    return std::any_of(words.cbegin(), words.cend(),
        [&](const QString &word) { return word.startsWith(filter, Qt::CaseInsensitive); });
}

bool MentionCandidateModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex row = sourceModel()->index(sourceRow, 0, sourceParent);
    if (row.data(ParticipantListModel::IsSelfRole).toBool())
        return false;
    return fits(row.data(ParticipantListModel::DisplayNameRole).toString(), m_filter);
}

bool MentionCandidateModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    const bool leftHelpy = left.data(ParticipantListModel::IsHelpyRole).toBool();
    const bool rightHelpy = right.data(ParticipantListModel::IsHelpyRole).toBool();
    if (leftHelpy != rightHelpy)
        return leftHelpy;
    const QString leftName = left.data(ParticipantListModel::DisplayNameRole).toString();
    const QString rightName = right.data(ParticipantListModel::DisplayNameRole).toString();
    return QString::localeAwareCompare(leftName.toCaseFolded(), rightName.toCaseFolded()) < 0;
}
