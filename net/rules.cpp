// SPDX-License-Identifier: MIT
#include "rules.h"

#include "roster.h"

using namespace Protocol;

namespace Rules {

namespace {

Verdict notIn(const QString &id)
{
    return Verdict::refuse(ErrorCode::NotFound, QStringLiteral("%1 is not in the session").arg(id));
}

bool isManager(Role role)
{
    return role != Role::Member;
}

} // namespace

Verdict mayAct(const Roster &roster, const QString &actorId)
{
    if (!roster.contains(actorId))
        return Verdict::refuse(ErrorCode::Forbidden, QStringLiteral("you are not in this session"));
    return Verdict::allow();
}

Verdict mayRemove(const Roster &roster, const QString &actorId, const QString &targetId)
{
    const Participant *actor = roster.find(actorId);
    if (!actor)
        return mayAct(roster, actorId);
    const Participant *target = roster.find(targetId);
    if (!target)
        return notIn(targetId);
    if (actorId == targetId)
        return Verdict::allow(); // a last owner's ownership passes on (nextOwner)
    const bool allowed = actor->role == Role::Owner
        || (actor->role == Role::Moderator && target->role == Role::Member);
    if (!allowed)
        return Verdict::refuse(ErrorCode::Forbidden,
            QStringLiteral("%1s cannot remove %2s")
                .arg(toString(actor->role), toString(target->role)));
    return Verdict::allow();
}

Verdict maySetRole(const Roster &roster, const QString &actorId, const QString &targetId, Role role)
{
    const Participant *actor = roster.find(actorId);
    if (!actor)
        return mayAct(roster, actorId);
    if (actor->role != Role::Owner)
        return Verdict::refuse(ErrorCode::Forbidden, QStringLiteral("only owners change roles"));
    const Participant *target = roster.find(targetId);
    if (!target)
        return notIn(targetId);
    if (target->type == ParticipantType::Helpy)
        return Verdict::refuse(ErrorCode::BadRequest,
            QStringLiteral("a helpy is always a member; its role cannot be changed"));
    if (target->role == role)
        return Verdict::allow(); // nothing to change
    if (target->role == Role::Owner && roster.ownerCount() == 1)
        return Verdict::refuse(ErrorCode::Conflict,
            QStringLiteral("a session needs an owner; make someone else owner first"));
    if (targetId == actorId)
        return Verdict::refuse(
            ErrorCode::Forbidden, QStringLiteral("another owner changes your role"));
    return Verdict::allow();
}

bool mayChangeRole(const Roster &roster, const QString &actorId, const QString &targetId)
{
    const Participant *target = roster.find(targetId);
    if (!target)
        return false;
    for (const Role role : { Role::Owner, Role::Moderator, Role::Member }) {
        if (role != target->role && maySetRole(roster, actorId, targetId, role))
            return true;
    }
    return false;
}

Verdict mayAdd(const Roster &roster, const QString &actorId, ParticipantType type)
{
    const Participant *actor = roster.find(actorId);
    if (!actor)
        return mayAct(roster, actorId);
    if (!isManager(actor->role))
        return Verdict::refuse(ErrorCode::Forbidden,
            type == ParticipantType::User
                ? QStringLiteral("only moderators and owners add people")
                : QStringLiteral("only moderators and owners add helpys"));
    return Verdict::allow();
}

Verdict mayCreateInvite(const Roster &roster, const QString &actorId)
{
    const Participant *actor = roster.find(actorId);
    if (!actor)
        return mayAct(roster, actorId);
    if (!isManager(actor->role))
        return Verdict::refuse(
            ErrorCode::Forbidden, QStringLiteral("only moderators and owners invite"));
    return Verdict::allow();
}

Verdict mayBan(const Roster &roster, const QString &actorId, const QString &targetId)
{
    const Participant *actor = roster.find(actorId);
    if (!actor)
        return mayAct(roster, actorId);
    if (actorId == targetId)
        return Verdict::refuse(ErrorCode::Forbidden, QStringLiteral("you cannot ban yourself"));
    if (!isManager(actor->role))
        return Verdict::refuse(
            ErrorCode::Forbidden, QStringLiteral("only moderators and owners ban"));
    const Participant *target = roster.find(targetId);
    if (!target)
        return Verdict::allow(); // a past member (or stranger): kept out from now on
    if (target->type == ParticipantType::Helpy)
        return Verdict::refuse(
            ErrorCode::BadRequest, QStringLiteral("a helpy is removed, not banned"));
    return mayRemove(roster, actorId, targetId);
}

Verdict mayUpdateHelpy(const Roster &roster, const QString &actorId, const QString &targetId)
{
    const Participant *actor = roster.find(actorId);
    if (!actor)
        return mayAct(roster, actorId);
    if (!isManager(actor->role))
        return Verdict::refuse(
            ErrorCode::Forbidden, QStringLiteral("only moderators and owners change a helpy"));
    const Participant *target = roster.find(targetId);
    if (!target)
        return Verdict::refuse(
            ErrorCode::NotFound, QStringLiteral("no participant %1 in this session").arg(targetId));
    if (target->type != ParticipantType::Helpy)
        return Verdict::refuse(
            ErrorCode::BadRequest, QStringLiteral("%1 is a person, not a helpy").arg(targetId));
    return Verdict::allow();
}

Verdict mayChangeSettings(const Roster &roster, const QString &actorId)
{
    const Participant *actor = roster.find(actorId);
    if (!actor)
        return mayAct(roster, actorId);
    if (!isManager(actor->role))
        return Verdict::refuse(ErrorCode::Forbidden,
            QStringLiteral("only moderators and owners change the session's settings"));
    return Verdict::allow();
}

Verdict mayUnban(const Roster &roster, const QString &actorId)
{
    const Participant *actor = roster.find(actorId);
    if (!actor)
        return mayAct(roster, actorId);
    if (!isManager(actor->role))
        return Verdict::refuse(
            ErrorCode::Forbidden, QStringLiteral("only moderators and owners lift a ban"));
    return Verdict::allow();
}

Verdict mayRenameSession(const Roster &roster, const QString &actorId)
{
    const Participant *actor = roster.find(actorId);
    if (!actor)
        return mayAct(roster, actorId);
    if (actor->role != Role::Owner)
        return Verdict::refuse(
            ErrorCode::Forbidden, QStringLiteral("only owners rename the session"));
    return Verdict::allow();
}

Verdict mayDeleteSession(const Roster &roster, const QString &actorId)
{
    const Participant *actor = roster.find(actorId);
    if (!actor)
        return mayAct(roster, actorId);
    if (actor->role != Role::Owner)
        return Verdict::refuse(
            ErrorCode::Forbidden, QStringLiteral("only owners delete the session"));
    return Verdict::allow();
}

QString nextOwner(const Roster &roster, const QString &leavingId)
{
    const Participant *leaving = roster.find(leavingId);
    if (!leaving || leaving->role != Role::Owner || roster.ownerCount() != 1)
        return {};
    QString moderator;
    QString longest;
    roster.forEach([&](qsizetype, const Participant &p) {
        if (p.id == leavingId || p.type != ParticipantType::User)
            return;
        if (p.role == Role::Moderator && moderator.isEmpty())
            moderator = p.id;
        if (longest.isEmpty())
            longest = p.id; // join order: the first one met has been present longest
    });
    return moderator.isEmpty() ? longest : moderator;
}

} // namespace Rules
