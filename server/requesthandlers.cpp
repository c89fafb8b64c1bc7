// SPDX-License-Identifier: MIT
#include "requesthandlers.h"

#include "handlercontext.h"
#include "identifiers.h"
#include "logging.h"
#include "rules.h"
#include "serveroptions.h"
#include "session.h"
#include "userdirectory.h"

using namespace Protocol;
using Refusal = RequestHandlers::Refusal;
using Outcome = RequestHandlers::Outcome;

namespace {

/// A refusal of the rule book, in its words.
Refusal refusalOf(const Rules::Verdict &verdict)
{
    return { verdict.code, verdict.reason };
}

Refusal sessionFull(int maxParticipants)
{
    return { ErrorCode::LimitExceeded,
        QStringLiteral("the session is full (%1 participants)").arg(maxParticipants) };
}

} // namespace

RequestHandlers::RequestHandlers(HandlerContext &context)
    : m_context(context)
{
    m_clock.start();
}

Outcome RequestHandlers::apply(ClientConnection *connection, User &user, const ClientFrame &frame)
{
    if (const auto *r = std::get_if<CreateSession>(&frame))
        return createSession(user, *r);
    if (const auto *r = std::get_if<JoinSession>(&frame))
        return joinSession(connection, user, *r);
    if (const auto *r = std::get_if<LeaveSession>(&frame))
        return removeParticipant(user, r->sessionId, user.id);
    if (const auto *r = std::get_if<AddParticipant>(&frame))
        return addParticipant(user, *r);
    if (const auto *r = std::get_if<RemoveParticipant>(&frame))
        return removeParticipant(user, r->sessionId, r->participantId);
    if (const auto *r = std::get_if<SetRole>(&frame))
        return setRole(user, *r);
    if (const auto *r = std::get_if<CreateInvite>(&frame))
        return createInvite(user, *r);
    if (std::holds_alternative<ListSessions>(frame))
        return listSessions(user);
    if (const auto *r = std::get_if<SendMessage>(&frame))
        return sendMessage(user, *r);
    return Refusal { ErrorCode::BadRequest, QStringLiteral("not a request a client sends") };
}

std::variant<Session *, Refusal> RequestHandlers::sessionOf(const QString &sessionId)
{
    if (Session *session = m_context.findSession(sessionId))
        return session;
    return Refusal { ErrorCode::NotFound, QStringLiteral("no session %1").arg(sessionId) };
}

std::optional<Refusal> RequestHandlers::ownedSessionsCap(const User &user)
{
    const int cap = m_context.options().maxSessionsOwnedPerUser;
    int owned = 0;
    for (const QString &sessionId : user.sessionIds) {
        const Session *session = m_context.findSession(sessionId);
        const Participant *me = session ? session->roster().find(user.id) : nullptr;
        if (me && me->role == Role::Owner && ++owned >= cap) {
            return Refusal { ErrorCode::LimitExceeded,
                QStringLiteral("you own %1 sessions already (the limit)").arg(cap) };
        }
    }
    return std::nullopt;
}

std::optional<Refusal> RequestHandlers::chargeInvite(const User &user)
{
    constexpr qint64 HourMs = 3600 * 1000;
    const int cap = m_context.options().maxInvitesPerUserPerHour;
    const qint64 now = m_clock.elapsed();
    InviteWindow &window = m_invitesByUser[user.id];
    if (now - window.hourStartMs >= HourMs)
        window = { now, 0 };
    if (window.created >= cap) {
        return Refusal { ErrorCode::LimitExceeded,
            QStringLiteral("you created %1 invites this hour (the limit)").arg(cap) };
    }
    ++window.created;
    return std::nullopt;
}

Outcome RequestHandlers::createSession(User &user, const CreateSession &request)
{
    if (auto refusal = ownedSessionsCap(user))
        return *refusal;
    Session &created = m_context.createSession(request.title);
    Participant owner;
    owner.id = user.id;
    owner.type = ParticipantType::User;
    owner.displayName = user.displayName;
    owner.role = Role::Owner;
    owner.presence = m_context.presenceOf(user);
    addToSession(created, owner, user.id);
    qCInfo(lcServer) << user.id << "created session" << created.id() << request.title;
    return makeAck(created.revision(), CreateSessionResult { created.id(), created.epoch() });
}

