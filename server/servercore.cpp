// SPDX-License-Identifier: MIT
#include "servercore.h"

#include "clientconnection.h"
#include "clusterevents.h"
#include "clustersync.h"
#include "identifiers.h"
#include "logformat.h"
#include "logging.h"
#include "redisclustersync.h"
#include "serveroptions.h"
#include "session.h"
#include "sqlitesessionstore.h"
#include "storeloader.h"

#include <QScopeGuard>
#include <QWebSocketProtocol>

using namespace Protocol;

ServerCore::ServerCore(const ServerOptions &options)
    : m_options(options)
    , m_registry(options, m_backends)
    , m_fanout(m_registry, m_metrics)
    , m_transactions(m_backends, m_registry, m_fanout, m_metrics)
    , m_presence(options, m_backends, m_registry, m_transactions)
    , m_handlers(*this)
    , m_tutors(options, *this)
    , m_turnWaits([this](ClientConnection *connection, const ClientFrame &frame) {
        if (User *user = m_registry.users().find(connection->userId))
            handleRequest(connection, *user, frame);
    })
{ }

ServerCore::~ServerCore() = default;

void ServerCore::setStorageFailedHandler(std::function<void(const QString &)> handler)
{
    m_transactions.setStorageFailedHandler(std::move(handler));
}

bool ServerCore::open(QString *error)
{
    if (m_backends.store)
        return true;
    if (!m_options.redisUrl.isEmpty())
        return openCluster(error);
    if (!m_options.dataPath.isEmpty())
        return openSqlite(error);
    return true;
}

bool ServerCore::openSqlite(QString *error)
{
    auto sqlite = std::make_unique<SqliteSessionStore>(m_options.dataPath);
    sqlite->setAnswerBudget(m_options.answerBytesTotal);
    sqlite->setCommitSpacing(std::chrono::milliseconds(m_options.commitSpacingMs));
    if (!sqlite->open(error))
        return false;
    m_ownStore = std::move(sqlite);
    m_backends.store = m_ownStore.get();
    m_transactions.setGroupCommit(true);
    m_transactions.setDeliverBeforeSync(m_options.deliverBeforeSync);
    const SessionStore::Contents contents = m_ownStore->load();
    StoreLoader::restore(contents, m_registry);
    // Nobody is connected to a server that just started: say so, as events like any other.
    m_transactions.transact([&] {
        for (const auto &stored : contents.users) {
            if (User *user = m_registry.users().find(stored.id))
                m_presence.setEverywhere(*user, Presence::Offline);
        }
    });
    qCInfo(lcServer) << "storage: loaded" << contents.users.size() << "users and"
                     << contents.sessions.size() << "sessions from" << m_ownStore->describe();
    return true;
}

bool ServerCore::storageAvailable() const
{
    return !m_cluster || m_cluster->available();
}

bool ServerCore::openCluster(QString *error)
{
    const QString nodeId = m_options.nodeId.isEmpty()
        ? QStringLiteral("n-") + Identifiers::epoch().left(8)
        : m_options.nodeId;
    auto cluster = makeRedisClusterSync(m_options.redisUrl, nodeId);
    auto events = std::make_unique<ClusterEvents>(*cluster, m_registry, m_transactions, m_fanout);
    ClusterEvents *sync = events.get();
    cluster->setEventHandler(
        [this, sync](const QString &sessionId, qint64 revision, const QString &event) {
            sync->onEvent(sessionId, revision, event);
            m_turnWaits.retrySoon(); // a turn may have passed with this commit
        });
    // Events published while we were not listening: fetch them from the logs.
    cluster->setResubscribedHandler([sync] { sync->catchUpAll(); });
    cluster->setAvailableHandler([sync] { sync->catchUpAll(); });
    // Typing and Helpy drafts from the other nodes, to the followers here.
    cluster->setBroadcastHandler([this](const QString &sessionId, const QString &text) {
        if (const Session *session = m_registry.local(sessionId))
            m_fanout.broadcast(*session, text, nullptr);
    });
    if (!cluster->open(error))
        return false;
    m_cluster = std::move(cluster);
    m_clusterEvents = std::move(events);
    m_backends.cluster = m_cluster.get();
    m_backends.store = &m_cluster->store();
    // A question taken by another node: answered here when this node runs the Helpys.
    sync->setMessageAppliedHandler([this](const QString &sessionId, const ChatMessage &message) {
        if (runsHelpysOf(sessionId))
            m_tutors.messagePosted(sessionId, message);
    });
    m_transactions.setUndoneHandler([sync](const QStringList &sessionIds) {
        for (const QString &id : sessionIds)
            sync->catchUp(id);
    });
    // Nothing is preloaded: sessions, users, invites and answers are looked up on a miss.
    qCInfo(lcServer).noquote() << "storage:" << m_backends.store->describe();
    return true;
}

