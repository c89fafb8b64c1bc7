// SPDX-License-Identifier: MIT
#pragma once

#include <QSortFilterProxyModel>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

/**
 * @brief The participant panel's order over a ParticipantListModel: people first, by role
 * (owner → moderators → members), online before offline within a role, then by name; the
 * Helpys last, in a group of their own (online first, then by name).
 *
 * Each row also has a `group` role ("owner", "moderator", "member" or "helpy") for the
 * ListView's section headers, and groupCounts says how many rows each group has.
 * A presence or role change moves one row (the proxy's layoutChanged), never resets.
 */
class ParticipantSortModel : public QSortFilterProxyModel
{
    Q_OBJECT
    QML_ELEMENT
    /// Rows per group: {"owner": 1, "moderator": 0, "member": 3, "helpy": 1}.
    Q_PROPERTY(QVariantMap groupCounts READ groupCounts NOTIFY groupCountsChanged)
    /// Online (or reconnecting) rows per group, keyed as groupCounts.
    Q_PROPERTY(QVariantMap onlineCounts READ onlineCounts NOTIFY groupCountsChanged)

public:
    /// @brief the section key of a row: "owner", "moderator", "member" or "helpy"
    static constexpr int GroupRole = Qt::UserRole + 100;

    explicit ParticipantSortModel(QObject *parent = nullptr);

    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    QVariantMap groupCounts() const { return m_groupCounts; }
    QVariantMap onlineCounts() const { return m_onlineCounts; }

    /// The group of a source row (its section), from its type and role.
    static QString groupOf(bool isHelpy, const QString &role);

Q_SIGNALS:
    void groupCountsChanged();

protected:
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    void connectSource();
    void recount();

    QVariantMap m_groupCounts;
    QVariantMap m_onlineCounts;
    QList<QMetaObject::Connection> m_sourceConnections;
};
