// SPDX-License-Identifier: MIT
#pragma once

#include "indexedrows.h"
#include "protocol.h"

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>

/**
 * @brief The sessions the local user is in (the answer of `list_sessions`).
 *
 * A new answer is applied as the difference to the rows shown (same scheme and costs as
 * ParticipantListModel); only the first answer resets the model.
 */
class SessionListModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by the AppController")
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    enum Roles {
        SessionIdRole = Qt::UserRole + 1, ///< @brief the session id
        TitleRole, ///< @brief the session's title
        RoleRole, ///< @brief the local user's role in it
        ParticipantCountRole, ///< @brief how many participants it has
        RevisionRole, ///< @brief its latest revision
    };
    Q_ENUM(Roles)

    explicit SessionListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    int count() const { return int(m_rows.size()); }

    void setSessions(const QList<Protocol::SessionSummary> &sessions);
    /// Adds or updates one row (e.g. the session just created or joined).
    void upsert(const Protocol::SessionSummary &session);
    void remove(const QString &sessionId);
    void clear();

    Q_INVOKABLE int rowOf(const QString &sessionId) const { return m_rows.rowOf(sessionId); }

Q_SIGNALS:
    void countChanged();

private:
    void updateRow(int row, const Protocol::SessionSummary &session);
    void appendRows(const QList<Protocol::SessionSummary> &sessions);

    IndexedRows<Protocol::SessionSummary, &Protocol::SessionSummary::sessionId> m_rows;
    bool m_loaded = false;
};
