// SPDX-License-Identifier: MIT
#include "sessionserver.h"

#include "clientconnection.h"
#include "identifiers.h"
#include "logging.h"
#include "permissions.h"
#include "redissessionstore.h"
#include "session.h"
#include "sqlitesessionstore.h"
#include "userdirectory.h"

#include <QJsonArray>
#include <QPointer>
#include <QRandomGenerator>
#include <QWebSocketServer>

#include <memory>
#include <unordered_map>

using namespace Protocol;

namespace {

/// A request refused: becomes one `error` answer.
struct Refusal
{
    ErrorCode code;
    QString message;
};

/// What a handler answers with: an ack (with result fields), or a refusal.
using Outcome = std::variant<Ack, Refusal>;

/// A roster event about `participant`; publish() fills in session, revision and time.
ParticipantChangeEvent changeOf(
    ParticipantChangeEvent::Type type, const Participant &participant, const QString &actorId)
{
    ParticipantChangeEvent event;
    event.type = type;
    event.participantId = participant.id;
    event.participantType = participant.type;
    event.participant = participant;
    event.actorId = actorId;
    return event;
}

Ack ackWith(std::optional<qint64> revision, QJsonObject result = {})
{
    Ack ack;
    ack.revision = revision;
    ack.result = std::move(result);
    return ack;
}

} // namespace

class SessionServer::Private
{
public:
    Private(SessionServer *q, ServerOptions options)
        : q(q)
        , options(std::move(options))
        , wsServer(QStringLiteral("helpy-server"), QWebSocketServer::NonSecureMode)
    { }

    SessionServer *q;
    ServerOptions options;
    QWebSocketServer wsServer;
    QTimer heartbeat;
    QList<ClientConnection *> connections;
    UserDirectory users;
    std::unordered_map<QString, std::unique_ptr<Session>> sessions;
    QHash<QString, QString> sessionByInvite;
    QHash<int, ClientConnection *> testConnections; ///< handleFrameForTesting's, by number
    QStringList testCapture;
    std::unique_ptr<SessionStore> store; ///< null: memory only
    RedisSessionStore *redis = nullptr; ///< the store, when it is shared with other nodes
    bool storageFailed = false;
    QString storeError;
    static constexpr int MaxCommitAttempts = 8;

    /// An event recorded in the open transaction, delivered once that is committed.
    struct Delivery
    {
        QString sessionId;
        qint64 revision;
        QString text;
        QString removedUserId; ///< a removal goes to the removed one too, and is its last
    };
    /**
     * What a transaction sends, in order, once it is committed: an event for every
     * follower (a Delivery), or a frame for one connection, optionally followed by that
     * connection now following a session from a revision. A transaction that loses a race
     * with another node is undone and sends nothing.
     */
    struct Outgoing
    {
        std::optional<Delivery> delivery;
        QPointer<ClientConnection> connection;
        QString text; ///< may be empty: only a subscription
        QString subscribeSession;
        qint64 subscribeRevision = 0;
    };
    QList<Outgoing> outbox;
    int transactionDepth = 0;
    /**
     * Group commit (SQLite): the changes of one event-loop pass share one durable commit
     * (one fsync) instead of one each; what they send waits in awaitingCommit until then.
     * Each change stays atomic with its answer, and nothing is seen before it is durable.
     * (A shared Redis store commits every change on its own: its commit is the ordering.)
     */
    bool groupCommit = false;
    bool groupOpen = false;
    QList<Outgoing> awaitingCommit;
    QTimer groupCommitTimer;
    void commitGroup();
    void sendAll(const QList<Outgoing> &sends);
    void failStorage();
    /// Sends once what came before it is durable (at once when nothing waits).
    void sendAfterCommit(ClientConnection *connection, const QString &text);
    bool lastCommitConflicted = false;
    /// Shared store only: each session as it was before the open transaction touched it
    /// (null: created by it), to undo a transaction another node's commit overtook.
    std::unordered_map<QString, std::unique_ptr<Session>> backups;
    QStringList invitesCreated;

    /**
     * Every change runs inside one: the store commits before anyone sees its events or
     * its ack (so what was acknowledged is durable), then the events go out.
     */
    class Transaction
    {
    public:
        explicit Transaction(Private *d)
            : d(d)
        {
            if (d->transactionDepth++ == 0 && d->store && !d->groupOpen) {
                d->store->begin();
                d->groupOpen = d->groupCommit;
            }
        }
        ~Transaction()
        {
            if (--d->transactionDepth == 0)
                d->finishTransaction();
        }
        Q_DISABLE_COPY_MOVE(Transaction)

    private:
        Private *d;
    };
    void finishTransaction();
    /// Runs `body` in a transaction; when another node's commit overtook it, undoes it,
    /// catches up and runs it again. False when it kept losing (or storage failed).
    bool transact(const std::function<void()> &body);
    void rollback();
    void post(ClientConnection *connection, const QString &text, const QString &subscribe = {},
        qint64 revision = 0);
    void deliver(const Delivery &delivery);
    bool loadStore(QString *error);
    bool openRedis(QString *error);
    User *findUser(const QString &userId);
    /// Redis: an event any node published; applied when it is the next one we miss.
    void onSharedEvent(const QString &sessionId, qint64 revision, const QString &event);
    /// Redis: applies the events of the log this node has not seen yet, and delivers them.
    void catchUp(const QString &sessionId);
    void applyShared(Session &session, const QString &event);
    void sweepPresence();
    /// A node's presence key outlives three missed refreshes (one per heartbeat).
    int presenceTtlMs() const
    {
        return 3 * (options.heartbeatSeconds > 0 ? options.heartbeatSeconds : 15) * 1000;
    }
    void replay(Session &session, const QString &event);
    void saveUser(const User &user);

    void onNewConnection();
    void onTextMessage(ClientConnection *connection, const QString &text);
    void onClosed(ClientConnection *connection);
    void onHeartbeat();

    void handleHello(ClientConnection *connection, const Hello &hello);
    void handleRequest(ClientConnection *connection, User &user, const ClientFrame &frame);
    Outcome apply(ClientConnection *connection, User &user, const ClientFrame &frame);