User *ServerCore::signIn(ClientConnection *connection, const Hello &hello)
{
    if (m_cluster && !m_cluster->available() && !m_registry.users().findByToken(hello.token)) {
        // Nobody to ask whether the token is known, nowhere to store a new one: come back.
        connection->send(encode(Error { {}, ErrorCode::Unavailable,
            QStringLiteral("the server cannot reach its storage; try again shortly") }));
        connection->closeWith(QWebSocketProtocol::CloseCode(1013),
            QStringLiteral("storage unavailable; retry-after-ms=1000"));
        return nullptr;
    }
    User &user = m_registry.signIn(hello.token, hello.displayName);
    connection->userId = user.id;
    user.connections.append(connection);
    m_presence.claim(user.id);
    const QString userId = user.id;
    // The identity is stored before its token is handed out.
    m_transactions.transact([this, userId] {
        if (User *present = m_registry.users().find(userId)) {
            if (m_backends.store)
                m_backends.store->saveUser({ present->id, present->token, present->displayName });
            m_presence.connected(*present);
        }
    });
    return m_transactions.storageFailed() ? nullptr : &user;
}

bool ServerCore::readsHeldSession(const ClientFrame &frame)
{
    const auto *join = std::get_if<JoinSession>(&frame);
    return join && !join->sessionId.isEmpty() && m_registry.local(join->sessionId);
}

std::optional<QString> ServerCore::rememberedAnswer(const User &user, const QString &requestId)
{
    auto answer = m_registry.users().answerFor(user, requestId);
    if (!answer && m_cluster)
        answer = m_cluster->answer(user.id, requestId); // applied by another node
    return answer;
}