Outcome RequestHandlers::joinSession(
    ClientConnection *connection, User &user, const JoinSession &request)
{
    Session *session = nullptr;
    if (!request.inviteCode.isEmpty()) {
        session = m_context.findSessionByInvite(request.inviteCode.toUpper());
        if (!session)
            return Refusal { ErrorCode::NotFound, QStringLiteral("unknown invite code") };
    } else {
        session = m_context.findSession(request.sessionId);
        if (!session)
            return Refusal { ErrorCode::NotFound,
                QStringLiteral("no session %1").arg(request.sessionId) };
    }
    if (!session->roster().contains(user.id)) {
        if (request.inviteCode.isEmpty())
            return Refusal { ErrorCode::Forbidden,
                QStringLiteral("joining needs an invite code or an add by a moderator") };
        const int maxParticipants = m_context.options().maxParticipants;
        if (session->roster().size() >= maxParticipants)
            return sessionFull(maxParticipants);
        Participant member;
        member.id = user.id;
        member.type = ParticipantType::User;
        member.displayName = user.displayName;
        member.role = Role::Member;
        member.presence = m_context.presenceOf(user);
        addToSession(*session, member, user.id);
    }

    std::optional<QStringList> missed;
    if (request.sinceRevision && request.epoch == session->epoch())
        missed = session->eventsSince(*request.sinceRevision);
    if (missed) {
        for (const QString &event : std::as_const(*missed))
            m_context.post(connection, event);
        m_context.post(connection, {}, session->id(), session->revision());
    } else {
        m_context.sendSnapshot(connection, *session);
    }
    return makeAck(session->revision(),
        JoinSessionResult { session->id(), session->epoch(), missed.has_value() });
}

Outcome RequestHandlers::addParticipant(User &user, const AddParticipant &request)
{
    const auto found = sessionOf(request.sessionId);
    if (const auto *refusal = std::get_if<Refusal>(&found))
        return *refusal;
    Session *session = std::get<Session *>(found);
    const Roster &roster = session->roster();
    if (const auto verdict = Rules::mayAdd(roster, user.id, request.participantType); !verdict)
        return refusalOf(verdict);
    if (const Participant *present = roster.find(request.participantId)) {
        if (present->type != request.participantType)
            return Refusal { ErrorCode::Conflict,
                QStringLiteral("%1 is not a %2")
                    .arg(request.participantId, toString(request.participantType)) };
        return makeAck(session->revision(), AddParticipantResult { present->id, false });
    }
    const int maxParticipants = m_context.options().maxParticipants;
    if (roster.size() >= maxParticipants)
        return sessionFull(maxParticipants);
    auto added = newParticipant(request);
    if (const auto *refusal = std::get_if<Refusal>(&added))
        return *refusal;
    const Participant &participant = std::get<Participant>(added);
    addToSession(*session, participant, user.id);
    return makeAck(session->revision(), AddParticipantResult { participant.id, true });
}

std::variant<Participant, Refusal> RequestHandlers::newParticipant(const AddParticipant &request)
{
    Participant added;
    added.type = request.participantType;
    added.role = Role::Member;
    if (request.participantType == ParticipantType::User) {
        User *target = m_context.findUser(request.participantId);
        if (!target)
            return Refusal { ErrorCode::NotFound,
                QStringLiteral("no user %1").arg(request.participantId) };
        added.id = target->id;
        added.displayName
            = request.displayName.isEmpty() ? target->displayName : request.displayName;
        added.presence = m_context.presenceOf(*target);
        return added;
    }
    if (!request.participantId.isEmpty() && m_context.findUser(request.participantId))
        return Refusal { ErrorCode::Conflict,
            QStringLiteral("%1 is a user, not a helpy").arg(request.participantId) };
    if (request.displayName.isEmpty())
        return Refusal { ErrorCode::BadRequest,
            QStringLiteral("a new helpy needs a 'displayName'") };
    added.id = request.participantId.isEmpty() ? Identifiers::helpyId() : request.participantId;
    added.displayName = request.displayName;
    added.presence = Presence::Online; // a tutor is served by the server: always there
    return added;
}

Outcome RequestHandlers::removeParticipant(
    User &user, const QString &sessionId, const QString &participantId)
{
    const auto found = sessionOf(sessionId);
    if (const auto *refusal = std::get_if<Refusal>(&found))
        return *refusal;
    Session *session = std::get<Session *>(found);
    if (const auto verdict = Rules::mayRemove(session->roster(), user.id, participantId); !verdict)
        return refusalOf(verdict);
    removeFromSession(*session, participantId,
        participantId == user.id ? ParticipantChangeEvent::Reason::Left
                                 : ParticipantChangeEvent::Reason::Removed,
        user.id);
    return makeAck(session->revision());
}