    Outcome createSession(User &user, const CreateSession &request);
    Outcome joinSession(ClientConnection *connection, User &user, const JoinSession &request);
    Outcome addParticipant(User &user, const AddParticipant &request);
    Outcome removeParticipant(User &user, const QString &sessionId, const QString &participantId);
    Outcome setRole(User &user, const SetRole &request);
    Outcome createInvite(User &user, const CreateInvite &request);
    Outcome listSessions(User &user);
    Outcome sendMessage(User &user, const SendMessage &request);
    void setTyping(ClientConnection *connection, User &user, const SetTyping &request);

    /// The session, looked up in a shared store on a local miss. Inside a transaction the
    /// session becomes part of what the commit checks (and can undo).
    Session *findSession(const QString &sessionId);
    /// The session and the actor's place in it, or the refusal (not_found / forbidden).
    std::variant<std::pair<Session *, const Participant *>, Refusal> sessionAsParticipant(
        const QString &sessionId, const User &user);

    void sendError(ClientConnection *connection, const QString &requestId, ErrorCode code,
        const QString &message);
    /// Assigns the next revision, records the event and fans it out, encoded once.
    void publish(Session &session, ServerFrame event);
    void sendSnapshot(ClientConnection *connection, const Session &session);
    void addToSession(Session &session, Participant participant, const QString &actorId);
    void removeFromSession(Session &session, const QString &participantId,
        ParticipantChangeEvent::Reason reason, const QString &actorId);
    void setPresence(User &user, Presence presence);
    Presence presenceOf(const User &user) const;
};

SessionServer::SessionServer(ServerOptions options, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this, std::move(options)))
{
    connect(&d->wsServer, &QWebSocketServer::newConnection, this, [this] { d->onNewConnection(); });
    connect(
        &d->wsServer, &QWebSocketServer::acceptError, this, [](QAbstractSocket::SocketError error) {
            qCWarning(lcServer) << "accept failed:" << error;
        });
    connect(&d->heartbeat, &QTimer::timeout, this, [this] { d->onHeartbeat(); });
    d->groupCommitTimer.setSingleShot(true);
    d->groupCommitTimer.setInterval(0); // when this pass of the event loop is done
    connect(&d->groupCommitTimer, &QTimer::timeout, this, [this] { d->commitGroup(); });
}

SessionServer::~SessionServer()
{
    close();
}

bool SessionServer::listen()
{
    if ((!d->options.dataPath.isEmpty() || !d->options.redisUrl.isEmpty()) && !d->store) {
        QString error;
        if (!(d->options.redisUrl.isEmpty() ? d->loadStore(&error) : d->openRedis(&error))) {
            d->storeError = error;
            qCCritical(lcServer).noquote() << "cannot open the storage:" << error;
            return false;
        }
    }
    d->storeError.clear();
    if (!d->wsServer.listen(d->options.address, d->options.port)) {
        qCCritical(lcServer) << "cannot listen on" << d->options.address << d->options.port << ":"
                             << d->wsServer.errorString();
        return false;
    }
    if (d->options.heartbeatSeconds > 0)
        d->heartbeat.start(d->options.heartbeatSeconds * 1000);
    qCInfo(lcServer) << "listening on" << url().toString();
    return true;
}

void SessionServer::close()
{
    d->commitGroup(); // what was answered goes out before the goodbye
    d->heartbeat.stop();
    if (d->wsServer.isListening())
        d->wsServer.close();
    // Each client gets its own retry time, so that they do not all come back at once.
    const auto connections = d->connections;
    for (ClientConnection *connection : connections) {
        const int retryAfterMs = QRandomGenerator::global()->bounded(500, 5000);
        connection->closeWith(QWebSocketProtocol::CloseCodeGoingAway,
            QStringLiteral("server going away; retry-after-ms=%1").arg(retryAfterMs));
    }
    // Their users' presence is recorded now, while the store is still there.
    for (ClientConnection *connection : connections)
        d->onClosed(connection);
    d->commitGroup();
}

bool SessionServer::isListening() const
{
    return d->wsServer.isListening();
}
quint16 SessionServer::port() const
{
    return d->wsServer.serverPort();
}
QString SessionServer::errorString() const
{
    return d->storeError.isEmpty() ? d->wsServer.errorString() : d->storeError;
}
const ServerOptions &SessionServer::options() const
{
    return d->options;
}
int SessionServer::connectionCount() const
{
    return int(d->connections.size());
}
int SessionServer::sessionCount() const
{
    return int(d->sessions.size());
}

QUrl SessionServer::url() const
{
    QUrl url;
    url.setScheme(QStringLiteral("ws"));
    QHostAddress address = d->wsServer.serverAddress();
    if (address == QHostAddress::Any || address == QHostAddress::AnyIPv4)
        address = QHostAddress::LocalHost;
    url.setHost(address.toString());
    url.setPort(port());
    url.setPath(QLatin1String(EndpointPath));
    return url;
}

QList<Participant> SessionServer::participants(const QString &sessionId) const
{
    const Session *session = d->findSession(sessionId);
    return session ? session->participants() : QList<Participant>();
}

qint64 SessionServer::revision(const QString &sessionId) const
{
    const Session *session = d->findSession(sessionId);
    return session ? session->revision() : -1;
}

QString SessionServer::epoch(const QString &sessionId) const
{
    const Session *session = d->findSession(sessionId);
    return session ? session->epoch() : QString();
}

QStringList SessionServer::handleFrameForTesting(int connection, const QString &text)
{
    ClientConnection *&client = d->testConnections[connection];
    if (!client) {
        client = new ClientConnection(
            new QWebSocket, d->options.maxRequestsPerSecond, d->options.maxPendingBytes, this);
        client->capture = &d->testCapture;
        d->connections.append(client);
    }
    d->onTextMessage(client, text);
    if (client->closed)
        dropConnectionForTesting(connection);
    return std::exchange(d->testCapture, {});
}

void SessionServer::dropConnectionForTesting(int connection)
{
    if (ClientConnection *client = d->testConnections.take(connection))
        d->onClosed(client);
}

// ------------------------------------------------------------------ connections