void ServerCore::handleRequest(ClientConnection *connection, User &user, const ClientFrame &frame)
{
    const LogContext logContext(user.id, sessionIdIn(frame), requestIdOf(frame));
    QString outcome = QStringLiteral("ok"); // helpy_requests_total{type,outcome}
    auto count = qScopeGuard([&] { m_metrics.countRequest(typeName(frame), outcome); });
    if (const auto *typing = std::get_if<SetTyping>(&frame)) {
        m_handlers.setTyping(connection, user, *typing);
        return;
    }
    if (m_turnWaits.queues(connection)) {
        count.dismiss(); // counted when it runs
        m_turnWaits.enqueue(connection, frame); // after its earlier requests
        return;
    }
    const QString requestId = requestIdOf(frame);
    bool refused = false;
    const auto answerOf = [&](const RequestHandlers::Outcome &result) {
        if (const auto *refusal = std::get_if<RequestHandlers::Refusal>(&result)) {
            refused = true;
            qCDebug(lcServer) << user.id << typeName(frame) << "refused:" << refusal->message;
            outcome = toString(refusal->code);
            return encode(Error { requestId, refusal->code, refusal->message });
        }
        outcome = QStringLiteral("ok");
        Ack ack = std::get<Ack>(result);
        ack.requestId = requestId;
        return encode(ack);
    };
    if (std::holds_alternative<ListSessions>(frame)) {
        // A read changes nothing: a retry is simply answered anew. So it needs no transaction,
        // and its answer (a page of up to maxListPage sessions) is not remembered.
        m_transactions.sendAfterCommit(
            connection, answerOf(m_handlers.apply(connection, user, frame)));
        return;
    }
    // A join is naturally idempotent and must send its snapshot/events again on a retry.
    const bool remembered = !std::holds_alternative<JoinSession>(frame);
    if (remembered) {
        if (const auto answer = rememberedAnswer(user, requestId)) {
            qCDebug(lcServer) << user.id << "retried" << requestId << "; answering as before";
            outcome = QStringLiteral("replayed");
            m_transactions.sendAfterCommit(connection, *answer);
            return;
        }
    }
    const auto unavailable = [&] {
        outcome = toString(ErrorCode::Unavailable);
        return encode(Error { requestId, ErrorCode::Unavailable,
            QStringLiteral("the server cannot store changes right now; retry this request") });
    };
    if (m_cluster && !m_cluster->available() && !readsHeldSession(frame)) {
        // The breaker is open: a change could not be stored, a look-up could not be made.
        m_transactions.sendAfterCommit(connection, unavailable());
        return;
    }
    QString answer;
    bool waitsForTurn = false;
    const bool committed = m_transactions.transact([&] {
        m_postedMessages.clear(); // a run lost to another node's commit posted nothing
        if (m_cluster && m_transactions.lastCommitConflicted() && m_cluster->waitingForTurn()) {
            // Another node's turn: retrying now would only spin. Nothing read or written,
            // so this run commits nothing; the request waits (below) with the loop free.
            waitsForTurn = true;
            return;
        }
        if (remembered && m_cluster && m_transactions.lastCommitConflicted()) {
            // Lost a race: maybe against this very request, retried on another node.
            if (const auto earlier = m_cluster->answer(user.id, requestId)) {
                answer = *earlier;
                return;
            }
        }
        answer = answerOf(m_handlers.apply(connection, user, frame));
        // Stored with the change it answers: a retry after a restart is not applied again.
        if (remembered && m_backends.store)
            m_backends.store->saveAnswer(user.id, requestId, answer);
    }); // committed; the events went out
    if (waitsForTurn && committed) {
        if (m_turnWaits.wait(connection, frame)) {
            count.dismiss(); // counted when it runs
            return;
        }
        answer = unavailable(); // waited MaxWaitMs for turns: the client retries later
    } else if (!committed) {
        // Storage away, or (rarely: see the turns in RedisSessionStore) a change that kept
        // losing races: undone, nothing went out; the client retries. (Storage failed: nothing
        // more is sent at all.)
        answer = unavailable();
    } else if (m_cluster && !m_cluster->available() && refused) {
        // Refused while the storage went away: maybe for want of a look-up. Ask again later.
        answer = unavailable();
    } else if (remembered) {
        m_registry.users().rememberAnswer(user, requestId, answer);
    }
    if (!m_transactions.storageFailed())
        m_transactions.sendAfterCommit(connection, answer);
    const auto posted = std::exchange(m_postedMessages, {});
    if (committed && !m_transactions.storageFailed()) {
        for (const auto &[sessionId, message] : posted) {
            if (runsHelpysOf(sessionId))
                m_tutors.messagePosted(sessionId, message);
        }
    }
}

void ServerCore::connectionClosed(ClientConnection *connection)
{
    m_turnWaits.forget(connection);
    User *user = m_registry.users().find(connection->userId);
    if (!user)
        return;
    user->connections.removeOne(connection);
    if (user->connections.isEmpty())
        m_presence.lastConnectionClosed(user->id);
}

void ServerCore::heartbeat(const QStringList &usersHere)
{
    m_presence.sweep(usersHere);
    const QSet<QString> held = m_helpyLeases;
    for (const QString &sessionId : held)
        runsHelpysOf(sessionId); // renewed, or lost (then another node took over)
}

