// SPDX-License-Identifier: MIT
#include "requesthandlers.h"

#include "handlercontext.h"
#include "identifiers.h"
#include "logging.h"
#include "permissions.h"
#include "serveroptions.h"
#include "session.h"
#include "userdirectory.h"

#include <QJsonArray>

using namespace Protocol;
using Refusal = RequestHandlers::Refusal;
using Outcome = RequestHandlers::Outcome;

namespace {

Ack ackWith(std::optional<qint64> revision, QJsonObject result = {})
{
    Ack ack;
    ack.revision = revision;
    ack.result = std::move(result);
    return ack;
}

Refusal sessionFull(int maxParticipants)
{
    return { ErrorCode::LimitExceeded,
        QStringLiteral("the session is full (%1 participants)").arg(maxParticipants) };
}

} // namespace

RequestHandlers::RequestHandlers(HandlerContext &context)
    : m_context(context)
{ }

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

std::variant<std::pair<Session *, const Participant *>, Refusal>
RequestHandlers::sessionAsParticipant(const QString &sessionId, const User &user)
{
    Session *session = m_context.findSession(sessionId);
    if (!session)
        return Refusal { ErrorCode::NotFound, QStringLiteral("no session %1").arg(sessionId) };
    const Participant *actor = session->participant(user.id);
    if (!actor)
        return Refusal { ErrorCode::Forbidden,
            QStringLiteral("you are not in session %1").arg(sessionId) };
    return std::pair { session, actor };
}