void SessionServer::Private::onNewConnection()
{
    while (QWebSocket *socket = wsServer.nextPendingConnection()) {
        if (socket->requestUrl().path() != QLatin1String(EndpointPath)) {
            qCInfo(lcServer) << "refusing" << socket->requestUrl().path() << "(endpoint is /v1)";
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated,
                QStringLiteral("unknown endpoint; use /v1"));
            QObject::connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
            continue;
        }
        auto *connection = new ClientConnection(
            socket, options.maxRequestsPerSecond, options.maxPendingBytes, q);
        connections.append(connection);
        // Frames above the hard limit are cut by Qt (1009); below it we answer too_large.
        socket->setMaxAllowedIncomingMessageSize(quint64(options.hardFrameLimit));
        socket->setMaxAllowedIncomingFrameSize(quint64(options.hardFrameLimit));
        QObject::connect(socket, &QWebSocket::textMessageReceived, connection,
            [this, connection](const QString &text) { onTextMessage(connection, text); });
        QObject::connect(socket, &QWebSocket::binaryMessageReceived, connection,
            [this, connection](const QByteArray &) {
                connection->markAlive();
                sendError(connection, {}, ErrorCode::BadRequest,
                    QStringLiteral("binary frames are not supported; send JSON text"));
            });
        QObject::connect(
            socket, &QWebSocket::pong, connection, [connection] { connection->markAlive(); });
        // A busy peer's pong may sit behind a backlog of our frames. While we have a backlog,
        // the kernel only takes more bytes when the peer acknowledges some: that is traffic.
        // (Without one, a write says nothing: the kernel buffers it for a dead peer too.)
        QObject::connect(socket, &QWebSocket::bytesWritten, connection, [connection, socket] {
            if (socket->bytesToWrite() > 0)
                connection->markAlive();
        });
        // Queued: a write that finds the peer gone (flush() in the middle of a fan-out)
        // reports the disconnect synchronously, and the fan-out must not change under it.
        QObject::connect(
            socket, &QWebSocket::disconnected, connection,
            [this, connection] { onClosed(connection); }, Qt::QueuedConnection);
        QObject::connect(&connection->helloTimer, &QTimer::timeout, connection, [connection] {
            qCInfo(lcServer) << connection->peer() << "sent no hello in time";
            connection->closeWith(
                QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("hello expected"));
        });
        connection->helloTimer.start(options.helloTimeoutMs);
        qCDebug(lcServer) << "connection from" << connection->peer();
        Q_EMIT q->connectionCountChanged(int(connections.size()));
    }
}

void SessionServer::Private::onClosed(ClientConnection *connection)
{
    if (!connections.removeOne(connection))
        return;
    qCDebug(lcServer) << "closed" << connection->peer() << connection->userId;
    if (User *user = users.find(connection->userId)) {
        user->connections.removeOne(connection);
        if (user->connections.isEmpty()) {
            bool elsewhere = false;
            if (redis) {
                // Our key now says "reconnecting" for the grace period; another node may
                // still hold a connection, and then the user stays online.
                if (options.presenceGraceSeconds > 0)
                    redis->setPresence(user->id, RedisSessionStore::Presence::Reconnecting,
                        options.presenceGraceSeconds * 1000);
                else
                    redis->clearPresence(user->id);
                elsewhere = redis->presence(user->id) == RedisSessionStore::Presence::Online;
            }
            if (!elsewhere) {
                const QString userId = user->id;
                transact([this, userId] {
                    if (User *away = users.find(userId))
                        setPresence(*away,
                            options.presenceGraceSeconds > 0 ? Presence::Reconnecting
                                                             : Presence::Offline);
                });
            }
        }
    }
    connection->deleteLater();
    Q_EMIT q->connectionCountChanged(int(connections.size()));
}

void SessionServer::Private::onHeartbeat()
{
    if (redis)
        sweepPresence();
    const qint64 deadAfterMs = 2LL * options.heartbeatSeconds * 1000;
    const auto all = connections;
    for (ClientConnection *connection : all) {
        if (connection->silentForMs() > deadAfterMs) {
            qCInfo(lcServer) << connection->peer() << "silent for" << connection->silentForMs()
                             << "ms; dropping it";
            connection->socket()->abort();
            onClosed(connection); // abort() may not emit disconnected for a dead peer
            continue;
        }
        connection->socket()->ping();
        // With each heartbeat, a digest per followed session lets clients prove they match.
        for (auto it = connection->subscriptions.cbegin(); it != connection->subscriptions.cend();
             ++it) {
            if (const Session *session = findSession(it.key())) {
                connection->send(encode(SessionDigest {
                    it.key(), session->epoch(), session->revision(), session->rosterHash() }));
            }
        }
    }
}

void SessionServer::Private::sendError(
    ClientConnection *connection, const QString &requestId, ErrorCode code, const QString &message)
{
    post(connection, encode(Error { requestId, code, message }));
}

void SessionServer::Private::onTextMessage(ClientConnection *connection, const QString &text)
{
    connection->markAlive();
    if (storageFailed)
        return;
    const QByteArray utf8 = text.toUtf8();
    if (utf8.size() > options.limits.maxFrameBytes) {
        qCInfo(lcServer) << connection->peer() << "sent a frame of" << utf8.size() << "bytes";
        sendError(connection, {}, ErrorCode::TooLarge,
            QStringLiteral("frame of %1 bytes exceeds the limit of %2 bytes")
                .arg(utf8.size())
                .arg(options.limits.maxFrameBytes));
        connection->closeWith(
            QWebSocketProtocol::CloseCodeTooMuchData, QStringLiteral("frame too large"));
        return;
    }
    auto decoded = decodeClientFrame(utf8, options.limits);
    if (const auto *error = std::get_if<DecodeError>(&decoded)) {
        qCDebug(lcServer) << connection->peer() << "bad frame:" << error->message;
        sendError(connection, error->requestId, error->code, error->message);
        return;
    }
    const ClientFrame &frame = std::get<ClientFrame>(decoded);
    if (const auto *hello = std::get_if<Hello>(&frame)) {
        handleHello(connection, *hello);
        return;
    }
    User *user = users.find(connection->userId);
    if (!user) {
        sendError(connection, requestIdOf(frame), ErrorCode::NotAuthenticated,
            QStringLiteral("send hello first"));
        return;
    }
    if (!connection->rateLimiter.tryAcquire()) {
        sendError(connection, requestIdOf(frame), ErrorCode::RateLimited,
            QStringLiteral("more than %1 requests a second").arg(options.maxRequestsPerSecond));
        return;
    }
    handleRequest(connection, *user, frame);
}

