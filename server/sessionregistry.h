// SPDX-License-Identifier: MIT
#pragma once

#include "backends.h"
#include "sessionstore.h"
#include "stringmap.h"
#include "userdirectory.h"

#include <QHash>
#include <QStringList>

#include <memory>

class Session;
struct ServerOptions;

/**
 * @brief The sessions, invite codes and users this node knows: found here, or (on a node
 * of a cluster) looked up in the cluster on a miss and kept.
 *
 * On a node of a cluster it also keeps the undo log of the open transaction: each session
 * as it was before the transaction first read it, so that a transaction another node's
 * commit overtook can be undone (see Transactions).
 */
class SessionRegistry
{
public:
    SessionRegistry(const ServerOptions &options, const Backends &backends);
    ~SessionRegistry();
    Q_DISABLE_COPY_MOVE(SessionRegistry)

    const ServerOptions &options() const { return m_options; }
    UserDirectory &users() { return m_users; }

    /// The user, looked up in the cluster on a local miss.
    User *findUser(const QString &userId);
    /// The user whose token this is (issued by any node), or a new user.
    User &signIn(const QString &token, const QString &displayName);
    /// Keeps the user's own list of sessions (list_sessions) in step with the rosters.
    void setMember(const QString &userId, const QString &sessionId, bool member);

    /// The session, looked up (and rebuilt from its log) in the cluster on a local miss.
    /// While the undo log is open, it becomes part of what the commit checks and can undo.
    Session *find(const QString &sessionId);
    /// The session if this node has it: no look-up, nothing noted.
    Session *local(const QString &sessionId) const;
    /// A new session with fresh id and epoch, stored with the open transaction.
    Session &create(const QString &title);
    /// Takes a session rebuilt from storage; its users learn that they are in it.
    Session &add(std::unique_ptr<Session> session);
    /// Forgets a session this node has (see ClusterEvents::catchUp).
    void drop(const QString &sessionId);
    int count() const { return int(m_sessions.size()); }
    QStringList ids() const;
    /// Calls f(const Session &) for each session this node has.
    template<typename F> void forEach(F &&f) const
    {
        for (const auto &entry : m_sessions)
            f(std::as_const(*entry.second));
    }

    /// The session an invite code (any node's) admits to now, or null: unknown, revoked,
    /// expired and used-up codes alike, and a closed session's.
    Session *findByInvite(const QString &code);
    /// Counts one join by the code, stored with the open transaction.
    void useInvite(const QString &code);
    /// A new invite code for the session, stored with the open transaction.
    SessionStore::StoredInvite createInvite(
        const Session &session, std::optional<int> maxUses, const QDateTime &expiresAt);
    /// Revokes the session's code; false when the session has no such code.
    bool revokeInvite(const Session &session, const QString &code);
    void restoreInvites(const QList<SessionStore::StoredInvite> &invites);
    /// Whether the user is banned from the session; on a node of a cluster, as the cluster
    /// says now (another node may have banned or unbanned them).
    bool isBanned(Session &session, const QString &userId);
    /// Bans or unbans a user from the session, stored with the open transaction.
    void setBanned(Session &session, const QString &userId, bool banned);

    // The undo log (a node of a cluster only; elsewhere these do nothing).
    void openUndoLog();
    /// The transaction was committed: nothing to undo.
    void closeUndoLog();
    /// Puts back every session and invite code as it was before the transaction; returns
    /// the sessions to catch up with (what overtook us).
    QStringList undo();

private:
    const ServerOptions &m_options;
    const Backends &m_backends;
    UserDirectory m_users;
    StringMap<std::unique_ptr<Session>> m_sessions;
    QHash<QString, SessionStore::StoredInvite> m_invites;
    /// The invite (any node's; on a cluster, read fresh); null when unknown.
    SessionStore::StoredInvite *invite(const QString &code);
    /// Notes an invite's terms before the open transaction changes them (see undo()).
    void backUpInvite(const QString &code);

    bool m_undoOpen = false;
    /// Each session as it was before the open transaction read it (null: created by it).
    StringMap<std::unique_ptr<Session>> m_backups;
    /// Each invite as it was before the open transaction changed it (nullopt: created by it).
    QHash<QString, std::optional<SessionStore::StoredInvite>> m_inviteBackups;
};
