// SPDX-License-Identifier: MIT
#pragma once

#include "backends.h"
#include "clusterturnwaits.h"
#include "fanout.h"
#include "handlercontext.h"
#include "metrics.h"
#include "presencetracker.h"
#include "requesthandlers.h"
#include "sessionregistry.h"
#include "transactions.h"
#include "tutorruntime.h"

#include <functional>
#include <memory>

class ClientConnection;
class ClusterEvents;
class ClusterSync;
class SessionStore;
struct ServerOptions;

/**
 * @brief The server without its sockets: it owns the storage and the parts of the server,
 * wires them together, signs users in and runs each request in a transaction.
 *
 * The parts, each in its own file: SessionRegistry (sessions, invites, users), Transactions
 * (commit before anything is seen, group commit, undo), Fanout (delivery to followers),
 * PresenceTracker, RequestHandlers, StoreLoader (start-up) and, on a node of a cluster
 * only, ClusterEvents. SessionServer hands it the frames of signed-in users.
 */
class ServerCore final
    : public HandlerContext
    , private TutorHost
{
public:
    explicit ServerCore(const ServerOptions &options);
    ~ServerCore() override;
    Q_DISABLE_COPY_MOVE(ServerCore)

    /// Opens the storage the options name (SQLite file or cluster), loading what it keeps;
    /// true at once when memory only, or when it is open already.
    bool open(QString *error);
    /// Called once a change could not be stored: nothing more may be answered.
    void setStorageFailedHandler(std::function<void(const QString &error)> handler);
    bool storageFailed() const { return m_transactions.storageFailed(); }
    /// Commits what waits for the group commit and sends it.
    void flush() { m_transactions.commitGroup(); }

    SessionRegistry &registry() { return m_registry; }
    const Fanout &fanout() const { return m_fanout; }
    /// False while a cluster's shared storage cannot be reached (changes are refused).
    bool storageAvailable() const;
    User *signedInUser(const QString &userId) { return m_registry.users().find(userId); }

    /// Signs the connection in as the user the hello names (or a new one), stored before its
    /// token is handed out. Null when that could not be stored.
    User *signIn(ClientConnection *connection, const Protocol::Hello &hello);
    /// A request of a signed-in user, answered (once: a retry gets the same answer).
    void handleRequest(
        ClientConnection *connection, User &user, const Protocol::ClientFrame &frame);
    /// The connection is gone; a user whose last one it was is reconnecting.
    void connectionClosed(ClientConnection *connection);
    /// Once a heartbeat, with the users connected here (in a cluster: presence sweep).
    void heartbeat(const QStringList &usersHere);
    /// One node of several (Redis): the heartbeat then claims presence for the users here.
    bool isClustered() const { return m_cluster != nullptr; }

    // HandlerContext
    const ServerOptions &options() const override { return m_options; }
    ServerMetrics &metrics() override { return m_metrics; }
    Session *findSession(const QString &sessionId) override;
    Session *findSessionByInvite(const QString &code) override;
    Session &createSession(const QString &title) override;
    SessionStore::StoredInvite createInvite(
        const Session &session, std::optional<int> maxUses, const QDateTime &expiresAt) override;
    void useInvite(const QString &code) override;
    bool revokeInvite(const Session &session, const QString &code) override;
    bool isBanned(Session &session, const QString &userId) override;
    void setBanned(Session &session, const QString &userId, bool banned) override;
    User *findUser(const QString &userId) override;
    Protocol::Presence presenceOf(const User &user) const override;
    void setMember(const QString &userId, const QString &sessionId, bool member) override;
    void forgetSession(Session &session) override;
    void sessionOpened(User &user, const QString &sessionId) override;
    void publish(Session &session, Protocol::ServerFrame event) override;
    void post(ClientConnection *connection, const QString &text, const QString &subscribe = {},
        qint64 revision = 0) override;
    void sendSnapshot(ClientConnection *connection, const Session &session,
        Protocol::RosterMode mode = Protocol::RosterMode::Default) override;
    void broadcast(
        const Session &session, const QString &text, const ClientConnection *except) override;
    void messagePosted(const Session &session, const Protocol::ChatMessage &message) override;

private:
    // TutorHost
    Session *tutorSession(const QString &sessionId) override;
    void postAsHelpy(Session &session, const Protocol::ChatMessage &message) override;
    void broadcastToSession(const Session &session, const QString &text) override;

    /// This node runs the session's Helpys: always alone; in a cluster while it holds the
    /// session's Helpy lease (taken here, renewed every heartbeat while held).
    bool runsHelpysOf(const QString &sessionId);

    bool openSqlite(QString *error);
    bool openCluster(QString *error);
    /// A join of a session this node holds: answered from memory while Redis is away.
    bool readsHeldSession(const Protocol::ClientFrame &frame);
    /// The answer already given to this request, by this node or another.
    std::optional<QString> rememberedAnswer(const User &user, const QString &requestId);

    const ServerOptions &m_options;
    std::unique_ptr<SessionStore> m_ownStore; ///< SQLite; a cluster's store is the cluster's
    std::unique_ptr<ClusterSync> m_cluster; ///< null: a single node
    Backends m_backends;
    ServerMetrics m_metrics; ///< before the parts that count into it
    SessionRegistry m_registry;
    Fanout m_fanout;
    Transactions m_transactions;
    PresenceTracker m_presence;
    RequestHandlers m_handlers;
    std::unique_ptr<ClusterEvents> m_clusterEvents; ///< with m_cluster only
    /// Messages of the open transaction the tutors may answer, handed over once committed.
    QList<std::pair<QString, Protocol::ChatMessage>> m_postedMessages;
    TutorRuntime m_tutors;
    QSet<QString> m_helpyLeases; ///< sessions whose Helpys this node runs (cluster only)
    ClusterTurnWaits m_turnWaits; ///< requests waiting for another node's turn (cluster only)
};