void SessionServer::Private::handleHello(ClientConnection *connection, const Hello &hello)
{
    if (connection->isSignedIn()) {
        sendError(connection, {}, ErrorCode::BadRequest, QStringLiteral("already signed in"));
        return;
    }
    if (hello.protocol != Version) {
        sendError(connection, {}, ErrorCode::UnsupportedProtocol,
            QStringLiteral("protocol %1 is not supported; this server speaks %2")
                .arg(hello.protocol)
                .arg(Version));
        connection->closeWith(
            QWebSocketProtocol::CloseCodeProtocolError, QStringLiteral("unsupported protocol"));
        return;
    }
    connection->helloTimer.stop();
    if (redis && !hello.token.isEmpty() && !users.findByToken(hello.token)) {
        // A token another node issued: the same user again, whichever node it lands on.
        if (const auto known = redis->userByToken(hello.token))
            findUser(known->id);
    }
    User &user = users.signIn(hello.token, hello.displayName);
    connection->userId = user.id;
    user.connections.append(connection);
    qCInfo(lcServer) << connection->peer() << "is" << user.id << user.displayName;
    if (redis)
        redis->setPresence(user.id, RedisSessionStore::Presence::Online, presenceTtlMs());
    const QString userId = user.id;
    // The identity is stored before its token is handed out.
    transact([this, userId] {
        if (User *present = users.find(userId)) {
            saveUser(*present);
            setPresence(*present, Presence::Online);
        }
    });
    if (storageFailed)
        return;
    connection->send(encode(Welcome {
        Version, user.id, user.token, QDateTime::currentDateTimeUtc(), options.heartbeatSeconds }));
}

// ------------------------------------------------------------------ requests

void SessionServer::Private::handleRequest(
    ClientConnection *connection, User &user, const ClientFrame &frame)
{
    if (const auto *typing = std::get_if<SetTyping>(&frame)) {
        setTyping(connection, user, *typing);
        return;
    }
    const QString requestId = requestIdOf(frame);
    // A join is naturally idempotent and must send its snapshot/events again on a retry.
    const bool remembered = !std::holds_alternative<JoinSession>(frame);
    if (remembered) {
        auto answer = UserDirectory::answerFor(user, requestId);
        if (!answer && redis)
            answer = redis->answer(user.id, requestId); // applied by another node
        if (answer) {
            qCDebug(lcServer) << user.id << "retried" << requestId << "; answering as before";
            sendAfterCommit(connection, *answer);
            return;
        }
    }
    QString answer;
    const bool committed = transact([&] {
        if (remembered && redis && lastCommitConflicted) {
            // Lost a race: maybe against this very request, retried on another node.
            if (const auto earlier = redis->answer(user.id, requestId)) {
                answer = *earlier;
                return;
            }
        }
        const Outcome outcome = apply(connection, user, frame);
        if (const auto *refusal = std::get_if<Refusal>(&outcome)) {
            qCDebug(lcServer) << user.id << typeName(frame) << "refused:" << refusal->message;
            answer = encode(Error { requestId, refusal->code, refusal->message });
        } else {
            Ack ack = std::get<Ack>(outcome);
            ack.requestId = requestId;
            answer = encode(ack);
        }
        // Stored with the change it answers: a retry after a restart is not applied again.
        if (remembered && store)
            store->saveAnswer(user.id, requestId, answer);
    }); // committed; the events went out
    if (!committed) {
        answer = encode(Error { requestId, ErrorCode::Internal,
            QStringLiteral("the session kept changing under this request; try again") });
    } else if (remembered) {
        UserDirectory::rememberAnswer(user, requestId, answer);
    }
    if (!storageFailed)
        sendAfterCommit(connection, answer);
}

Outcome SessionServer::Private::apply(
    ClientConnection *connection, User &user, const ClientFrame &frame)
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

Session *SessionServer::Private::findSession(const QString &sessionId)
{
    auto it = sessions.find(sessionId);
    if (it == sessions.end() && redis && !sessionId.isEmpty()) {
        // Created on another node (or not cached here yet): its log is the truth.
        const auto stored = redis->session(sessionId);
        if (!stored)
            return nullptr;
        auto session = std::make_unique<Session>(stored->id, stored->title, stored->epoch,
            options.eventLogSize, options.snapshotMessages);
        for (const QString &event : stored->events)
            replay(*session, event);
        for (const QString &userId : session->userIds()) {
            if (User *user = users.find(userId))
                user->sessionIds.insert(stored->id);
        }
        it = sessions.emplace(stored->id, std::move(session)).first;
    }
    if (it == sessions.end())
        return nullptr;
    if (redis && transactionDepth > 0 && !backups.count(sessionId)) {
        store->noteRead(sessionId, it->second->revision());
        backups.emplace(sessionId, std::make_unique<Session>(*it->second));
    }
    return it->second.get();
}

std::variant<std::pair<Session *, const Participant *>, Refusal>
SessionServer::Private::sessionAsParticipant(const QString &sessionId, const User &user)
{
    Session *session = findSession(sessionId);
    if (!session)
        return Refusal { ErrorCode::NotFound, QStringLiteral("no session %1").arg(sessionId) };
    const Participant *actor = session->participant(user.id);
    if (!actor)
        return Refusal { ErrorCode::Forbidden,
            QStringLiteral("you are not in session %1").arg(sessionId) };
    return std::pair { session, actor };
}

Outcome SessionServer::Private::createSession(User &user, const CreateSession &request)
{
    QString id;
    do {
        id = Identifiers::sessionId();
    } while (sessions.count(id));
    auto session = std::make_unique<Session>(
        id, request.title, Identifiers::epoch(), options.eventLogSize, options.snapshotMessages);
    Session &created = *session;
    sessions.emplace(id, std::move(session));
    if (redis)
        backups.emplace(id, nullptr); // undone by dropping it
    if (store)
        store->saveSession(id, created.title(), created.epoch());
    Participant owner;
    owner.id = user.id;
    owner.type = ParticipantType::User;
    owner.displayName = user.displayName;
    owner.role = Role::Owner;
    owner.presence = presenceOf(user);
    addToSession(created, owner, user.id);
    qCInfo(lcServer) << user.id << "created session" << id << request.title;
    return ackWith(created.revision(),
        { { QStringLiteral("sessionId"), id }, { QStringLiteral("epoch"), created.epoch() } });
}

