// SPDX-License-Identifier: MIT
#include "requesthandlers.h"

#include "clientconnection.h"
#include "handlercontext.h"
#include "identifiers.h"
#include "logging.h"
#include "rostersummaries.h"
#include "rules.h"
#include "serveroptions.h"
#include "session.h"
#include "sessionactivity.h"
#include "userdirectory.h"

#include <QWebSocket>

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

Refusal unknownInvite()
{
    return { ErrorCode::NotFound,
        QStringLiteral("unknown invite code (or revoked, expired or used up)") };
}

Refusal banned(const QString &userId)
{
    return { ErrorCode::Forbidden, QStringLiteral("%1 is banned from this session").arg(userId) };
}

int helpyCount(const Roster &roster)
{
    return roster.size() - roster.userCount();
}

QString addressOf(const ClientConnection *connection)
{
    if (connection && connection->socket())
        return connection->address().toString();
    return QStringLiteral("local");
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
    if (const auto *r = std::get_if<ListSessions>(&frame))
        return listSessions(user, *r);
    if (const auto *r = std::get_if<SendMessage>(&frame))
        return sendMessage(user, *r);
    if (const auto *r = std::get_if<RevokeInvite>(&frame))
        return revokeInvite(user, *r);
    if (const auto *r = std::get_if<BanParticipant>(&frame))
        return banParticipant(user, *r);
    if (const auto *r = std::get_if<UnbanParticipant>(&frame))
        return unbanParticipant(user, *r);
    if (const auto *r = std::get_if<UpdateHelpy>(&frame))
        return updateHelpy(user, *r);
    if (const auto *r = std::get_if<SetSessionSettings>(&frame))
        return setSessionSettings(user, *r);
    if (const auto *r = std::get_if<RenameSession>(&frame))
        return renameSession(user, *r);
    if (const auto *r = std::get_if<DeleteSession>(&frame))
        return deleteSession(user, *r);
    return Refusal { ErrorCode::BadRequest, QStringLiteral("not a request a client sends") };
}

std::variant<Session *, Refusal> RequestHandlers::sessionOf(const QString &sessionId)
{
    Session *session = m_context.findSession(sessionId);
    if (session && session->isDeleted())
        return Refusal { ErrorCode::NotFound,
            QStringLiteral("session %1 was deleted by its owner").arg(sessionId) };
    if (session && session->isClosed())
        return Refusal { ErrorCode::NotFound,
            QStringLiteral("session %1 is closed (no person is left in it)").arg(sessionId) };
    if (session)
        return session;
    return Refusal { ErrorCode::NotFound, QStringLiteral("no session %1").arg(sessionId) };
}

std::optional<RequestHandlers::Refusal> RequestHandlers::permit(const QString &sessionId,
    Session *&session, const std::function<Rules::Verdict(const Roster &)> &rule)
{
    auto found = sessionOf(sessionId);
    if (const auto *refusal = std::get_if<Refusal>(&found))
        return *refusal;
    session = std::get<Session *>(found);
    if (const auto verdict = rule(session->roster()); !verdict)
        return refusalOf(verdict);
    return std::nullopt;
}

