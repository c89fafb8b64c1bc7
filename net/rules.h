// SPDX-License-Identifier: MIT
#pragma once

#include "protocol.h"

class Roster;

/**
 * @brief The rule book: who may do what in a session (docs/protocol.md, "Permissions").
 *
 * Pure functions of a roster, called by the server to decide a request and by the client
 * to offer an action, so the two can never disagree. A refusal carries the error code and
 * the sentence the server answers with.
 */
namespace Rules {

/// @brief A decision: allowed, or refused with the `error` the server sends.
struct Verdict
{
    bool allowed = true;
    Protocol::ErrorCode code = Protocol::ErrorCode::Forbidden;
    QString reason;

    explicit operator bool() const { return allowed; }
    static Verdict allow() { return {}; }
    static Verdict refuse(Protocol::ErrorCode code, QString reason)
    {
        return { false, code, std::move(reason) };
    }
};

/// `actorId` is in the roster (every request in a session needs it).
Verdict mayAct(const Roster &roster, const QString &actorId);
/**
 * `actorId` removes `targetId`; removing yourself is leaving. Owners remove anyone,
 * moderators remove members (people and Helpys), members no one. Anyone may leave, the last
 * owner too: ownership then passes on (nextOwner()).
 */
Verdict mayRemove(const Roster &roster, const QString &actorId, const QString &targetId);
/**
 * `actorId` gives `targetId` the role `role`. Only owners change roles, and only others'
 * (your own role is changed by another owner); a Helpy's role is never changed (a tutor is
 * always a member); the last owner cannot step down. Giving the role someone already has is
 * allowed (and changes nothing).
 */
Verdict maySetRole(
    const Roster &roster, const QString &actorId, const QString &targetId, Protocol::Role role);
/// Some role other than the current one may be given to `targetId` (the menu is offered).
bool mayChangeRole(const Roster &roster, const QString &actorId, const QString &targetId);
/// Moderators and owners add people and Helpys; members add no one.
Verdict mayAdd(const Roster &roster, const QString &actorId, Protocol::ParticipantType type);
/// Moderators and owners create (and revoke) invite codes.
Verdict mayCreateInvite(const Roster &roster, const QString &actorId);
/**
 * `actorId` bans `targetId` (a person): as remove, by the same role rules, but never
 * yourself, and a Helpy is removed rather than banned.
 */
Verdict mayBan(const Roster &roster, const QString &actorId, const QString &targetId);
/// Moderators and owners change a Helpy's name, subject and instructions (only a Helpy's).
Verdict mayUpdateHelpy(const Roster &roster, const QString &actorId, const QString &targetId);
/// Moderators and owners change the session's settings.
Verdict mayChangeSettings(const Roster &roster, const QString &actorId);
/// Moderators and owners lift a ban.
Verdict mayUnban(const Roster &roster, const QString &actorId);
/**
 * Owners rename the session; moderators and members do not (the title is how everyone finds
 * the session in their list, so it is the owner's, as its existence is).
 */
Verdict mayRenameSession(const Roster &roster, const QString &actorId);
/// Owners delete the session, for everyone; moderators and members do not.
Verdict mayDeleteSession(const Roster &roster, const QString &actorId);
/**
 * Who becomes owner when `leavingId` (the last owner) goes: the first moderator in join order,
 * else the person present longest; empty when no other person remains (Helpys never own).
 * Also empty when `leavingId` is not the last owner: nothing passes.
 */
QString nextOwner(const Roster &roster, const QString &leavingId);

} // namespace Rules