Outcome SessionServer::Private::joinSession(
    ClientConnection *connection, User &user, const JoinSession &request)
{
    Session *session = nullptr;
    if (!request.inviteCode.isEmpty()) {
        const QString code = request.inviteCode.toUpper();
        QString sessionId = sessionByInvite.value(code);
        if (sessionId.isEmpty() && redis)
            sessionId = redis->sessionForInvite(code);
        session = findSession(sessionId);
        if (!session)
            return Refusal { ErrorCode::NotFound, QStringLiteral("unknown invite code") };
    } else {
        session = findSession(request.sessionId);
        if (!session)
            return Refusal { ErrorCode::NotFound,
                QStringLiteral("no session %1").arg(request.sessionId) };
    }
    if (!session->contains(user.id)) {
        if (request.inviteCode.isEmpty())
            return Refusal { ErrorCode::Forbidden,
                QStringLiteral("joining needs an invite code or an add by a moderator") };
        if (session->participantCount() >= options.maxParticipants)
            return Refusal {
                ErrorCode::LimitExceeded,
                QStringLiteral("the session is full (%1 participants)").arg(options.maxParticipants)
            };
        Participant member;
        member.id = user.id;
        member.type = ParticipantType::User;
        member.displayName = user.displayName;
        member.role = Role::Member;
        member.presence = presenceOf(user);
        addToSession(*session, member, user.id);
    }

    std::optional<QStringList> missed;
    if (request.sinceRevision && request.epoch == session->epoch())
        missed = session->eventsSince(*request.sinceRevision);
    if (missed) {
        for (const QString &event : std::as_const(*missed))
            post(connection, event);
        post(connection, {}, session->id(), session->revision());
    } else {
        sendSnapshot(connection, *session);
    }
    return ackWith(session->revision(),
        { { QStringLiteral("sessionId"), session->id() },
            { QStringLiteral("epoch"), session->epoch() },
            { QStringLiteral("resumed"), missed.has_value() } });
}

Outcome SessionServer::Private::addParticipant(User &user, const AddParticipant &request)
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
    if (session->participantCount() >= options.maxParticipants)
        return Refusal { ErrorCode::LimitExceeded,
            QStringLiteral("the session is full (%1 participants)").arg(options.maxParticipants) };

    Participant added;
    added.type = request.participantType;
    added.role = Role::Member;
    if (request.participantType == ParticipantType::User) {
        User *target = findUser(request.participantId);
        if (!target)
            return Refusal { ErrorCode::NotFound,
                QStringLiteral("no user %1").arg(request.participantId) };
        added.id = target->id;
        added.displayName
            = request.displayName.isEmpty() ? target->displayName : request.displayName;
        added.presence = presenceOf(*target);
    } else {
        if (!request.participantId.isEmpty() && findUser(request.participantId))
            return Refusal { ErrorCode::Conflict,
                QStringLiteral("%1 is a user, not a helpy").arg(request.participantId) };
        if (request.displayName.isEmpty())
            return Refusal { ErrorCode::BadRequest,
                QStringLiteral("a new helpy needs a 'displayName'") };
        added.id = request.participantId.isEmpty() ? Identifiers::helpyId() : request.participantId;
        added.displayName = request.displayName;
        added.presence = Presence::Online; // a tutor is served by the server: always there
    }
    addToSession(*session, added, user.id);
    return ackWith(session->revision(),
        { { QStringLiteral("participantId"), added.id }, { QStringLiteral("added"), true } });
}

Outcome SessionServer::Private::removeParticipant(
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

Outcome SessionServer::Private::setRole(User &user, const SetRole &request)
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
    publish(*session, changeOf(ParticipantChangeEvent::Type::Updated, changed, user.id));
    return ackWith(session->revision());
}

Outcome SessionServer::Private::createInvite(User &user, const CreateInvite &request)
{
    const auto found = sessionAsParticipant(request.sessionId, user);
    if (const auto *refusal = std::get_if<Refusal>(&found))
        return *refusal;
    auto [session, actor] = std::get<std::pair<Session *, const Participant *>>(found);
    if (!Permissions::mayCreateInvite(actor->role))
        return Refusal { ErrorCode::Forbidden,
            QStringLiteral("only moderators and owners invite") };
    QString code;
    do {
        code = Identifiers::inviteCode();
    } while (sessionByInvite.contains(code));
    sessionByInvite.insert(code, session->id());
    invitesCreated.append(code);
    if (store)
        store->saveInvite(code, session->id());
    return ackWith(std::nullopt,
        { { QStringLiteral("inviteCode"), code }, { QStringLiteral("sessionId"), session->id() } });
}

Outcome SessionServer::Private::listSessions(User &user)
{
    QJsonArray list;
    for (const QString &id : std::as_const(user.sessionIds)) {
        const Session *session = findSession(id);
        const Participant *self = session ? session->participant(user.id) : nullptr;
        if (!self)
            continue;
        list.append(toJson(SessionSummary {
            id, session->title(), self->role, session->participantCount(), session->revision() }));
    }
    return ackWith(std::nullopt, { { QStringLiteral("sessions"), list } });
}

Outcome SessionServer::Private::sendMessage(User &user, const SendMessage &request)
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
    publish(*session, event);
    return ackWith(
        session->revision(), { { QStringLiteral("messageId"), event.message.messageId } });
}

void SessionServer::Private::setTyping(
    ClientConnection *connection, User &user, const SetTyping &request)
{
    const auto found = sessionAsParticipant(request.sessionId, user);
    if (const auto *refusal = std::get_if<Refusal>(&found)) {
        sendError(connection, {}, refusal->code, refusal->message);
        return;
    }
    const QString frame = encode(TypingEvent { request.sessionId, user.id, request.typing });
    for (const QString &userId :
        std::get<std::pair<Session *, const Participant *>>(found).first->userIds()) {
        const User *member = users.find(userId);
        if (!member)
            continue; // connected to another node, if at all: typing stays on this node
        for (ClientConnection *peer : member->connections) {
            if (peer != connection && peer->subscriptions.contains(request.sessionId))
                peer->send(frame);
        }
    }
}

// ------------------------------------------------------------------ events

