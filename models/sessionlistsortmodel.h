// SPDX-License-Identifier: MIT
#pragma once

#include <QSortFilterProxyModel>
#include <QtQml/qqmlregistration.h>

class SessionListModel;

/**
 * @brief The session list as a chat app shows it: the session with the newest message first;
 * sessions without a message last, by title. Follows the source as it changes (a message
 * moves its session to the top).
 */
class SessionListSortModel : public QSortFilterProxyModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by the AppController")
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    explicit SessionListSortModel(SessionListModel *source, QObject *parent = nullptr);

    int count() const { return rowCount(); }
    /// The row of a session here; -1 when it is not listed.
    Q_INVOKABLE int rowOf(const QString &sessionId) const;

Q_SIGNALS:
    void countChanged();

protected:
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;
};