std::optional<Refusal> RequestHandlers::ownedSessionsCap(const User &user)
{
    const int cap = m_context.options().maxSessionsOwnedPerUser;
    int owned = 0;
    for (const QString &sessionId : user.sessionIds) {
        const Session *session = m_context.findSession(sessionId);
        const Participant *me
            = session && !session->isDeleted() ? session->roster().find(user.id) : nullptr;
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
    m_context.sessionOpened(user, created.id());
    qCInfo(lcServer) << user.id << "created session" << created.id() << request.title;
    return makeAck(created.revision(), CreateSessionResult { created.id(), created.epoch() });
}

Refusal RequestHandlers::refuseStranger(ClientConnection *connection, const User &user,
    const Session &session, const JoinSession &request)
{
    // A former member resuming (taken out while away): the events until then, their own
    // removal last, so that their client shows who took them out and why; nothing after.
    if (request.sinceRevision && request.epoch == session.epoch()) {
        if (const auto until = session.eventsUntilRemoved(*request.sinceRevision, user.id)) {
            for (const QString &event : *until)
                m_context.post(connection, event);
            return Refusal { ErrorCode::Forbidden,
                QStringLiteral("you are no longer in this session") };
        }
    }
    return Refusal { ErrorCode::Forbidden,
        QStringLiteral("joining needs an invite code or an add by a moderator") };
}

Outcome RequestHandlers::joinSession(
    ClientConnection *connection, User &user, const JoinSession &request)
{
    Session *session = nullptr;
    const QString inviteCode = request.inviteCode.toUpper();
    if (!inviteCode.isEmpty()) {
        const QString address = addressOf(connection);
        if (!mayGuessInvite(address))
            return Refusal { ErrorCode::RateLimited,
                QStringLiteral("too many unknown invite codes; try again in a minute") };
        session = m_context.findSessionByInvite(inviteCode);
        if (!session) {
            inviteGuessFailed(address);
            return unknownInvite();
        }
    } else {
        const auto found = sessionOf(request.sessionId);
        if (const auto *refusal = std::get_if<Refusal>(&found))
            return *refusal;
        session = std::get<Session *>(found);
    }
    if (!session->roster().contains(user.id)) {
        if (inviteCode.isEmpty())
            return refuseStranger(connection, user, *session, request);
        if (m_context.isBanned(*session, user.id))
            return banned(user.id);
        const int maxParticipants = m_context.options().maxParticipants;
        if (session->roster().userCount() >= maxParticipants)
            return sessionFull(maxParticipants);
        if (auto taken = nameTaken(*session, user.displayName, user.id))
            return *taken;
        m_context.useInvite(inviteCode);
        Participant member;
        member.id = user.id;
        member.type = ParticipantType::User;
        member.displayName = user.displayName;
        member.role = Role::Member;
        member.presence = m_context.presenceOf(user);
        addToSession(*session, member, user.id);
    }
    // Before the snapshot or the missed events, which then include the user's presence.
    m_context.sessionOpened(user, session->id());

    // A summary subscription resumes by a summary snapshot (its stage, messages and count:
    // small), and a switch between summary and the whole roster needs a snapshot too.
    const bool summary = RosterSummaries::wantsSummary(
        *connection, *session, request.roster, m_context.options().largeSessionThreshold);
    const auto followed = connection->subscriptions.constFind(session->id());
    const bool wasSummary = followed != connection->subscriptions.cend() && followed->summary;
    std::optional<QStringList> missed;
    // Asked for the whole roster: a snapshot, which marks the subscription so.
    if (request.sinceRevision && request.epoch == session->epoch() && !summary && !wasSummary
        && request.roster != RosterMode::Full)
        missed = session->eventsSince(*request.sinceRevision);
    if (missed) {
        for (const QString &event : std::as_const(*missed))
            m_context.post(connection, event);
        m_context.post(connection, {}, session->id(), session->revision());
    } else {
        m_context.sendSnapshot(connection, *session, request.roster);
    }
    return makeAck(session->revision(),
        JoinSessionResult { session->id(), session->epoch(), missed.has_value() });
}

Outcome RequestHandlers::addParticipant(User &user, const AddParticipant &request)
{
    Session *session = nullptr;
    if (auto refusal = permit(request.sessionId, session, [&](const Roster &roster) {
            return Rules::mayAdd(roster, user.id, request.participantType);
        }))
        return *refusal;
    const Roster &roster = session->roster();
    if (const Participant *present = roster.find(request.participantId)) {
        if (present->type != request.participantType)
            return Refusal { ErrorCode::Conflict,
                QStringLiteral("%1 is not a %2")
                    .arg(request.participantId, toString(request.participantType)) };
        return makeAck(session->revision(), AddParticipantResult { present->id, false });
    }
    if (request.participantType == ParticipantType::User) {
        if (m_context.isBanned(*session, request.participantId))
            return banned(request.participantId);
        const int maxParticipants = m_context.options().maxParticipants;
        if (roster.userCount() >= maxParticipants)
            return sessionFull(maxParticipants);
    } else {
        const int maxHelpys = m_context.options().maxHelpys;
        if (helpyCount(roster) >= maxHelpys)
            return Refusal { ErrorCode::LimitExceeded,
                QStringLiteral("the session has its %1 helpys already").arg(maxHelpys) };
    }
    auto added = newParticipant(request);
    if (const auto *refusal = std::get_if<Refusal>(&added))
        return *refusal;
    const Participant &participant = std::get<Participant>(added);
    if (auto taken = nameTaken(*session, participant.displayName, participant.id))
        return *taken;
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
    // Helpy ids are the server's (h-…): a client names only a Helpy already in the session.
    if (!request.participantId.isEmpty())
        return Refusal { ErrorCode::NotFound,
            QStringLiteral("no helpy %1 in this session; a new helpy's id is the server's")
                .arg(request.participantId) };
    if (request.displayName.isEmpty())
        return Refusal { ErrorCode::BadRequest,
            QStringLiteral("a new helpy needs a 'displayName'") };
    added.id = Identifiers::helpyId();
    added.displayName = request.displayName;
    added.subject = request.subject;
    added.instructions = request.instructions;
    added.presence = Presence::Online; // a tutor is served by the server: always there
    return added;
}

Outcome RequestHandlers::removeParticipant(
    User &user, const QString &sessionId, const QString &participantId)
{
    Session *session = nullptr;
    if (auto refusal = permit(sessionId, session,
            [&](const Roster &roster) { return Rules::mayRemove(roster, user.id, participantId); }))
        return *refusal;
    removeFromSession(*session, participantId,
        participantId == user.id ? ParticipantChangeEvent::Reason::Left
                                 : ParticipantChangeEvent::Reason::Removed,
        user.id);
    return makeAck(session->revision());
}

Outcome RequestHandlers::setRole(User &user, const SetRole &request)
{
    Session *session = nullptr;
    if (auto refusal = permit(request.sessionId, session, [&](const Roster &roster) {
            return Rules::maySetRole(roster, user.id, request.participantId, request.role);
        }))
        return *refusal;
    const Roster &roster = session->roster();
    Participant changed = *roster.find(request.participantId);
    if (changed.role == request.role)
        return makeAck(session->revision());
    changed.role = request.role;
    m_context.publish(*session, changeOf(ParticipantChangeEvent::Type::Updated, changed, user.id));
    return makeAck(session->revision());
}

Outcome RequestHandlers::createInvite(User &user, const CreateInvite &request)
{
    Session *session = nullptr;
    if (auto refusal = permit(request.sessionId, session,
            [&](const Roster &roster) { return Rules::mayCreateInvite(roster, user.id); }))
        return *refusal;
    if (auto refusal = chargeInvite(user))
        return *refusal;
    const ServerOptions &options = m_context.options();
    const int seconds = request.expiresInSeconds.value_or(options.inviteExpirySeconds);
    if (seconds > options.maxInviteExpirySeconds)
        return Refusal {
            ErrorCode::LimitExceeded,
            QStringLiteral("an invite lasts at most %1 seconds").arg(options.maxInviteExpirySeconds)
        };
    const auto invite = m_context.createInvite(
        *session, request.maxUses, QDateTime::currentDateTimeUtc().addSecs(seconds));
    CreateInviteResult result { invite.code, session->id(), {}, std::nullopt };
    result.expiresAt = invite.expiresAt;
    result.maxUses = invite.maxUses;
    return makeAck(std::nullopt, result);
}

Outcome RequestHandlers::revokeInvite(User &user, const RevokeInvite &request)
{
    Session *session = nullptr;
    if (auto refusal = permit(request.sessionId, session,
            [&](const Roster &roster) { return Rules::mayCreateInvite(roster, user.id); }))
        return *refusal;
    if (!m_context.revokeInvite(*session, request.inviteCode.toUpper()))
        return Refusal { ErrorCode::NotFound,
            QStringLiteral("no invite code %1 in this session").arg(request.inviteCode) };
    qCInfo(lcServer) << user.id << "revoked an invite of" << session->id();
    return makeAck(std::nullopt);
}

Outcome RequestHandlers::banParticipant(User &user, const BanParticipant &request)
{
    Session *session = nullptr;
    if (auto refusal = permit(request.sessionId, session, [&](const Roster &roster) {
            return Rules::mayBan(roster, user.id, request.participantId);
        }))
        return *refusal;
    if (!session->roster().contains(request.participantId)
        && !m_context.findUser(request.participantId))
        return Refusal { ErrorCode::NotFound,
            QStringLiteral("no user %1").arg(request.participantId) };
    m_context.setBanned(*session, request.participantId, true);
    if (session->roster().contains(request.participantId))
        removeFromSession(
            *session, request.participantId, ParticipantChangeEvent::Reason::Removed, user.id);
    qCInfo(lcServer) << user.id << "banned" << request.participantId << "from" << session->id();
    return makeAck(session->revision());
}

Outcome RequestHandlers::unbanParticipant(User &user, const UnbanParticipant &request)
{
    Session *session = nullptr;
    if (auto refusal = permit(request.sessionId, session,
            [&](const Roster &roster) { return Rules::mayUnban(roster, user.id); }))
        return *refusal;
    if (!m_context.isBanned(*session, request.participantId))
        return Refusal { ErrorCode::NotFound,
            QStringLiteral("%1 is not banned here").arg(request.participantId) };
    m_context.setBanned(*session, request.participantId, false);
    qCInfo(lcServer) << user.id << "lifted the ban of" << request.participantId << "in"
                     << session->id();
    return makeAck(session->revision());
}

std::optional<Refusal> RequestHandlers::nameTaken(
    const Session &session, const QString &displayName, const QString &exceptId) const
{
    const QString holder = session.roster().nameHolder(displayName, exceptId);
    if (holder.isEmpty())
        return std::nullopt;
    return Refusal { ErrorCode::Conflict,
        QStringLiteral("the name '%1' is too like %2's").arg(displayName, holder) };
}

bool RequestHandlers::mayGuessInvite(const QString &address)
{
    const auto it = m_inviteGuesses.constFind(address);
    if (it == m_inviteGuesses.cend() || m_clock.elapsed() - it->startMs >= 60'000)
        return true;
    return it->failures < m_context.options().inviteGuessesPerMinute;
}

void RequestHandlers::inviteGuessFailed(const QString &address)
{
    const qint64 now = m_clock.elapsed();
    if (m_inviteGuesses.size() > 10'000) {
        // Forget the windows that are over: memory stays bounded by the addresses of a minute.
        for (auto it = m_inviteGuesses.begin(); it != m_inviteGuesses.end();)
            it = now - it->startMs >= 60'000 ? m_inviteGuesses.erase(it) : std::next(it);
    }
    GuessWindow &window = m_inviteGuesses[address];
    if (now - window.startMs >= 60'000 || window.failures == 0)
        window = { now, 0 };
    if (++window.failures == m_context.options().inviteGuessesPerMinute)
        qCWarning(lcServer) << address << "looked up" << window.failures
                            << "unknown invite codes within a minute; throttled";
}

Outcome RequestHandlers::listSessions(User &user, const ListSessions &request)
{
    // A page costs its rows, not the user's sessions: ids are kept in order, and the cursor
    // is the last id of the previous page (a session left since does not matter).
    const int page = std::max(1, m_context.options().maxListPage);
    const int limit = request.limit ? std::clamp(*request.limit, 1, page) : page;
    ListSessionsResult result;
    auto it = request.cursor.isEmpty() ? user.sessionIds.cbegin()
                                       : user.sessionIds.upper_bound(request.cursor);
    for (; it != user.sessionIds.cend(); ++it) {
        if (result.sessions.size() == limit) {
            result.nextCursor = result.sessions.last().sessionId;
            break;
        }
        const Session *session = m_context.findSession(*it);
        const Participant *self
            = session && !session->isDeleted() ? session->roster().find(user.id) : nullptr;
        if (!self)
            continue;
        result.sessions.append(
            SessionSummary { *it, session->title(), self->role, session->roster().size(),
                session->revision(), SessionActivityPush::lastMessageOf(*session) });
    }
    return makeAck(std::nullopt, result);
}

Outcome RequestHandlers::sendMessage(User &user, const SendMessage &request)
{
    Session *session = nullptr;
    if (auto refusal = permit(request.sessionId, session,
            [&](const Roster &roster) { return Rules::mayAct(roster, user.id); }))
        return *refusal;
    MessageEvent event;
    event.message.messageId = Identifiers::messageId();
    event.message.authorId = user.id;
    event.message.text = request.text;
    event.message.requestId = request.requestId;
    event.message.replyTo = request.replyTo;
    m_context.publish(*session, event);
    m_context.messagePosted(*session, event.message);
    return makeAck(session->revision(), SendMessageResult { event.message.messageId });
}

Outcome RequestHandlers::updateHelpy(User &user, const UpdateHelpy &request)
{
    Session *session = nullptr;
    if (auto refusal = permit(request.sessionId, session, [&](const Roster &roster) {
            return Rules::mayUpdateHelpy(roster, user.id, request.participantId);
        }))
        return *refusal;
    const Roster &roster = session->roster();
    Participant changed = *roster.find(request.participantId);
    if (request.displayName) {
        if (auto taken = nameTaken(*session, *request.displayName, changed.id))
            return *taken;
        changed.displayName = *request.displayName;
    }
    changed.subject = request.subject.value_or(changed.subject);
    changed.instructions = request.instructions.value_or(changed.instructions);
    if (changed == *roster.find(request.participantId))
        return makeAck(session->revision());
    m_context.publish(*session, changeOf(ParticipantChangeEvent::Type::Updated, changed, user.id));
    qCInfo(lcServer) << user.id << "updated helpy" << changed.id << "in" << session->id();
    return makeAck(session->revision());
}

Outcome RequestHandlers::setSessionSettings(User &user, const SetSessionSettings &request)
{
    Session *session = nullptr;
    if (auto refusal = permit(request.sessionId, session,
            [&](const Roster &roster) { return Rules::mayChangeSettings(roster, user.id); }))
        return *refusal;
    SessionSettingsEvent event;
    event.settings = session->settings();
    event.settings.helpysAnswerQuestions = request.helpysAnswerQuestions;
    if (event.settings == session->settings())
        return makeAck(session->revision());
    event.actorId = user.id;
    m_context.publish(*session, event);
    return makeAck(session->revision());
}

Outcome RequestHandlers::renameSession(User &user, const RenameSession &request)
{
    Session *session = nullptr;
    if (auto refusal = permit(request.sessionId, session,
            [&](const Roster &roster) { return Rules::mayRenameSession(roster, user.id); }))
        return *refusal;
    if (session->title() == request.title)
        return makeAck(session->revision()); // nothing to change, nothing to tell
    SessionRenamedEvent event;
    event.title = request.title;
    event.actorId = user.id;
    m_context.publish(*session, event);
    qCInfo(lcServer) << user.id << "renamed" << session->id() << "to" << request.title;
    return makeAck(session->revision());
}

Outcome RequestHandlers::deleteSession(User &user, const DeleteSession &request)
{
    Session *session = nullptr;
    if (auto refusal = permit(request.sessionId, session,
            [&](const Roster &roster) { return Rules::mayDeleteSession(roster, user.id); }))
        return *refusal;
    SessionDeletedEvent event;
    event.actorId = user.id;
    // Its last event: every member's connections get it (the roster is kept as it was, so
    // the fan-out reaches them all); from then on the session is closed.
    m_context.publish(*session, event);
    session->forEachUserId([this, session](const QString &userId) {
        m_context.setMember(userId, session->id(), false);
    });
    // Deleting is what the owner asked for: its messages go, here and on disk.
    m_context.forgetSession(*session);
    qCInfo(lcServer) << user.id << "deleted session" << session->id();
    return makeAck(session->revision());
}

void RequestHandlers::setTyping(
    ClientConnection *connection, const User &user, const SetTyping &request)
{
    Session *session = nullptr;
    if (auto refusal = permit(request.sessionId, session,
            [&](const Roster &roster) { return Rules::mayAct(roster, user.id); })) {
        m_context.post(connection, encode(Error { {}, refusal->code, refusal->message }));
        return;
    }
    m_context.broadcast(
        *session, encode(TypingEvent { request.sessionId, user.id, request.typing }), connection);
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
    if (User *user = m_context.findUser(participant.id); user && !user->connections.isEmpty()) {
        m_context.sessionOpened(*user, session.id());
        for (ClientConnection *connection : std::as_const(user->connections))
            m_context.sendSnapshot(connection, session);
    }
}

void RequestHandlers::removeFromSession(Session &session, const QString &participantId,
    ParticipantChangeEvent::Reason reason, const QString &actorId)
{
    // The last owner going: the next moderator (else the person present longest) owns it now.
    const QString heir = Rules::nextOwner(session.roster(), participantId);
    if (!heir.isEmpty()) {
        Participant promoted = *session.roster().find(heir);
        promoted.role = Role::Owner;
        m_context.publish(
            session, changeOf(ParticipantChangeEvent::Type::Updated, promoted, actorId));
        qCInfo(lcServer) << "ownership of" << session.id() << "passed to" << heir;
    }
    ParticipantChangeEvent event = changeOf(
        ParticipantChangeEvent::Type::Removed, *session.roster().find(participantId), actorId);
    event.reason = reason;
    // The removed one's connections receive it too (Delivery::removedUserId), as their last.
    m_context.publish(session, event);
    m_context.setMember(participantId, session.id(), false);
    qCInfo(lcServer) << actorId << "removed" << participantId << "from" << session.id();
    if (session.isClosed())
        qCInfo(lcServer) << "session" << session.id() << "closed: no person is left in it";
}