bool ServerCore::runsHelpysOf(const QString &sessionId)
{
    if (!m_cluster)
        return true;
    const Session *session = m_registry.local(sessionId);
    if (!session || session->roster().helpyIds().isEmpty()) {
        m_helpyLeases.remove(sessionId);
        return false; // no Helpys (any more): nothing to run, no lease to hold
    }
    // Three heartbeats, as presence: a dead holder's lease lapses within them.
    const int ttlMs = 3 * std::max(1, m_options.heartbeatSeconds) * 1000;
    if (m_cluster->holdHelpyLease(sessionId, ttlMs)) {
        m_helpyLeases.insert(sessionId);
        return true;
    }
    m_helpyLeases.remove(sessionId);
    return false;
}

// ------------------------------------------------------------------ HandlerContext

Session *ServerCore::findSession(const QString &sessionId)
{
    return m_registry.find(sessionId);
}

Session *ServerCore::findSessionByInvite(const QString &code)
{
    return m_registry.findByInvite(code);
}

Session &ServerCore::createSession(const QString &title)
{
    return m_registry.create(title);
}

SessionStore::StoredInvite ServerCore::createInvite(
    const Session &session, std::optional<int> maxUses, const QDateTime &expiresAt)
{
    return m_registry.createInvite(session, maxUses, expiresAt);
}

void ServerCore::useInvite(const QString &code)
{
    m_registry.useInvite(code);
}

bool ServerCore::revokeInvite(const Session &session, const QString &code)
{
    return m_registry.revokeInvite(session, code);
}

bool ServerCore::isBanned(Session &session, const QString &userId)
{
    return m_registry.isBanned(session, userId);
}

void ServerCore::setBanned(Session &session, const QString &userId, bool banned)
{
    m_registry.setBanned(session, userId, banned);
}

User *ServerCore::findUser(const QString &userId)
{
    return m_registry.findUser(userId);
}

Presence ServerCore::presenceOf(const User &user) const
{
    return m_presence.presenceOf(user);
}

void ServerCore::forgetSession(Session &session)
{
    session.forgetHistory();
    if (m_backends.store)
        m_backends.store->forgetSession(session.id(), session.revision());
}

void ServerCore::setMember(const QString &userId, const QString &sessionId, bool member)
{
    m_registry.setMember(userId, sessionId, member);
    if (member)
        m_presence.joined(userId, sessionId);
    else
        m_presence.left(userId, sessionId);
}

void ServerCore::sessionOpened(User &user, const QString &sessionId)
{
    m_presence.opened(user, sessionId);
}

void ServerCore::publish(Session &session, ServerFrame event)
{
    m_transactions.publish(session, std::move(event));
}

void ServerCore::post(
    ClientConnection *connection, const QString &text, const QString &subscribe, qint64 revision)
{
    m_transactions.post(connection, text, subscribe, revision);
}

void ServerCore::sendSnapshot(ClientConnection *connection, const Session &session, RosterMode mode)
{
    m_transactions.sendSnapshot(connection, session, mode);
}

void ServerCore::broadcast(
    const Session &session, const QString &text, const ClientConnection *except)
{
    m_fanout.broadcast(session, text, except);
    if (m_cluster)
        m_cluster->broadcast(session.id(), text);
}

void ServerCore::messagePosted(const Session &session, const ChatMessage &message)
{
    m_postedMessages.append({ session.id(), message });
}

// ------------------------------------------------------------------ TutorHost

Session *ServerCore::tutorSession(const QString &sessionId)
{
    Session *session = m_registry.find(sessionId);
    return session && !session->isClosed() ? session : nullptr;
}

void ServerCore::postAsHelpy(Session &session, const ChatMessage &message)
{
    const QString sessionId = session.id();
    m_transactions.transact([&] {
        // Looked up again: a retry after another node's commit sees the session anew.
        Session *current = tutorSession(sessionId);
        if (current && current->roster().contains(message.authorId))
            m_transactions.publish(*current, MessageEvent { {}, {}, message });
    });
}

void ServerCore::broadcastToSession(const Session &session, const QString &text)
{
    m_fanout.broadcast(session, text, nullptr);
    if (m_cluster)
        m_cluster->broadcast(session.id(), text);
}