Outcome RequestHandlers::createSession(User &user, const CreateSession &request)
{
    Session &created = m_context.createSession(request.title);
    Participant owner;
    owner.id = user.id;
    owner.type = ParticipantType::User;
    owner.displayName = user.displayName;
    owner.role = Role::Owner;
    owner.presence = m_context.presenceOf(user);
    addToSession(created, owner, user.id);
    qCInfo(lcServer) << user.id << "created session" << created.id() << request.title;
    return ackWith(created.revision(),
        { { QStringLiteral("sessionId"), created.id() },
            { QStringLiteral("epoch"), created.epoch() } });
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
    if (!session->contains(user.id)) {
        if (request.inviteCode.isEmpty())
            return Refusal { ErrorCode::Forbidden,
                QStringLiteral("joining needs an invite code or an add by a moderator") };
        const int maxParticipants = m_context.options().maxParticipants;
        if (session->participantCount() >= maxParticipants)
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
    return ackWith(session->revision(),
        { { QStringLiteral("sessionId"), session->id() },
            { QStringLiteral("epoch"), session->epoch() },
            { QStringLiteral("resumed"), missed.has_value() } });
}

Outcome RequestHandlers::addParticipant(User &user, const AddParticipant &request)
{
    const auto found = sessionAsParticipant(request.sessionId, user);
    if (const auto *refusal = std::get_if<Refusal>(&found))
        return *refusal;
    auto [session, actor] = std::get<std::pair<Session *, const Participant *>>(found);
    if (!Permissions::mayAdd(actor->role, request.participantType))
        return Refusal { ErrorCode::Forbidden,
            QStringLiteral("only moderators and owners add people") };
    if (!request.participantId.isEmpty() && session->contains(request.participantId)) {
        const Participant *present = session->participant(request.participantId);
        if (present->type != request.participantType)
            return Refusal { ErrorCode::Conflict,
                QStringLiteral("%1 is not a %2")
                    .arg(request.participantId, toString(request.participantType)) };
        return ackWith(session->revision(),
            { { QStringLiteral("participantId"), present->id },
                { QStringLiteral("added"), false } });
    }
    const int maxParticipants = m_context.options().maxParticipants;
    if (session->participantCount() >= maxParticipants)
        return sessionFull(maxParticipants);
    auto added = newParticipant(request);
    if (const auto *refusal = std::get_if<Refusal>(&added))
        return *refusal;
    const Participant &participant = std::get<Participant>(added);
    addToSession(*session, participant, user.id);
    return ackWith(session->revision(),
        { { QStringLiteral("participantId"), participant.id }, { QStringLiteral("added"), true } });
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
    const auto found = sessionAsParticipant(sessionId, user);
    if (const auto *refusal = std::get_if<Refusal>(&found))
        return *refusal;
    auto [session, actor] = std::get<std::pair<Session *, const Participant *>>(found);
    const Participant *target = session->participant(participantId);
    if (!target)
        return Refusal { ErrorCode::NotFound,
            QStringLiteral("%1 is not in the session").arg(participantId) };
    const bool self = participantId == user.id;
    if (!self && !Permissions::mayRemove(actor->role, target->role))
        return Refusal { ErrorCode::Forbidden,
            QStringLiteral("%1s cannot remove %2s")
                .arg(toString(actor->role), toString(target->role)) };
    if (self && actor->role == Role::Owner && session->ownerCount() == 1
        && session->userIds().size() > 1)
        return Refusal { ErrorCode::Conflict,
            QStringLiteral("the last owner must hand over ownership before leaving") };
    removeFromSession(*session, participantId,
        self ? ParticipantChangeEvent::Reason::Left : ParticipantChangeEvent::Reason::Removed,
        user.id);
    return ackWith(session->revision());
}

Outcome RequestHandlers::setRole(User &user, const SetRole &request)
{
    const auto found = sessionAsParticipant(request.sessionId, user);
    if (const auto *refusal = std::get_if<Refusal>(&found))
        return *refusal;
    auto [session, actor] = std::get<std::pair<Session *, const Participant *>>(found);
    if (!Permissions::maySetRole(actor->role))
        return Refusal { ErrorCode::Forbidden, QStringLiteral("only owners change roles") };
    const Participant *target = session->participant(request.participantId);
    if (!target)
        return Refusal { ErrorCode::NotFound,
            QStringLiteral("%1 is not in the session").arg(request.participantId) };
    if (target->type == ParticipantType::Helpy && request.role == Role::Owner)
        return Refusal { ErrorCode::BadRequest, QStringLiteral("a helpy cannot own a session") };
    if (target->role == request.role)
        return ackWith(session->revision());
    if (target->role == Role::Owner && session->ownerCount() == 1)
        return Refusal { ErrorCode::Conflict,
            QStringLiteral("a session needs an owner; make someone else owner first") };
    Participant changed = *target;
    changed.role = request.role;
    session->upsertParticipant(changed);
    m_context.publish(*session, changeOf(ParticipantChangeEvent::Type::Updated, changed, user.id));
    return ackWith(session->revision());
}

Outcome RequestHandlers::createInvite(User &user, const CreateInvite &request)
{
    const auto found = sessionAsParticipant(request.sessionId, user);
    if (const auto *refusal = std::get_if<Refusal>(&found))
        return *refusal;
    auto [session, actor] = std::get<std::pair<Session *, const Participant *>>(found);
    if (!Permissions::mayCreateInvite(actor->role))
        return Refusal { ErrorCode::Forbidden,
            QStringLiteral("only moderators and owners invite") };
    const QString code = m_context.createInvite(*session);
    return ackWith(std::nullopt,
        { { QStringLiteral("inviteCode"), code }, { QStringLiteral("sessionId"), session->id() } });
}

Outcome RequestHandlers::listSessions(User &user)
{
    QJsonArray list;
    for (const QString &id : std::as_const(user.sessionIds)) {
        const Session *session = m_context.findSession(id);
        const Participant *self = session ? session->participant(user.id) : nullptr;
        if (!self)
            continue;
        list.append(toJson(SessionSummary {
            id, session->title(), self->role, session->participantCount(), session->revision() }));
    }
    return ackWith(std::nullopt, { { QStringLiteral("sessions"), list } });
}

Outcome RequestHandlers::sendMessage(User &user, const SendMessage &request)
{
    const auto found = sessionAsParticipant(request.sessionId, user);
    if (const auto *refusal = std::get_if<Refusal>(&found))
        return *refusal;
    Session *session = std::get<std::pair<Session *, const Participant *>>(found).first;
    MessageEvent event;
    event.message.messageId = Identifiers::messageId();
    event.message.authorId = user.id;
    event.message.text = request.text;
    event.message.requestId = request.requestId;
    m_context.publish(*session, event);
    return ackWith(
        session->revision(), { { QStringLiteral("messageId"), event.message.messageId } });
}

void RequestHandlers::setTyping(
    ClientConnection *connection, const User &user, const SetTyping &request)
{
    const auto found = sessionAsParticipant(request.sessionId, user);
    if (const auto *refusal = std::get_if<Refusal>(&found)) {
        m_context.post(connection, encode(Error { {}, refusal->code, refusal->message }));
        return;
    }
    const Session &session = *std::get<std::pair<Session *, const Participant *>>(found).first;
    m_context.broadcast(
        session, encode(TypingEvent { request.sessionId, user.id, request.typing }), connection);
}

void RequestHandlers::addToSession(
    Session &session, Participant participant, const QString &actorId)
{
    participant.joinedAt = QDateTime::currentDateTimeUtc();
    session.upsertParticipant(participant);
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
    const Participant removed = *session.participant(participantId);
    ParticipantChangeEvent event
        = changeOf(ParticipantChangeEvent::Type::Removed, removed, actorId);
    event.reason = reason;
    // Published while still a participant: the removed one's connections receive it too.
    m_context.publish(session, event);
    session.removeParticipant(participantId);
    m_context.setMember(participantId, session.id(), false);
    qCInfo(lcServer) << actorId << "removed" << participantId << "from" << session.id();
}
