// SPDX-License-Identifier: MIT
#pragma once

#include "indexedrows.h"
#include "protocol.h"

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>

/**
 * @brief The roster of one session as list rows: people and Helpy tutors.
 *
 * Rows change incrementally (insert, remove, dataChanged naming the changed roles); a
 * snapshot arriving while rows are shown is applied as the difference to what is shown,
 * so only the first load resets the model.
 *
 * Complexity (see IndexedRows): finding a row by id, reading a row, an append and a removal
 * of any row are O(log n) (O(1) while nothing has been removed), so no single event costs
 * O(n). A snapshot diff is O((n + m) log n).
 *
 * canRemove / canChangeRole depend on the local user's role; when that changes (rare)
 * every row's permission roles are announced changed.
 */
class ParticipantListModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by a GroupSession")
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(QString myRole READ myRole NOTIFY myRoleChanged)

public:
    enum Roles {
        IdRole = Qt::UserRole + 1, ///< @brief the participant id (a userId, or a helpy's id)
        DisplayNameRole, ///< @brief the name shown
        InitialsRole, ///< @brief one or two letters for the avatar
        TypeRole, ///< @brief "user" or "helpy"
        IsHelpyRole, ///< @brief true for an AI tutor
        RoleRole, ///< @brief "owner", "moderator" or "member"
        PresenceRole, ///< @brief "online", "reconnecting" or "offline"
        JoinedAtRole, ///< @brief when the participant joined (QDateTime, UTC)
        IsSelfRole, ///< @brief true on the local user's own row
        CanRemoveRole, ///< @brief the local user may remove this one (on self: may leave)
        CanChangeRoleRole, ///< @brief the local user may change this one's role
    };
    Q_ENUM(Roles)

    explicit ParticipantListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    int count() const { return int(m_rows.size()); }
    /// The local user's role in this session ("" when not in the roster).
    QString myRole() const;
    bool isManager() const;

    /// Whose row is "self"; set before the first load.
    void setLocalUserId(const QString &userId);
    QString localUserId() const { return m_localUserId; }

    /// Applies a full roster: a reset when nothing is shown yet, else the difference.
    void applySnapshot(const QList<Protocol::Participant> &participants);
    /// Inserts a new participant at the end, or updates the shown row in place.
    void upsert(const Protocol::Participant &participant);
    void remove(const QString &participantId);
    void clear();

    Q_INVOKABLE int rowOf(const QString &participantId) const;
    std::optional<Protocol::Participant> participant(const QString &participantId) const;
    /// All rows in order. O(n): for tests and snapshots, not per event.
    QList<Protocol::Participant> participants() const { return m_rows.toList(); }

    static QString initialsOf(const QString &displayName);

Q_SIGNALS:
    void countChanged();
    void myRoleChanged();

private:
    bool canRemove(const Protocol::Participant &p) const;
    bool canChangeRole(const Protocol::Participant &p) const;
    void updateRow(int row, const Protocol::Participant &participant);
    void appendRows(const QList<Protocol::Participant> &participants);
    void countRoles(const Protocol::Participant &p, int delta);
    /// Announces permission changes that follow from the local user's role / owner count.
    void refreshPermissions();

    IndexedRows<Protocol::Participant, &Protocol::Participant::id> m_rows;
    QString m_localUserId;
    int m_ownerCount = 0;
    // What the permission roles were last computed from.
    std::optional<Protocol::Role> m_shownMyRole;
    bool m_shownLastOwner = false;
};
