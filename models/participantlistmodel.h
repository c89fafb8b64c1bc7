// SPDX-License-Identifier: MIT
#pragma once

#include "protocol.h"
#include "roster.h"

#include <QAbstractListModel>
#include <QtQml/qqmlregistration.h>

#include <memory>

/**
 * @brief A session's roster as list rows: people and Helpy tutors. A view of one Roster.
 *
 * The rows are the roster's (GroupSessionNotifier's, in the app): the model keeps no copy,
 * it observes the roster and turns each change into the matching row signal (insert,
 * remove, dataChanged naming the changed roles). A snapshot is applied by the roster as the
 * difference to what is shown, so only the first load resets the model. Reading a row or
 * finding one by id is O(log n) (see IndexedRows).
 *
 * canRemove / canChangeRole come from the rule book (Rules) the server decides with; they
 * depend on the local user's role, so when that changes (rare) every row's permission roles
 * are announced changed.
 */
class ParticipantListModel
    : public QAbstractListModel
    , private RosterObserver
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by a GroupSession")
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(QString myRole READ myRole NOTIFY myRoleChanged)
    Q_PROPERTY(bool selfMayLeave READ selfMayLeave NOTIFY selfMayLeaveChanged)
    /// False while this client is not connected: others' presence is then only a guess.
    Q_PROPERTY(bool presenceKnown READ presenceKnown NOTIFY presenceKnownChanged)

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
        CanChangeRoleRole, ///< @brief the local user may give this one another role
        /// @brief false while this client is disconnected (presence then shows "unknown");
        /// always true on the local user's own row
        PresenceKnownRole,
    };
    Q_ENUM(Roles)

    /// A view of `roster` (not owned; should it go first, the model shows no rows).
    explicit ParticipantListModel(Roster *roster, QObject *parent = nullptr);
    /// A model over a roster of its own, changed through applySnapshot / upsert / remove.
    explicit ParticipantListModel(QObject *parent = nullptr);
    ~ParticipantListModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    int count() const { return m_roster->size(); }
    /// The local user's role in this session ("" when not in the roster).
    QString myRole() const;
    bool isManager() const;
    /// The rule book lets the local user leave (anyone may; a last owner's role passes on).
    bool selfMayLeave() const { return m_shownSelfMayLeave; }
    /// The rule book lets the local user add a Helpy (moderators and owners); it changes with
    /// myRole only.
    bool selfMayAddHelpy() const;

    bool presenceKnown() const { return m_presenceKnown; }
    /// Set false while the connection is down, true once the session caught up again.
    void setPresenceKnown(bool known);

    /// Whose row is "self"; set before the first load.
    void setLocalUserId(const QString &userId);
    QString localUserId() const { return m_localUserId; }

    const Roster &roster() const { return *m_roster; }
    // Changes to the roster shown (its owner's to make when the roster is shared).
    void applySnapshot(const QList<Protocol::Participant> &participants);
    void upsert(const Protocol::Participant &participant);
    void remove(const QString &participantId);
    void clear();

    Q_INVOKABLE int rowOf(const QString &participantId) const;
    std::optional<Protocol::Participant> participant(const QString &participantId) const;
    /// All rows in order. O(n): for tests and snapshots, not per event.
    QList<Protocol::Participant> participants() const { return m_roster->participants(); }

    static QString initialsOf(const QString &displayName);

Q_SIGNALS:
    void countChanged();
    void myRoleChanged();
    void selfMayLeaveChanged();
    void presenceKnownChanged();

private:
    // RosterObserver: the roster's changes become row changes.
    void rosterDestroyed() override;
    void rosterAboutToBeReset() override;
    void rosterReset() override;
    void snapshotAboutToBeApplied() override;
    void snapshotApplied() override;
    void participantsAboutToBeInserted(int first, int last) override;
    void participantsInserted(int first, int last) override;
    void participantAboutToBeRemoved(int row) override;
    void participantRemoved(int row) override;
    void participantChanged(int row, RosterObserver::Fields fields) override;

    /// Announces permission changes that follow from the local user's role and place.
    void refreshPermissions();

    std::unique_ptr<Roster> m_ownRoster; // only when not a view of another's
    Roster *m_roster;
    QString m_localUserId;
    // What the permission roles were last computed from.
    std::optional<Protocol::Role> m_shownMyRole;
    bool m_shownSelfMayLeave = false;
    bool m_shownSelfMayChangeRole = false;
    bool m_presenceKnown = true;
    bool m_inSnapshot = false; // permissions are recomputed once, at its end
    bool m_readWithoutSelf = false; // a row changed while the local user's row was moving
};
