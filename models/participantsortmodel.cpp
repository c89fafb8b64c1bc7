// SPDX-License-Identifier: MIT
#include "participantsortmodel.h"

#include "participantlistmodel.h"

#include <QCollator>

namespace {

int groupRank(const QString &group)
{
    static const QStringList order { QStringLiteral("owner"), QStringLiteral("moderator"),
        QStringLiteral("member"), QStringLiteral("helpy") };
    const qsizetype rank = order.indexOf(group);
    return rank < 0 ? int(order.size()) : int(rank);
}

/// Online first; reconnecting is still there (it comes back within seconds); then offline.
int presenceRank(const QString &presence)
{
    if (presence == QLatin1String("online"))
        return 0;
    if (presence == QLatin1String("reconnecting"))
        return 1;
    return 2;
}

bool isOnline(const QString &presence)
{
    return presenceRank(presence) < 2;
}

} // namespace

ParticipantSortModel::ParticipantSortModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setDynamicSortFilter(true);
    // Sorted from the start: a source set later is sorted as it arrives (sorting inside
    // sourceModelChanged would emit a layout change in the middle of the proxy's reset).
    sort(0);
    connect(this, &QAbstractProxyModel::sourceModelChanged, this, [this] {
        connectSource();
        recount();
    });
}

QString ParticipantSortModel::groupOf(bool isHelpy, const QString &role)
{
    if (isHelpy)
        return QStringLiteral("helpy");
    if (role == QLatin1String("owner") || role == QLatin1String("moderator"))
        return role;
    return QStringLiteral("member");
}

QVariant ParticipantSortModel::data(const QModelIndex &index, int role) const
{
    if (role != GroupRole)
        return QSortFilterProxyModel::data(index, role);
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    return groupOf(index.data(ParticipantListModel::IsHelpyRole).toBool(),
        index.data(ParticipantListModel::RoleRole).toString());
}

QHash<int, QByteArray> ParticipantSortModel::roleNames() const
{
    QHash<int, QByteArray> names = QSortFilterProxyModel::roleNames();
    names.insert(GroupRole, "group");
    return names;
}

bool ParticipantSortModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    using M = ParticipantListModel;
    const auto groupRankOf = [](const QModelIndex &i) {
        return groupRank(groupOf(i.data(M::IsHelpyRole).toBool(), i.data(M::RoleRole).toString()));
    };
    if (const int l = groupRankOf(left), r = groupRankOf(right); l != r)
        return l < r;
    const int lp = presenceRank(left.data(M::PresenceRole).toString());
    const int rp = presenceRank(right.data(M::PresenceRole).toString());
    if (lp != rp)
        return lp < rp;
    static const QCollator collator = [] {
        QCollator c;
        c.setCaseSensitivity(Qt::CaseInsensitive);
        c.setNumericMode(true);
        return c;
    }();
    if (const int byName = collator.compare(
            left.data(M::DisplayNameRole).toString(), right.data(M::DisplayNameRole).toString());
        byName != 0)
        return byName < 0;
    // Same name: the id keeps the order stable (and the same on every client).
    return left.data(M::IdRole).toString() < right.data(M::IdRole).toString();
}

void ParticipantSortModel::connectSource()
{
    for (const QMetaObject::Connection &c : std::as_const(m_sourceConnections))
        disconnect(c);
    m_sourceConnections.clear();
    QAbstractItemModel *source = sourceModel();
    if (!source)
        return;
    const auto recountNow = [this] { recount(); };
    m_sourceConnections << connect(source, &QAbstractItemModel::rowsInserted, this, recountNow)
                        << connect(source, &QAbstractItemModel::rowsRemoved, this, recountNow)
                        << connect(source, &QAbstractItemModel::modelReset, this, recountNow)
                        << connect(source, &QAbstractItemModel::dataChanged, this,
                               [this](const QModelIndex &, const QModelIndex &,
                                   const QList<int> &roles) {
                                   using M = ParticipantListModel;
                                   if (roles.isEmpty() || roles.contains(M::RoleRole)
                                       || roles.contains(M::PresenceRole)
                                       || roles.contains(M::IsHelpyRole))
                                       recount();
                               });
}

void ParticipantSortModel::recount()
{
    QVariantMap groups { { QStringLiteral("owner"), 0 }, { QStringLiteral("moderator"), 0 },
        { QStringLiteral("member"), 0 }, { QStringLiteral("helpy"), 0 } };
    QVariantMap online = groups;
    if (QAbstractItemModel *source = sourceModel()) {
        using M = ParticipantListModel;
        for (int row = 0, rows = source->rowCount(); row < rows; ++row) {
            const QModelIndex i = source->index(row, 0);
            const QString group
                = groupOf(i.data(M::IsHelpyRole).toBool(), i.data(M::RoleRole).toString());
            groups[group] = groups.value(group).toInt() + 1;
            if (isOnline(i.data(M::PresenceRole).toString()))
                online[group] = online.value(group).toInt() + 1;
        }
    }
    if (groups == m_groupCounts && online == m_onlineCounts)
        return;
    m_groupCounts = groups;
    m_onlineCounts = online;
    Q_EMIT groupCountsChanged();
}
