// SPDX-License-Identifier: MIT
#pragma once

#include "protocol.h"
#include "sessionstore.h"

class ClientConnection;
class ServerMetrics;
class Session;
struct ServerOptions;
struct User;

/**
 * @brief What the request handlers see of the server: sessions and users, a way to publish
 * events and post frames, and the options. No sockets: a connection is only an address to
 * post to.
 *
 * A request is applied inside its transaction (ServerCore::handleRequest), so what is
 * published or posted goes out only once the change is committed; set_typing, which
 * changes nothing, runs outside one and its frames go at once.
 */
class HandlerContext
{
public:
    virtual ~HandlerContext() = default;

    virtual const ServerOptions &options() const = 0;
    /// The server's counters (a Helpy tutor counts its answers and failures there).
    virtual ServerMetrics &metrics() = 0;

    /// The session, wherever it was created; null when there is none.
    virtual Session *findSession(const QString &sessionId) = 0;
    /// The session an invite code admits to; null when the code is unknown, revoked, expired
    /// or used up, or its session closed.
    virtual Session *findSessionByInvite(const QString &code) = 0;
    /// Counts a join by the code, stored with the transaction.
    virtual void useInvite(const QString &code) = 0;
    /// A new, empty session with a fresh id and epoch, stored with the transaction.
    virtual Session &createSession(const QString &title) = 0;
    /// A new invite code for the session, stored with the transaction.
    virtual SessionStore::StoredInvite createInvite(
        const Session &session, std::optional<int> maxUses, const QDateTime &expiresAt)
        = 0;
    /// Revokes the session's code, stored with the transaction; false when it has no such code.
    virtual bool revokeInvite(const Session &session, const QString &code) = 0;
    /// Whether the user is banned from the session (on a cluster, as the cluster says now).
    virtual bool isBanned(Session &session, const QString &userId) = 0;
    /// Bans (or lifts the ban of) a user, stored with the transaction.
    virtual void setBanned(Session &session, const QString &userId, bool banned) = 0;

    /// The user, wherever it signed in; null when there is none.
    virtual User *findUser(const QString &userId) = 0;
    virtual Protocol::Presence presenceOf(const User &user) const = 0;
    /// Keeps the user's own list of sessions (list_sessions) in step with the rosters.
    virtual void setMember(const QString &userId, const QString &sessionId, bool member) = 0;
    /// The session was just deleted (its last event is published): forget its history, in
    /// memory and in the store, in this transaction.
    virtual void forgetSession(Session &session) = 0;
    /// One of the user's connections opened the session (created, joined, or was sent it when
    /// added): the user's presence is kept there from now on.
    virtual void sessionOpened(User &user, const QString &sessionId) = 0;

    /// Assigns the next revision, applies a roster event to the roster, records the event and
    /// fans it out once committed.
    virtual void publish(Session &session, Protocol::ServerFrame event) = 0;
    /// A frame for one connection (none: `text` empty), after which it follows `subscribe`
    /// from `revision` on.
    virtual void post(ClientConnection *connection, const QString &text,
        const QString &subscribe = {}, qint64 revision = 0)
        = 0;
    /// The session's state (a summary of a large one's roster when the connection asked for
    /// roster_summary, unless `mode` asks for all of it), after which the connection follows it.
    virtual void sendSnapshot(ClientConnection *connection, const Session &session,
        Protocol::RosterMode mode = Protocol::RosterMode::Default)
        = 0;
    /// A person's message was published in the session (the tutors may answer it, once the
    /// change is committed).
    virtual void messagePosted(const Session &session, const Protocol::ChatMessage &message) = 0;
    /// An unrecorded frame (typing) for the session's followers but `except`, at once.
    virtual void broadcast(
        const Session &session, const QString &text, const ClientConnection *except)
        = 0;
};
