// SPDX-License-Identifier: MIT
#pragma once

#include <QSortFilterProxyModel>
#include <QtQml/qqmlregistration.h>

/**
 * @brief The participants the message box offers after '@': Helpys first, then people,
 * each by name; the local user left out; narrowed by `filter` as fits() says ("he" and
 * "math h" find "Math Helpy").
 *
 * A view of a ParticipantListModel (its displayName, isHelpy and isSelf roles).
 */
class MentionCandidateModel : public QSortFilterProxyModel
{
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString filter READ filter WRITE setFilter NOTIFY filterChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    explicit MentionCandidateModel(QObject *parent = nullptr);

    QString filter() const { return m_filter; }
    void setFilter(const QString &filter);
    int count() const { return rowCount(); }

    /// The display name of `row` ("" outside the list).
    Q_INVOKABLE QString nameAt(int row) const;
    /// Whether `name` fits `filter`: the name starts with it, or (a filter of one word) a
    /// word of the name does; any case.
    static bool fits(const QString &name, const QString &filter);

Q_SIGNALS:
    void filterChanged();
    void countChanged();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    QString m_filter;
};