void SessionServer::Private::publish(Session &session, ServerFrame event)
{
    const qint64 revision = session.nextRevision();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (auto *change = std::get_if<ParticipantChangeEvent>(&event)) {
        change->sessionId = session.id();
        change->epoch = session.epoch();
        change->revision = revision;
        change->timestamp = now;
    } else if (auto *message = std::get_if<MessageEvent>(&event)) {
        message->sessionId = session.id();
        message->epoch = session.epoch();
        message->message.revision = revision;
        message->message.timestamp = now;
        session.appendMessage(message->message);
    }
    // Encoded once; every recipient and every later resume gets this very text.
    const QString text = encode(event);
    session.record(revision, text);
    if (store)
        store->appendEvent(session.id(), revision, text);
    Q_ASSERT(transactionDepth > 0);
    const auto *change = std::get_if<ParticipantChangeEvent>(&event);
    if (redis && change && change->participantType == ParticipantType::User
        && change->type != ParticipantChangeEvent::Type::Updated)
        redis->setMembership(change->participantId, session.id(),
            change->type == ParticipantChangeEvent::Type::Added);
    Outgoing out;
    out.delivery = Delivery { session.id(), revision, text,
        change && change->type == ParticipantChangeEvent::Type::Removed ? change->participantId
                                                                        : QString() };
    outbox.append(std::move(out));
}

void SessionServer::Private::post(
    ClientConnection *connection, const QString &text, const QString &subscribe, qint64 revision)
{
    if (transactionDepth == 0) {
        if (!text.isEmpty())
            connection->send(text);
        if (!subscribe.isEmpty())
            connection->subscriptions.insert(subscribe, revision);
        return;
    }
    Outgoing out;
    out.connection = connection;
    out.text = text;
    out.subscribeSession = subscribe;
    out.subscribeRevision = revision;
    outbox.append(std::move(out));
}

void SessionServer::Private::deliver(const Delivery &delivery)
{
    const Session *session = findSession(delivery.sessionId);
    if (!session)
        return;
    const auto sendTo = [&](const User &user) {
        for (ClientConnection *connection : user.connections) {
            auto it = connection->subscriptions.find(delivery.sessionId);
            if (it == connection->subscriptions.end() || *it >= delivery.revision)
                continue; // not following, or already has it by snapshot or resume
            *it = delivery.revision;
            connection->send(delivery.text);
        }
    };
    for (const QString &userId : session->userIds()) {
        if (const User *user = users.find(userId))
            sendTo(*user);
    }
    if (const User *removed = users.find(delivery.removedUserId)) {
        sendTo(*removed);
        for (ClientConnection *connection : removed->connections)
            connection->subscriptions.remove(delivery.sessionId);
    }
}

void SessionServer::Private::finishTransaction()
{
    lastCommitConflicted = false;
    if (groupOpen) {
        awaitingCommit.append(std::exchange(outbox, {}));
        backups.clear();
        invitesCreated.clear();
        if (!groupCommitTimer.isActive())
            groupCommitTimer.start();
        return;
    }
    if (store && !store->commit()) {
        if (store->conflicted()) {
            // Another node's commit came first: undo, learn what it did, and let the
            // caller run the change again on the new state. Nothing of ours went out.
            lastCommitConflicted = true;
            outbox.clear();
            rollback();
            return;
        }
        failStorage();
        return;
    }
    backups.clear();
    invitesCreated.clear();
    sendAll(std::exchange(outbox, {}));
}

void SessionServer::Private::failStorage()
{
    // Memory is now ahead of the disk: nothing more may be acknowledged or delivered.
    storageFailed = true;
    outbox.clear();
    awaitingCommit.clear();
    qCCritical(lcServer).noquote()
        << "storage write failed:" << store->lastError() << "- closing every connection";
    const auto all = connections;
    for (ClientConnection *connection : all)
        connection->closeWith(
            QWebSocketProtocol::CloseCodeAbnormalDisconnection, QStringLiteral("storage failure"));
    Q_EMIT q->storageFailed(store->lastError());
}

void SessionServer::Private::commitGroup()
{
    groupCommitTimer.stop();
    if (!groupOpen)
        return;
    groupOpen = false;
    if (!store->commit()) {
        failStorage();
        return;
    }
    sendAll(std::exchange(awaitingCommit, {}));
}

void SessionServer::Private::sendAfterCommit(ClientConnection *connection, const QString &text)
{
    if (!groupOpen) {
        connection->send(text);
        return;
    }
    Outgoing out;
    out.connection = connection;
    out.text = text;
    awaitingCommit.append(std::move(out));
}

void SessionServer::Private::sendAll(const QList<Outgoing> &sends)
{
    for (const Outgoing &out : sends) {
        if (out.delivery) {
            deliver(*out.delivery);
            continue;
        }
        if (!out.connection)
            continue; // closed meanwhile
        if (!out.text.isEmpty())
            out.connection->send(out.text);
        if (!out.subscribeSession.isEmpty())
            out.connection->subscriptions.insert(out.subscribeSession, out.subscribeRevision);
    }
}

bool SessionServer::Private::transact(const std::function<void()> &body)
{
    lastCommitConflicted = false;
    for (int attempt = 1; attempt <= MaxCommitAttempts; ++attempt) {
        {
            Transaction transaction(this);
            body();
        }
        if (storageFailed)
            return false;
        if (!lastCommitConflicted)
            return true;
        qCDebug(lcServer) << "commit lost a race; attempt" << attempt + 1;
    }
    qCWarning(lcServer) << "a change lost" << MaxCommitAttempts << "races in a row; giving up";
    return false;
}

void SessionServer::Private::rollback()
{
    QStringList touched;
    for (auto &[id, backup] : backups) {
        QSet<QString> affected;
        if (auto it = sessions.find(id); it != sessions.end())
            affected = it->second->userIds();
        if (backup) {
            affected.unite(backup->userIds());
            touched.append(id);
            sessions.insert_or_assign(id, std::move(backup));
        } else {
            sessions.erase(id);
        }
        const auto kept = sessions.find(id);
        const Session *restored = kept == sessions.end() ? nullptr : kept->second.get();
        for (const QString &userId : std::as_const(affected)) {
            if (User *user = users.find(userId)) {
                if (restored && restored->contains(userId))
                    user->sessionIds.insert(id);
                else
                    user->sessionIds.remove(id);
            }
        }
    }
    backups.clear();
    for (const QString &code : std::as_const(invitesCreated))
        sessionByInvite.remove(code);
    invitesCreated.clear();
    for (const QString &id : std::as_const(touched))
        catchUp(id);
}