Outcome RequestHandlers::setRole(User &user, const SetRole &request)
{
    const auto found = sessionOf(request.sessionId);
    if (const auto *refusal = std::get_if<Refusal>(&found))
        return *refusal;
    Session *session = std::get<Session *>(found);
    const Roster &roster = session->roster();
    const auto verdict = Rules::maySetRole(roster, user.id, request.participantId, request.role);
    if (!verdict)
        return refusalOf(verdict);
    Participant changed = *roster.find(request.participantId);
    if (changed.role == request.role)
        return makeAck(session->revision());
    changed.role = request.role;
    m_context.publish(*session, changeOf(ParticipantChangeEvent::Type::Updated, changed, user.id));
    return makeAck(session->revision());
}

Outcome RequestHandlers::createInvite(User &user, const CreateInvite &request)
{
    const auto found = sessionOf(request.sessionId);
    if (const auto *refusal = std::get_if<Refusal>(&found))
        return *refusal;
    const Session *session = std::get<Session *>(found);
    if (const auto verdict = Rules::mayCreateInvite(session->roster(), user.id); !verdict)
        return refusalOf(verdict);
    if (auto refusal = chargeInvite(user))
        return *refusal;
    const QString code = m_context.createInvite(*session);
    return makeAck(std::nullopt, CreateInviteResult { code, session->id() });
}

Outcome RequestHandlers::listSessions(User &user)
{
    ListSessionsResult result;
    for (const QString &id : std::as_const(user.sessionIds)) {
        const Session *session = m_context.findSession(id);
        const Participant *self = session ? session->roster().find(user.id) : nullptr;
        if (!self)
            continue;
        result.sessions.append(SessionSummary {
            id, session->title(), self->role, session->roster().size(), session->revision() });
    }
    return makeAck(std::nullopt, result);
}

Outcome RequestHandlers::sendMessage(User &user, const SendMessage &request)
{
    const auto found = sessionOf(request.sessionId);
    if (const auto *refusal = std::get_if<Refusal>(&found))
        return *refusal;
    Session *session = std::get<Session *>(found);
    if (const auto verdict = Rules::mayAct(session->roster(), user.id); !verdict)
        return refusalOf(verdict);
    MessageEvent event;
    event.message.messageId = Identifiers::messageId();
    event.message.authorId = user.id;
    event.message.text = request.text;
    event.message.requestId = request.requestId;
    m_context.publish(*session, event);
    return makeAck(session->revision(), SendMessageResult { event.message.messageId });
}

void RequestHandlers::setTyping(
    ClientConnection *connection, const User &user, const SetTyping &request)
{
    const auto found = sessionOf(request.sessionId);
    std::optional<Refusal> refusal;
    if (const auto *notFound = std::get_if<Refusal>(&found))
        refusal = *notFound;
    else if (const auto verdict = Rules::mayAct(std::get<Session *>(found)->roster(), user.id);
             !verdict)
        refusal = refusalOf(verdict);
    if (refusal) {
        m_context.post(connection, encode(Error { {}, refusal->code, refusal->message }));
        return;
    }
    m_context.broadcast(*std::get<Session *>(found),
        encode(TypingEvent { request.sessionId, user.id, request.typing }), connection);
}

void RequestHandlers::addToSession(
    Session &session, Participant participant, const QString &actorId)
{
    participant.joinedAt = QDateTime::currentDateTimeUtc();
    m_context.publish(session, changeOf(ParticipantChangeEvent::Type::Added, participant, actorId));

    if (participant.type != ParticipantType::User)
        return;
    m_context.setMember(participant.id, session.id(), true);
    // Added by someone else: each live connection gets the state, then the events.
    if (actorId == participant.id)
        return;
    if (const User *user = m_context.findUser(participant.id)) {
        for (ClientConnection *connection : std::as_const(user->connections))
            m_context.sendSnapshot(connection, session);
    }
}

void RequestHandlers::removeFromSession(Session &session, const QString &participantId,
    ParticipantChangeEvent::Reason reason, const QString &actorId)
{
    ParticipantChangeEvent event = changeOf(
        ParticipantChangeEvent::Type::Removed, *session.roster().find(participantId), actorId);
    event.reason = reason;
    // The removed one's connections receive it too (Delivery::removedUserId), as their last.
    m_context.publish(session, event);
    m_context.setMember(participantId, session.id(), false);
    qCInfo(lcServer) << actorId << "removed" << participantId << "from" << session.id();
}
