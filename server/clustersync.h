// SPDX-License-Identifier: MIT
#pragma once

#include "protocol.h"
#include "sessionstore.h"

#include <QStringList>

#include <functional>
#include <optional>

/**
 * @brief What a node shares with the other nodes serving the same sessions: the store they
 * all commit to, the events the others committed, who is connected where, and the users,
 * sessions, invites and answers another node made (looked up on a local miss).
 *
 * A single node has none: it does not construct one, and every caller checks for null.
 * The one implementation, through Redis, is made by makeRedisClusterSync()
 * (redisclustersync.h).
 */
class ClusterSync
{
public:
    /// An event some node committed (this node's own echoes included).
    using EventHandler
        = std::function<void(const QString &sessionId, qint64 revision, const QString &event)>;

    virtual ~ClusterSync() = default;

    /// Connects and subscribes to the events; false with a readable error on failure.
    virtual bool open(QString *error) = 0;
    /// False while the shared storage cannot be reached: every call then fails at once
    /// (nothing blocks), a commit fails, and the node refuses changes as `unavailable`.
    virtual bool available() const = 0;
    /// Called when the storage is reachable again (events may have been missed meanwhile).
    virtual void setAvailableHandler(std::function<void()> handler) = 0;
    /// The last commit was refused because another node holds the session's turn: running
    /// it again cannot succeed before that node commits (ClusterTurnWaits).
    virtual bool waitingForTurn() const = 0;
    /// The store every node commits to. Its commit orders each session's events (a
    /// transaction another node overtook is refused as conflicted) and publishes them.
    virtual SessionStore &store() = 0;

    // Events of the other nodes.
    virtual void setEventHandler(EventHandler handler) = 0;
    /// Called when the subscription was re-established: events may have been missed.
    virtual void setResubscribedHandler(std::function<void()> handler) = 0;
    /// The stored events after `sinceRevision`, revision sinceRevision+1 first.
    virtual QStringList eventsSince(const QString &sessionId, qint64 sinceRevision) = 0;
    /// How many events the shared log of the session holds; -1 when it cannot be read.
    virtual qint64 logLength(const QString &sessionId) = 0;

    // Look-ups on a local miss: what another node created.
    virtual std::optional<SessionStore::StoredUser> userById(const QString &id) = 0;
    virtual std::optional<SessionStore::StoredUser> userByToken(const QString &token) = 0;
    /// The sessions the user is a participant of (the membership sets).
    virtual QStringList sessionsOf(const QString &userId) = 0;
    /// Title and epoch of a session plus its whole event log (replayed by the caller).
    virtual std::optional<SessionStore::StoredSession> session(const QString &id) = 0;
    /// The users banned from a session now (bans change without an event: read at decision).
    virtual QStringList bannedUserIds(const QString &sessionId) = 0;
    /// An invite code and its terms; nullopt when unknown.
    virtual std::optional<SessionStore::StoredInvite> invite(const QString &code) = 0;
    /// The answer a node already gave to this request of this user.
    virtual std::optional<QString> answer(const QString &userId, const QString &requestId) = 0;

    /**
     * Redis lost the session's log (flushed, an older snapshot) and this node has it all:
     * writes `session` (title, new epoch, every event, bans) and the members' session sets
     * back, unless the stored log already reaches `session.events.size()` (another node was
     * first). False when it could not be written.
     */
    virtual bool restoreSession(
        const SessionStore::StoredSession &session, const QStringList &memberIds)
        = 0;

    /// Written with the open transaction: the user joined (member) or left a session.
    virtual void setMembership(const QString &userId, const QString &sessionId, bool member) = 0;

    // Ephemeral frames (typing, a Helpy's streamed draft): no revision, not stored.
    /// Sends `text` (a frame for the session's followers) to the other nodes; best effort.
    virtual void broadcast(const QString &sessionId, const QString &text) = 0;
    /// Called with what another node broadcast (never this node's own).
    using BroadcastHandler = std::function<void(const QString &sessionId, const QString &text)>;
    virtual void setBroadcastHandler(BroadcastHandler handler) = 0;

    /// Takes or renews this node's lease on running the session's Helpys for ttlMs (one
    /// node at a time; another takes over once it lapses). False: another node holds it,
    /// or the storage is unavailable.
    virtual bool holdHelpyLease(const QString &sessionId, int ttlMs) = 0;

    // Presence across nodes.
    /// This node holds (Online) or just lost (Reconnecting) the user's connections; the
    /// claim lapses after ttlMs unless renewed.
    virtual void setPresence(const QString &userId, Protocol::Presence presence, int ttlMs) = 0;
    /// This node says nothing more about the user.
    virtual void clearPresence(const QString &userId) = 0;
    /// The strongest presence any node reports for the user (Offline: none does).
    virtual Protocol::Presence presence(const QString &userId) = 0;
};