void SessionServer::Private::sendSnapshot(ClientConnection *connection, const Session &session)
{
    post(connection, encode(session.snapshot()), session.id(), session.revision());
}

void SessionServer::Private::addToSession(
    Session &session, Participant participant, const QString &actorId)
{
    participant.joinedAt = QDateTime::currentDateTimeUtc();
    session.upsertParticipant(participant);
    publish(session, changeOf(ParticipantChangeEvent::Type::Added, participant, actorId));

    if (participant.type != ParticipantType::User)
        return;
    User *user = users.find(participant.id);
    user->sessionIds.insert(session.id());
    // Added by someone else: each live connection gets the state, then the events.
    if (actorId == participant.id)
        return;
    for (ClientConnection *connection : std::as_const(user->connections))
        sendSnapshot(connection, session);
}

void SessionServer::Private::removeFromSession(Session &session, const QString &participantId,
    ParticipantChangeEvent::Reason reason, const QString &actorId)
{
    const Participant removed = *session.participant(participantId);
    ParticipantChangeEvent event
        = changeOf(ParticipantChangeEvent::Type::Removed, removed, actorId);
    event.reason = reason;
    // Published while still a participant: the removed one's connections receive it too.
    publish(session, event);
    session.removeParticipant(participantId);
    if (User *user = users.find(participantId))
        user->sessionIds.remove(session.id());
    qCInfo(lcServer) << actorId << "removed" << participantId << "from" << session.id();
}

Presence SessionServer::Private::presenceOf(const User &user) const
{
    if (!user.connections.isEmpty())
        return Presence::Online;
    if (redis) {
        switch (redis->presence(user.id)) { // connected to another node?
        case RedisSessionStore::Presence::Online:
            return Presence::Online;
        case RedisSessionStore::Presence::Reconnecting:
            return Presence::Reconnecting;
        case RedisSessionStore::Presence::None:
            break;
        }
    }
    return user.graceTimer ? Presence::Reconnecting : Presence::Offline;
}

void SessionServer::Private::setPresence(User &user, Presence presence)
{
    if (presence == Presence::Reconnecting) {
        // Offline only if the user is still away when the grace period ends: no flapping.
        const QString userId = user.id;
        delete user.graceTimer;
        user.graceTimer = new QTimer(q);
        user.graceTimer->setSingleShot(true);
        QObject::connect(user.graceTimer, &QTimer::timeout, q, [this, userId] {
            User *away = users.find(userId);
            if (!away || !away->connections.isEmpty())
                return;
            away->graceTimer->deleteLater();
            away->graceTimer = nullptr;
            if (redis) {
                redis->clearPresence(userId);
                if (redis->presence(userId) == RedisSessionStore::Presence::Online)
                    return; // back on another node, which says so
            }
            transact([this, userId] {
                if (User *gone = users.find(userId))
                    setPresence(*gone, Presence::Offline);
            });
        });
        user.graceTimer->start(options.presenceGraceSeconds * 1000);
    } else if (user.graceTimer) {
        user.graceTimer->deleteLater();
        user.graceTimer = nullptr;
    }
    for (const QString &sessionId : std::as_const(user.sessionIds)) {
        Session *session = findSession(sessionId);
        const Participant *current = session ? session->participant(user.id) : nullptr;
        if (!current || current->presence == presence)
            continue;
        Participant changed = *current;
        changed.presence = presence;
        session->upsertParticipant(changed);
        publish(*session, changeOf(ParticipantChangeEvent::Type::Updated, changed, user.id));
    }
}

// ------------------------------------------------------------------ storage

void SessionServer::Private::saveUser(const User &user)
{
    if (store)
        store->saveUser({ user.id, user.token, user.displayName });
}

/// Applies one stored event to a session being rebuilt (the log is the source of truth).
void SessionServer::Private::replay(Session &session, const QString &event)
{
    const auto decoded = decodeServerFrame(event.toUtf8());
    if (const auto *frame = std::get_if<ServerFrame>(&decoded)) {
        if (const auto *change = std::get_if<ParticipantChangeEvent>(frame)) {
            if (change->type == ParticipantChangeEvent::Type::Removed)
                session.removeParticipant(change->participantId);
            else
                session.upsertParticipant(change->participant);
        } else if (const auto *message = std::get_if<MessageEvent>(frame)) {
            session.appendMessage(message->message);
        }
    } else {
        qCCritical(lcServer) << "storage: an event of" << session.id()
                             << "does not decode:" << std::get<DecodeError>(decoded).message;
    }
    session.record(session.nextRevision(), event);
}

bool SessionServer::Private::loadStore(QString *error)
{
    auto sqlite = std::make_unique<SqliteSessionStore>(options.dataPath);
    if (!sqlite->open(error))
        return false;
    store = std::move(sqlite);
    groupCommit = true;
    const SessionStore::Contents contents = store->load();
    for (const auto &stored : contents.users)
        users.restore(stored.id, stored.token, stored.displayName);
    for (const auto &stored : contents.sessions) {
        auto session = std::make_unique<Session>(
            stored.id, stored.title, stored.epoch, options.eventLogSize, options.snapshotMessages);
        for (const QString &event : stored.events)
            replay(*session, event);
        for (const QString &userId : session->userIds()) {
            if (User *user = users.find(userId))
                user->sessionIds.insert(stored.id);
        }
        sessions.emplace(stored.id, std::move(session));
    }
    sessionByInvite = contents.sessionByInvite;
    for (const auto &answer : contents.answers) {
        if (User *user = users.find(answer.userId))
            UserDirectory::rememberAnswer(*user, answer.requestId, answer.answer);
    }
    // Nobody is connected to a server that just started: say so, as events like any other.
    transact([&] {
        for (const auto &stored : contents.users) {
            if (User *user = users.find(stored.id))
                setPresence(*user, Presence::Offline);
        }
    });
    qCInfo(lcServer) << "storage: loaded" << contents.users.size() << "users and"
                     << contents.sessions.size() << "sessions from" << store->describe();
    return true;
}

// ------------------------------------------------------------------ several nodes (Redis)

