// SPDX-License-Identifier: MIT
#pragma once

#include "backends.h"
#include "protocol.h"

#include <QStringList>
#include <QTimer>

#include <memory>
#include <unordered_map>

class SessionRegistry;
class Transactions;
struct ServerOptions;
struct User;

/**
 * @brief Whether each user is online, reconnecting or offline, as the rosters say it.
 *
 * A user whose last connection closed is "reconnecting" for the grace period and offline
 * only if still away when it ends: a blip does not flap the roster. On a node of a
 * cluster, each node also claims the users it holds (a key per node that lapses unless
 * renewed), and a user is online while any node does.
 */
class PresenceTracker
{
public:
    PresenceTracker(const ServerOptions &options, const Backends &backends,
        SessionRegistry &registry, Transactions &transactions);
    ~PresenceTracker();
    Q_DISABLE_COPY_MOVE(PresenceTracker)

    /// What a roster entry for the user says now.
    Protocol::Presence presenceOf(const User &user) const;
    /// Publishes `presence` in each of the user's sessions where it differs (inside a
    /// transaction); Reconnecting starts the grace period, anything else ends it.
    void set(User &user, Protocol::Presence presence);

    /// The user signed in here: this node claims it (a cluster only).
    void claim(const QString &userId);
    /// The user's last connection here closed: reconnecting, or offline without a grace period
    /// (unless it is still connected to another node).
    void lastConnectionClosed(const QString &userId);
    /**
     * A cluster, once a heartbeat: renews the claims of the users connected here, and
     * corrects what the cached sessions say: online where this node holds a connection,
     * offline where no node holds one any more (a node that died). Whichever node commits
     * first wins; the others see its event and have nothing left to do.
     */
    void sweep(const QStringList &usersHere);

private:
    void startGrace(const QString &userId);
    void graceEnded(const QString &userId);
    /// A node's claim outlives three missed renewals (one per heartbeat).
    int claimTtlMs() const;

    const ServerOptions &m_options;
    const Backends &m_backends;
    SessionRegistry &m_registry;
    Transactions &m_transactions;
    /// Running while the user is "reconnecting", by user id.
    std::unordered_map<QString, std::unique_ptr<QTimer>> m_graceTimers;
};
