// SPDX-License-Identifier: MIT
#include "sessionserver.h"

#include "clientconnection.h"
#include "logging.h"
#include "session.h"
#include "sessionserver_p.h"

#include <QRandomGenerator>

using namespace Protocol;

SessionServer::Private::Private(SessionServer *q, ServerOptions options)
    : q(q)
    , options(std::move(options))
    , wsServer(QStringLiteral("helpy-server"), QWebSocketServer::NonSecureMode)
    , core(this->options)
{ }

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
    d->core.setStorageFailedHandler([this](const QString &error) { d->onStorageFailed(error); });
}

SessionServer::~SessionServer()
{
    close();
}

bool SessionServer::listen()
{
    QString error;
    if (!d->core.open(&error)) {
        d->storeError = error;
        qCCritical(lcServer).noquote() << "cannot open the storage:" << error;
        return false;
    }
    d->storeError.clear();
    if (!d->wsServer.listen(d->options.address, d->options.port)) {
        qCCritical(lcServer) << "cannot listen on" << d->options.address << d->options.port << ":"
                             << d->wsServer.errorString();
        return false;
    }
    if (d->options.heartbeatSeconds > 0) {
        d->heartbeat.start(d->options.heartbeatSeconds * 1000);
        d->loopClock.start();
    }
    qCInfo(lcServer) << "listening on" << url().toString();
    return true;
}

void SessionServer::close()
{
    d->core.flush(); // what was answered goes out before the goodbye
    d->heartbeat.stop();
    d->loopClock.stop();
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
    d->core.flush();
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
    return d->core.registry().count();
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
    const Session *session = d->core.registry().find(sessionId);
    return session ? session->roster().participants() : QList<Participant>();
}

qint64 SessionServer::revision(const QString &sessionId) const
{
    const Session *session = d->core.registry().find(sessionId);
    return session ? session->revision() : -1;
}

QString SessionServer::epoch(const QString &sessionId) const
{
    const Session *session = d->core.registry().find(sessionId);
    return session ? session->epoch() : QString();
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
        wire(connection);
        qCDebug(lcServer) << "connection from" << connection->peer();
        Q_EMIT q->connectionCountChanged(int(connections.size()));
    }
}

void SessionServer::Private::wire(ClientConnection *connection)
{
    QWebSocket *socket = connection->socket();
    connection->setLoopClock(&loopClock);
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
        socket, &QWebSocket::disconnected, connection, [this, connection] { onClosed(connection); },
        Qt::QueuedConnection);
    QObject::connect(&connection->helloTimer, &QTimer::timeout, connection, [connection] {
        qCInfo(lcServer) << connection->peer() << "sent no hello in time";
        connection->closeWith(
            QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("hello expected"));
    });
    connection->helloTimer.start(options.helloTimeoutMs);
}

void SessionServer::Private::onClosed(ClientConnection *connection)
{
    if (!connections.removeOne(connection))
        return;
    qCDebug(lcServer) << "closed" << connection->peer() << connection->userId;
    core.connectionClosed(connection);
    connection->deleteLater();
    Q_EMIT q->connectionCountChanged(int(connections.size()));
}

void SessionServer::Private::onHeartbeat()
{
    QStringList usersHere;
    for (const ClientConnection *connection : std::as_const(connections)) {
        if (connection->isSignedIn())
            usersHere.append(connection->userId);
    }
    core.heartbeat(usersHere);
    // Silence counts only while our loop ran (LoopClock): after a stall of ours, every peer
    // would look silent, since we read nobody meanwhile.
    const qint64 deadAfterMs = 2LL * options.heartbeatSeconds * 1000;
    QList<ClientConnection *> silent;
    for (ClientConnection *connection : std::as_const(connections)) {
        if (connection->silentForMs() > deadAfterMs)
            silent.append(connection);
    }
    dropSilent(silent);
    const auto all = connections;
    for (ClientConnection *connection : all) {
        connection->socket()->ping();
        // With each heartbeat, a digest per followed session lets clients prove they match.
        for (auto it = connection->subscriptions.cbegin(); it != connection->subscriptions.cend();
             ++it) {
            if (const Session *session = core.registry().find(it.key())) {
                connection->send(encode(SessionDigest {
                    it.key(), session->epoch(), session->revision(), session->roster().hash() }));
            }
        }
    }
}

void SessionServer::Private::dropSilent(QList<ClientConnection *> silent)
{
    if (silent.isEmpty())
        return;
    const qsizetype share
        = connections.size() * std::max(0, options.silentDropsPercentPerHeartbeat) / 100;
    const qsizetype now = std::min(silent.size(), std::max<qsizetype>(1, share));
    std::sort(silent.begin(), silent.end(), [](ClientConnection *a, ClientConnection *b) {
        return a->silentForMs() > b->silentForMs();
    });
    if (now < silent.size())
        qCWarning(lcServer) << silent.size() << "peers are silent; dropping" << now
                            << "now, the others at the next heartbeats if still silent";
    for (qsizetype i = 0; i < now; ++i) {
        ClientConnection *connection = silent.at(i);
        qCInfo(lcServer) << connection->peer() << "silent for" << connection->silentForMs()
                         << "ms; dropping it";
        connection->socket()->abort();
        onClosed(connection); // abort() may not emit disconnected for a dead peer
    }
}

void SessionServer::Private::sendError(
    ClientConnection *connection, const QString &requestId, ErrorCode code, const QString &message)
{
    connection->send(encode(Error { requestId, code, message }));
}

void SessionServer::Private::onTextMessage(ClientConnection *connection, const QString &text)
{
    connection->markAlive();
    if (core.storageFailed())
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
    User *user = core.signedInUser(connection->userId);
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
    core.handleRequest(connection, *user, frame);
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
    const User *user = core.signIn(connection, hello);
    if (!user)
        return; // could not be stored
    qCInfo(lcServer) << connection->peer() << "is" << user->id << user->displayName;
    connection->send(encode(Welcome { Version, user->id, user->token,
        QDateTime::currentDateTimeUtc(), options.heartbeatSeconds }));
}

void SessionServer::Private::onStorageFailed(const QString &error)
{
    const auto all = connections;
    for (ClientConnection *connection : all)
        connection->closeWith(
            QWebSocketProtocol::CloseCodeAbnormalDisconnection, QStringLiteral("storage failure"));
    Q_EMIT q->storageFailed(error);
}