bool SessionServer::Private::openRedis(QString *error)
{
    const QString nodeId = options.nodeId.isEmpty()
        ? QStringLiteral("n-") + Identifiers::epoch().left(8)
        : options.nodeId;
    auto shared = std::make_unique<RedisSessionStore>(options.redisUrl, nodeId);
    shared->setEventHandler(
        [this](const QString &sessionId, qint64 revision, const QString &event) {
            onSharedEvent(sessionId, revision, event);
        });
    shared->setResubscribedHandler([this] {
        // Events published while we were not listening: fetch them from the logs.
        QStringList ids;
        for (const auto &[id, session] : sessions)
            ids.append(id);
        for (const QString &id : std::as_const(ids))
            catchUp(id);
    });
    if (!shared->open(error))
        return false;
    redis = shared.get();
    store = std::move(shared);
    // Nothing is preloaded: sessions, users, invites and answers are looked up on a miss.
    qCInfo(lcServer).noquote() << "storage:" << store->describe();
    return true;
}

User *SessionServer::Private::findUser(const QString &userId)
{
    if (User *user = users.find(userId))
        return user;
    if (!redis || userId.isEmpty())
        return nullptr;
    const auto stored = redis->userById(userId);
    if (!stored)
        return nullptr;
    User &user = users.restore(stored->id, stored->token, stored->displayName);
    for (const QString &sessionId : redis->sessionsOf(userId))
        user.sessionIds.insert(sessionId);
    return &user;
}

void SessionServer::Private::onSharedEvent(
    const QString &sessionId, qint64 revision, const QString &event)
{
    const auto it = sessions.find(sessionId);
    if (it == sessions.end()) {
        // Not cached here: read from the log when someone needs it, or now, when a user
        // connected here was just added (its connections get the snapshot).
        const auto decoded = decodeServerFrame(event.toUtf8());
        const auto *frame = std::get_if<ServerFrame>(&decoded);
        const auto *change = frame ? std::get_if<ParticipantChangeEvent>(frame) : nullptr;
        if (!change || change->type != ParticipantChangeEvent::Type::Added
            || change->participantType != ParticipantType::User
            || change->actorId == change->participantId)
            return;
        const User *user = users.find(change->participantId);
        if (!user || user->connections.isEmpty())
            return;
        if (Session *loaded = findSession(sessionId)) {
            for (ClientConnection *connection : std::as_const(user->connections))
                sendSnapshot(connection, *loaded);
        }
        return;
    }
    Session &session = *it->second;
    if (revision <= session.revision())
        return; // our own commit's echo, or already caught up
    if (revision == session.revision() + 1)
        applyShared(session, event);
    else
        catchUp(sessionId); // a gap: the log has what the channel lost
}

void SessionServer::Private::catchUp(const QString &sessionId)
{
    const auto it = sessions.find(sessionId);
    if (it == sessions.end() || !redis)
        return;
    Session &session = *it->second;
    const QStringList events = redis->eventsSince(sessionId, session.revision());
    if (events.isEmpty()) {
        const qint64 length = redis->logLength(sessionId);
        if (length < 0 || length >= session.revision())
            return; // nothing new (or Redis unreachable: the next commit says so)
        // Redis lost what we acknowledged (flushed, restarted without persistence). Serving
        // our copy would fork the history; dropping it makes clients start over (not_found)
        // instead of being silently rewound.
        qCCritical(lcServer) << "storage: the log of" << sessionId << "is shorter than revision"
                             << session.revision() << "; dropping the session here";
        sessions.erase(it);
        return;
    }
    for (const QString &event : events)
        applyShared(session, event);
}

/// An event another node committed: applied to our copy and sent to our followers, as if
/// this node had published it.
void SessionServer::Private::applyShared(Session &session, const QString &event)
{
    Q_ASSERT(transactionDepth == 0);
    const auto decoded = decodeServerFrame(event.toUtf8());
    replay(session, event);
    const auto *frame = std::get_if<ServerFrame>(&decoded);
    const auto *change = frame ? std::get_if<ParticipantChangeEvent>(frame) : nullptr;
    const bool removal = change && change->type == ParticipantChangeEvent::Type::Removed;
    if (change && change->participantType == ParticipantType::User) {
        if (User *user = users.find(change->participantId)) {
            if (removal)
                user->sessionIds.remove(session.id());
            else
                user->sessionIds.insert(session.id());
        }
    }
    deliver(
        { session.id(), session.revision(), event, removal ? change->participantId : QString() });
    if (change && change->type == ParticipantChangeEvent::Type::Added
        && change->actorId != change->participantId) {
        // Added by someone else: its connections here get the state, then the events.
        if (const User *user = users.find(change->participantId)) {
            for (ClientConnection *connection : std::as_const(user->connections))
                sendSnapshot(connection, session);
        }
    }
}

/**
 * Presence across nodes: refreshes the keys of the users connected here, and corrects
 * what the cached sessions say: online where we hold a connection, offline where no node
 * holds one any more (a node that died). Whichever node commits first wins; the others
 * see its event and have nothing left to do.
 */
void SessionServer::Private::sweepPresence()
{
    const int ttlMs = presenceTtlMs();
    QSet<QString> here;
    for (ClientConnection *connection : std::as_const(connections)) {
        if (connection->isSignedIn() && !here.contains(connection->userId)) {
            here.insert(connection->userId);
            redis->setPresence(connection->userId, RedisSessionStore::Presence::Online, ttlMs);
        }
    }
    QHash<QString, Presence> corrections;
    for (const auto &[id, session] : sessions) {
        for (const Participant &participant : session->participants()) {
            if (participant.type != ParticipantType::User || corrections.contains(participant.id))
                continue;
            const User *local = users.find(participant.id);
            if (here.contains(participant.id)) {
                if (participant.presence != Presence::Online)
                    corrections.insert(participant.id, Presence::Online);
            } else if (participant.presence != Presence::Offline && !(local && local->graceTimer)
                && redis->presence(participant.id) == RedisSessionStore::Presence::None) {
                corrections.insert(participant.id, Presence::Offline);
            }
        }
    }
    for (auto it = corrections.cbegin(); it != corrections.cend(); ++it) {
        const QString userId = it.key();
        const Presence presence = it.value();
        transact([this, userId, presence] {
            if (User *user = findUser(userId))
                setPresence(*user, presence);
        });
    }
}
