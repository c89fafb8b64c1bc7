// SPDX-License-Identifier: MIT
#pragma once

#include "protocol.h"

#include <QElapsedTimer>
#include <QHash>

#include <functional>
#include <optional>
#include <variant>

class ClientConnection;
class HandlerContext;
class Roster;
namespace Rules {
struct Verdict;
}
class Session;
struct User;

/**
 * @brief What each request does: decides it with the rule book (Rules) and the session,
 * publishes the events that change it, and says what to answer (a typed ack result).
 *
 * One function per request type, against a HandlerContext: the handlers know sessions,
 * users and events, never sockets or storage. Retries, transactions and remembered
 * answers are ServerCore's.
 */
class RequestHandlers
{
public:
    /// A request refused: becomes one `error` answer.
    struct Refusal
    {
        Protocol::ErrorCode code;
        QString message;
    };
    /// What a handler answers with: an ack (with its result), or a refusal.
    using Outcome = std::variant<Protocol::Ack, Refusal>;

    explicit RequestHandlers(HandlerContext &context);
    Q_DISABLE_COPY_MOVE(RequestHandlers)

    /// Applies a request of `user` on `connection` (every request type but hello and
    /// set_typing). The answer's requestId is the caller's to set.
    Outcome apply(ClientConnection *connection, User &user, const Protocol::ClientFrame &frame);
    /// Typing is neither recorded nor answered: it goes to the other followers at once.
    void setTyping(
        ClientConnection *connection, const User &user, const Protocol::SetTyping &request);

private:
    Outcome createSession(User &user, const Protocol::CreateSession &request);
    Outcome joinSession(
        ClientConnection *connection, User &user, const Protocol::JoinSession &request);
    /// join_session by a non-member without an invite code.
    Refusal refuseStranger(ClientConnection *connection, const User &user, const Session &session,
        const Protocol::JoinSession &request);
    Outcome addParticipant(User &user, const Protocol::AddParticipant &request);
    Outcome removeParticipant(User &user, const QString &sessionId, const QString &participantId);
    Outcome setRole(User &user, const Protocol::SetRole &request);
    Outcome createInvite(User &user, const Protocol::CreateInvite &request);
    Outcome revokeInvite(User &user, const Protocol::RevokeInvite &request);
    Outcome banParticipant(User &user, const Protocol::BanParticipant &request);
    Outcome unbanParticipant(User &user, const Protocol::UnbanParticipant &request);
    Outcome listSessions(User &user, const Protocol::ListSessions &request);
    Outcome sendMessage(User &user, const Protocol::SendMessage &request);
    Outcome updateHelpy(User &user, const Protocol::UpdateHelpy &request);
    Outcome setSessionSettings(User &user, const Protocol::SetSessionSettings &request);
    Outcome renameSession(User &user, const Protocol::RenameSession &request);
    Outcome deleteSession(User &user, const Protocol::DeleteSession &request);

    /// limit_exceeded when the user owns maxSessionsOwnedPerUser sessions already.
    std::optional<Refusal> ownedSessionsCap(const User &user);
    /// limit_exceeded when the user created maxInvitesPerUserPerHour invites this hour;
    /// else the invite is counted.
    std::optional<Refusal> chargeInvite(const User &user);

    /// The session, or the refusal (not_found). Who may act in it is the rule book's.
    std::variant<Session *, Refusal> sessionOf(const QString &sessionId);
    /// The session `sessionId` names, in `session`, once `rule` (the rule book, given its
    /// roster) allows the request there; else why not (not_found, or the rule's refusal).
    std::optional<Refusal> permit(const QString &sessionId, Session *&session,
        const std::function<Rules::Verdict(const Roster &)> &rule);
    /// A new participant for `added`: a user by id, or a helpy (new or by id).
    std::variant<Protocol::Participant, Refusal> newParticipant(
        const Protocol::AddParticipant &request);
    void addToSession(Session &session, Protocol::Participant participant, const QString &actorId);
    /// Removes a participant; when the last owner goes, ownership passes on first (same
    /// transaction), and a session left with no person is closed.
    void removeFromSession(Session &session, const QString &participantId,
        Protocol::ParticipantChangeEvent::Reason reason, const QString &actorId);
    /// A display name that differs from another participant's only by case, spacing or
    /// invisible characters is refused (conflict): names are how people tell who is who.
    std::optional<Refusal> nameTaken(
        const Session &session, const QString &displayName, const QString &exceptId) const;

    /// Whether `address` may look up another invite code (failed look-ups per minute).
    bool mayGuessInvite(const QString &address);
    void inviteGuessFailed(const QString &address);

    HandlerContext &m_context;
    /// Failed invite look-ups per remote address in the current minute.
    struct GuessWindow
    {
        qint64 startMs = 0;
        int failures = 0;
    };
    QHash<QString, GuessWindow> m_inviteGuesses;
    /// Invites created per user in the current hour (since hourStartMs of m_clock).
    struct InviteWindow
    {
        qint64 hourStartMs = 0;
        int created = 0;
    };
    QHash<QString, InviteWindow> m_invitesByUser;
    QElapsedTimer m_clock;
};
