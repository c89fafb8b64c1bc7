// SPDX-License-Identifier: MIT
#pragma once

#include "backends.h"
#include "protocol.h"
#include "stringmap.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSet>
#include <QStringList>
#include <QTimer>

#include <memory>

class SessionRegistry;
class Transactions;
struct ServerOptions;
struct User;

/**
 * @brief Whether each user is online, reconnecting or offline, as the rosters say it.
 *
 * Presence is kept where the user has the session open, not in every session it ever joined:
 * a user in 10,000 sessions that has 3 open costs 3 events a connect or disconnect, not
 * 10,000. A session is open for the user once it was created, joined or pushed (added by
 * someone else) on one of its connections; after a reconnect, the sessions it had open
 * before are open again (a client resumes them next). A session it did not open again
 * during a connection drops out once it is shown offline there; elsewhere the roster keeps
 * the last presence written, which is offline.
 *
 * A user whose last connection closed is "reconnecting" for the grace period and offline
 * only if still away when it ends. The grace period also damps flapping: in a session, a
 * user's presence changes at most once per grace period; a change that comes sooner waits
 * and is published then if it still holds (a reconnect loop shows one change, not two per
 * loop).
 *
 * On a node of a cluster, each node also claims the users it holds (a key per node that
 * lapses unless renewed), and a user is online while any node does.
 */
class PresenceTracker
{
public:
    PresenceTracker(const ServerOptions &options, const Backends &backends,
        SessionRegistry &registry, Transactions &transactions);
    ~PresenceTracker();
    Q_DISABLE_COPY_MOVE(PresenceTracker)

    /// What a new roster entry for the user says now.
    Protocol::Presence presenceOf(const User &user) const;
    /// Publishes `presence` in every session of the user where it differs (inside a
    /// transaction). Costs all of the user's sessions: start-up, and a dead node's users only.
    void setEverywhere(User &user, Protocol::Presence presence);

    /// The user signed in here: this node claims it (a cluster only).
    void claim(const QString &userId);
    /// The user signed in here (inside a transaction): when it is its first connection, it
    /// is online again where it had sessions open.
    void connected(User &user);
    /// One of the user's connections opened the session (inside a transaction).
    void opened(User &user, const QString &sessionId);
    /// The user became a participant of the session. Its roster entry says presenceOf(): when
    /// that is "reconnecting", the session is kept with the open ones, to go offline with them.
    void joined(const QString &userId, const QString &sessionId);
    /// The user is no longer a participant of the session.
    void left(const QString &userId, const QString &sessionId);
    /// The user's last connection here closed: reconnecting where it had sessions open, or
    /// offline without a grace period (unless it is still connected to another node).
    void lastConnectionClosed(const QString &userId);
    /**
     * A cluster, once a heartbeat: renews the claims of the users connected here, and
     * corrects what the cached sessions say: online where a user connected here has the
     * session open, offline where no node holds the user any more (a node that died).
     * Whichever node commits first wins; the others see its event and have nothing to do.
     */
    void sweep(const QStringList &usersHere);

private:
    /// What this node knows of one user's presence beyond the rosters.
    struct Tracked
    {
        QSet<QString> open; ///< sessions where its presence is kept
        QSet<QString> opened; ///< opened since its first connection: `open` once it is gone
        QHash<QString, qint64> lastChangeMs; ///< per session, when presence last changed
        QSet<QString> deferred; ///< changes waiting for their session's damping
        qint64 awaySinceMs = -1; ///< when its last connection closed; -1: connected
        bool graceOver = false;
        std::unique_ptr<QTimer> timer; ///< the next deferred change or the end of the grace
    };

    qint64 nowMs() const { return m_clock.elapsed(); }
    qint64 graceMs() const;
    bool isAway(const QString &userId) const;
    Protocol::Presence wanted(const User &user, const Tracked &tracked) const;
    /// Publishes the user's wanted presence in the session if it differs from the roster's
    /// and the session's damping allows; else defers it (inside a transaction).
    void settle(User &user, Tracked &tracked, const QString &sessionId);
    void settleAll(const QString &userId, const QSet<QString> &sessionIds);
    /// Deferred changes and the end of the grace period are due: publishes what still holds.
    void onDue(const QString &userId);
    /// Arms the user's timer for what is due next, or forgets the user when nothing is.
    void schedule(const QString &userId);
    /// A node's claim outlives three missed renewals (one per heartbeat).
    int claimTtlMs() const;

    const ServerOptions &m_options;
    const Backends &m_backends;
    SessionRegistry &m_registry;
    Transactions &m_transactions;
    QElapsedTimer m_clock;
    StringMap<Tracked> m_tracked; ///< by user id
};
