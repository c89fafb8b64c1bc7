// SPDX-License-Identifier: MIT
#pragma once

#include "indexedrows.h"
#include "protocol.h"

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>

/**
 * @brief The sessions the local user is in (the answer of `list_sessions`), with what this
 * device knows of each besides: its unread count, whether it is muted and its latest message
 * (setActivity(), from the client's UnreadTracker).
 *
 * A new answer is applied as the difference to the rows shown (same scheme and costs as
 * ParticipantListModel); only the first answer resets the model. The rows are in the
 * server's order; SessionListSortModel shows them by last activity.
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
        LastMessageTextRole, ///< @brief the last message's text (a preview); "" when none
        LastMessageAuthorRole, ///< @brief the last message's author name; "" when none
        LastMessageIsOwnRole, ///< @brief the local user wrote the last message
        LastActivityRole, ///< @brief when the last message came (QDateTime; invalid: none)
        UnreadCountRole, ///< @brief messages by others since the user last read it here
        MutedRole, ///< @brief no notifications for it
        HostedRole, ///< @brief hosted on this computer
    };
    Q_ENUM(Roles)

    /// @brief What this device knows of a session besides the server's summary.
    struct Activity
    {
        int unreadCount = 0;
        bool muted = false;
        std::optional<Protocol::MessagePreview> lastMessage; ///< newer than the summary's
        bool operator==(const Activity &) const = default;
    };

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
    /// Sets what this device knows of a session (kept for a row that comes later, too).
    void setActivity(const QString &sessionId, const Activity &activity);
    /// Whether the sessions are hosted on this computer (all or none: one server at a time).
    void setHosted(bool hosted);
    /// Whose messages are "own" (LastMessageIsOwnRole).
    void setLocalUserId(const QString &userId);

    Q_INVOKABLE int rowOf(const QString &sessionId) const { return m_rows.rowOf(sessionId); }

Q_SIGNALS:
    void countChanged();

private:
    /// The summary's last message or the newer one this device learned of since.
    std::optional<Protocol::MessagePreview> lastMessageOf(const Protocol::SessionSummary &s) const;
    void updateRow(int row, const Protocol::SessionSummary &session);
    void emitForAllRows(const QList<int> &roles);
    void appendRows(const QList<Protocol::SessionSummary> &sessions);

    IndexedRows<Protocol::SessionSummary, &Protocol::SessionSummary::sessionId> m_rows;
    QHash<QString, Activity> m_activity;
    QString m_localUserId;
    bool m_loaded = false;
    bool m_hosted = false;
};
