// SPDX-License-Identifier: MIT
#pragma once

#include "protocol.h"

#include <QList>
#include <QString>

/**
 * @brief The permission table: one row per (actor role × target type × target role × action)
 * case, with the answer the rule book gives. The server's answer, the rule book, the
 * participant list's offers and the UI's menu are all checked against these same rows.
 *
 * A row's roster is a list of "NAME:ROLE" (a person) or "NAME:helpy" (a Helpy, always a
 * member). The actor is always A. The first owner listed creates the session; the others
 * join by invite and get their role from it.
 */
namespace PermissionTable {

enum class Action {
    Remove, ///< remove_participant of the target; leave_session when the target is A
    SetRole, ///< set_role of the target to `role`
    AddUser, ///< add_participant of a person not in the session
    AddHelpy, ///< add_participant of a new Helpy
    CreateInvite, ///< create_invite
    Ban, ///< ban_participant of the target
    UpdateHelpy, ///< update_helpy of the target (its subject)
    ChangeSettings, ///< set_session_settings
    Rename, ///< rename_session
    Delete, ///< delete_session
};

struct Row
{
    const char *name;
    QStringList roster;
    Action action;
    QString target; ///< a name in the roster (Remove, SetRole)
    Protocol::Role role = Protocol::Role::Member; ///< SetRole's new role
    /// What the rule book answers: allowed, or refused with this code.
    std::optional<Protocol::ErrorCode> refusal;
};

inline QList<Row> rows()
{
    using Protocol::ErrorCode;
    using Protocol::Role;
    const QStringList ownerAndMember { "A:owner", "B:member", "H:helpy" };
    const QStringList twoOwners { "A:owner", "B:owner", "H:helpy" };
    const QStringList asModerator { "O:owner", "A:moderator", "B:member", "M:moderator",
        "H:helpy" };
    const QStringList asMember { "O:owner", "A:member", "B:member", "H:helpy" };
    return {
        // remove someone else
        { "owner removes member", ownerAndMember, Action::Remove, "B" },
        { "owner removes owner", twoOwners, Action::Remove, "B" },
        { "owner removes helpy", ownerAndMember, Action::Remove, "H" },
        { "owner removes moderator", { "A:owner", "M:moderator" }, Action::Remove, "M" },
        { "moderator removes member", asModerator, Action::Remove, "B" },
        { "moderator removes helpy", asModerator, Action::Remove, "H" },
        { "moderator removes moderator", asModerator, Action::Remove, "M", {},
            ErrorCode::Forbidden },
        { "moderator removes owner", asModerator, Action::Remove, "O", {}, ErrorCode::Forbidden },
        { "member removes member", asMember, Action::Remove, "B", {}, ErrorCode::Forbidden },
        { "member removes helpy", asMember, Action::Remove, "H", {}, ErrorCode::Forbidden },
        { "member removes owner", asMember, Action::Remove, "O", {}, ErrorCode::Forbidden },
        // leave (remove yourself)
        { "member leaves", asMember, Action::Remove, "A" },
        { "moderator leaves", asModerator, Action::Remove, "A" },
        { "owner leaves another owner", twoOwners, Action::Remove, "A" },
        // the last owner may leave: ownership passes to the next moderator, else the person
        // present longest (issue 11, "Membership gaps")
        { "last owner leaves others", ownerAndMember, Action::Remove, "A" },
        { "last owner leaves a moderator", { "A:owner", "B:member", "M:moderator" }, Action::Remove,
            "A" },
        { "last owner leaves helpys only", { "A:owner", "H:helpy" }, Action::Remove, "A" },
        // roles
        { "owner makes member moderator", ownerAndMember, Action::SetRole, "B", Role::Moderator },
        { "owner makes moderator owner", { "A:owner", "M:moderator" }, Action::SetRole, "M",
            Role::Owner },
        { "owner makes owner member", twoOwners, Action::SetRole, "B", Role::Member },
        { "owner makes helpy moderator", ownerAndMember, Action::SetRole, "H", Role::Moderator,
            ErrorCode::BadRequest },
        { "last owner steps down", ownerAndMember, Action::SetRole, "A", Role::Member,
            ErrorCode::Conflict },
        { "owner steps down another owner", twoOwners, Action::SetRole, "A", Role::Moderator,
            ErrorCode::Forbidden },
        { "moderator makes member moderator", asModerator, Action::SetRole, "B", Role::Moderator,
            ErrorCode::Forbidden },
        { "member makes member moderator", asMember, Action::SetRole, "B", Role::Moderator,
            ErrorCode::Forbidden },
        // adding and inviting
        // Helpys take room only managers give (issue 11: members filled sessions with them)
        { "member adds helpy", asMember, Action::AddHelpy, {}, {}, ErrorCode::Forbidden },
        { "moderator adds helpy", asModerator, Action::AddHelpy },
        { "owner adds helpy", ownerAndMember, Action::AddHelpy },
        { "member adds person", asMember, Action::AddUser, {}, {}, ErrorCode::Forbidden },
        { "moderator adds person", asModerator, Action::AddUser },
        { "owner adds person", ownerAndMember, Action::AddUser },
        { "member invites", asMember, Action::CreateInvite, {}, {}, ErrorCode::Forbidden },
        { "moderator invites", asModerator, Action::CreateInvite },
        { "owner invites", ownerAndMember, Action::CreateInvite },
        // banning: the rules of remove, never yourself, never a Helpy (issue 11)
        { "owner bans member", ownerAndMember, Action::Ban, "B" },
        { "owner bans owner", twoOwners, Action::Ban, "B" },
        { "moderator bans member", asModerator, Action::Ban, "B" },
        { "moderator bans moderator", asModerator, Action::Ban, "M", {}, ErrorCode::Forbidden },
        { "moderator bans owner", asModerator, Action::Ban, "O", {}, ErrorCode::Forbidden },
        { "member bans member", asMember, Action::Ban, "B", {}, ErrorCode::Forbidden },
        { "owner bans helpy", ownerAndMember, Action::Ban, "H", {}, ErrorCode::BadRequest },
        { "owner bans self", ownerAndMember, Action::Ban, "A", {}, ErrorCode::Forbidden },
        // Helpy tutors and the session's settings
        { "owner updates helpy", ownerAndMember, Action::UpdateHelpy, "H" },
        { "moderator updates helpy", asModerator, Action::UpdateHelpy, "H" },
        { "member updates helpy", asMember, Action::UpdateHelpy, "H", {}, ErrorCode::Forbidden },
        { "owner updates a person as helpy", ownerAndMember, Action::UpdateHelpy, "B", {},
            ErrorCode::BadRequest },
        { "owner changes settings", ownerAndMember, Action::ChangeSettings },
        { "moderator changes settings", asModerator, Action::ChangeSettings },
        { "member changes settings", asMember, Action::ChangeSettings, {}, {},
            ErrorCode::Forbidden },
        // the session itself: its title and its existence are the owners'
        { "owner renames", ownerAndMember, Action::Rename },
        { "second owner renames", twoOwners, Action::Rename },
        { "moderator renames", asModerator, Action::Rename, {}, {}, ErrorCode::Forbidden },
        { "member renames", asMember, Action::Rename, {}, {}, ErrorCode::Forbidden },
        { "owner deletes", ownerAndMember, Action::Delete },
        { "second owner deletes", twoOwners, Action::Delete },
        { "moderator deletes", asModerator, Action::Delete, {}, {}, ErrorCode::Forbidden },
        { "member deletes", asMember, Action::Delete, {}, {}, ErrorCode::Forbidden },
    };
}

/// The name and role of one roster entry ("B:member" → {"B", Member}; a Helpy is a member).
struct Entry
{
    QString name;
    bool helpy = false;
    Protocol::Role role = Protocol::Role::Member;
};

inline Entry entry(const QString &text)
{
    const QString name = text.section(u':', 0, 0);
    const QString kind = text.section(u':', 1);
    if (kind == u"helpy")
        return { name, true, Protocol::Role::Member };
    return { name, false, Protocol::roleFromString(kind).value_or(Protocol::Role::Member) };
}

} // namespace PermissionTable
