// SPDX-License-Identifier: MIT
#include "sessionserver.h"

#include "clientconnection.h"
#include "forwardedfor.h"
#include "logging.h"
#include "metrics.h"
#include "plainwebsocket.h"
#include "session.h"
#include "sessionserver_p.h"
#include "tlscredentials.h"

#include <QFileInfo>
#include <QRandomGenerator>
#include <QWebSocket>

#include <algorithm>
#include <cerrno>
#include <limits>

#ifdef Q_OS_UNIX
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#endif

using namespace Protocol;

namespace {
/// A session's roster hash is computed for heartbeats at most this often
/// (Session::heartbeatDigest): at N = 5,000 a hash is 0.6 ms, and a join storm changes the
/// roster between any two heartbeat ticks (10 ms).
constexpr qint64 kHeartbeatHashIntervalMs = 100;
} // namespace

SessionServer::Private::Private(SessionServer *q, ServerOptions options)
    : q(q)
    , options(std::move(options))
    , wsServer(QStringLiteral("helpy-server"),
          this->options.tlsCertificatePath.isEmpty() ? QWebSocketServer::NonSecureMode
                                                     : QWebSocketServer::SecureMode)
    , core(this->options)
    , budgets(this->options)
{
    wsServer.setHandshakeTimeout(this->options.handshakeTimeoutMs); // wss://: Qt's own
    handshakeDeadlines.setTimeoutMs(this->options.handshakeTimeoutMs); // ws://: ours
    incoming.cap = this->options.maxIncomingBytesTotal;
    helloDeadlines.setTimeoutMs(this->options.helloTimeoutMs);
    heartbeatSlots.resize(size_t(heartbeatSchedule.slotCount()));
    heartbeat.setSingleShot(true);
    heartbeatClock.start();
    ServerMetrics &metrics = core.metrics();
    metrics.addGauge("helpy_connections", "WebSocket connections open now.",
        [this] { return double(connections.size()); });
    metrics.addGauge("helpy_sessions", "Sessions this node holds in memory.",
        [this] { return double(core.registry().count()); });
    metrics.addGauge("helpy_incoming_bytes",
        "Bytes of incomplete messages and handshakes held, all ws:// connections.",
        [this] { return double(incoming.held); });
    metrics.addGauge("helpy_lingering_closes",
        "ws:// connections the server ended, reading what the peer still sends before closing.",
        [this] { return double(tcpServer.lingeringCloses().count()); });
    metrics.addGauge("helpy_queued_bytes", "Bytes queued unsent to slow readers, all connections.",
        [this] { return double(budgets.queuedBytes()); });
}

SessionServer::SessionServer(ServerOptions options, QObject *parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this, std::move(options)))
{
    connect(&d->wsServer, &QWebSocketServer::newConnection, this, [this] { d->onNewConnection(); });
    connect(
        &d->tcpServer, &DirectTcpServer::socketAccepted, this, [this] { d->onTcpConnection(); });
    const auto acceptFailed = [](QAbstractSocket::SocketError error) {
        qCWarning(lcServer) << "accept failed:" << error;
    };
    connect(&d->wsServer, &QWebSocketServer::acceptError, this, acceptFailed);
    connect(&d->tcpServer, &QTcpServer::acceptError, this, acceptFailed);
    // A failed handshake (a plain ws:// client, a guest refusing the certificate) is theirs.
    connect(&d->wsServer, &QWebSocketServer::peerVerifyError, this,
        [](const QSslError &error) { qCDebug(lcServer) << "TLS peer:" << error.errorString(); });
    connect(&d->heartbeat, &QTimer::timeout, this, [this] { d->onHeartbeat(); });
    d->core.setStorageFailedHandler([this](const QString &error) { d->onStorageFailed(error); });
    d->budgets.setQueueOverflowHandler([this] { d->shedSlowReaders(); });
}

SessionServer::~SessionServer()
{
    close();
    // Connections report to the budgets and refused sockets to the front end: they go first.
    const auto children = findChildren<QObject *>(Qt::FindDirectChildrenOnly);
    for (QObject *child : children) {
        if (qobject_cast<ClientConnection *>(child) || qobject_cast<FrameSocket *>(child))
            delete child;
    }
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
    d->tlsError.clear();
    if (isSecure()) {
        const auto tls = TlsCredentials::load(
            d->options.tlsCertificatePath, d->options.tlsKeyPath, &d->tlsError);
        if (!tls) {
            qCCritical(lcServer).noquote() << "cannot serve TLS:" << d->tlsError;
            return false;
        }
        d->wsServer.setSslConfiguration(*tls);
    }
    const bool listening = isSecure() ? d->wsServer.listen(d->options.address, d->options.port)
                                      : d->tcpServer.listen(d->options.address, d->options.port);
    if (!listening) {
        qCCritical(lcServer) << "cannot listen on" << d->options.address << d->options.port << ":"
                             << errorString();
        return false;
    }
    // ClientConnection::send hands a frame to the kernel as soon as it is made: with Nagle's
    // algorithm the next small frame (a join's ack after its snapshot) would wait for the
    // peer's delayed acknowledgement of the first, up to 40 ms per request. Accepted sockets
    // inherit the option from the listening one (Linux, the BSDs); DirectTcpServer's (ws://)
    // set it themselves as well.
#ifdef Q_OS_UNIX
    const int noDelay = 1;
    const qintptr listener
        = isSecure() ? d->wsServer.socketDescriptor() : d->tcpServer.socketDescriptor();
    if (::setsockopt(int(listener), IPPROTO_TCP, TCP_NODELAY, &noDelay, sizeof noDelay) != 0)
        qCWarning(lcServer) << "cannot set TCP_NODELAY on the listening socket:"
                            << qt_error_string(errno);
#endif
    if (d->options.heartbeatSeconds > 0) {
        d->heartbeatSchedule.start(d->heartbeatClock.elapsed());
        d->armHeartbeat();
        d->loopClock.start();
    }
    qCInfo(lcServer) << "listening on" << url().toString();
    return true;
}

void SessionServer::close()
{
    d->core.flush(); // what was answered goes out before the goodbye
    d->heartbeat.stop();
    d->heartbeatSchedule.stop();
    d->loopClock.stop();
    if (d->wsServer.isListening())
        d->wsServer.close();
    if (d->tcpServer.isListening())
        d->tcpServer.close();
    // Each client gets its own retry time, so that they do not all come back at once.
    const auto connections = d->connections;
    for (ClientConnection *connection : connections) {
        if (connection->closing)
            continue;
        const int retryAfterMs = QRandomGenerator::global()->bounded(500, 5000);
        connection->closing = true;
        // A peer already gone (its disconnect not yet handled) has nothing to be told.
        if (connection->socket()->isOpen()) {
            connection->closeWith(QWebSocketProtocol::CloseCodeGoingAway,
                QStringLiteral("server going away; retry-after-ms=%1").arg(retryAfterMs));
            connection->socket()->flush();
        }
        // Their users' presence is recorded now, while the store is still there.
        d->core.connectionClosed(connection);
        // The socket stays (its frames read and dropped) until the peer answers the close:
        // closing it with unread bytes would reset the TCP connection, and a client that
        // was sending would see 1006 instead of this close frame.
        connection->abortAfter(2000);
    }
    d->core.flush();
}

bool SessionServer::isSecure() const
{
    return d->secure();
}

bool SessionServer::isListening() const
{
    return d->listening();
}
quint16 SessionServer::port() const
{
    return isSecure() ? d->wsServer.serverPort() : d->tcpServer.serverPort();
}
QString SessionServer::errorString() const
{
    if (!d->tlsError.isEmpty())
        return d->tlsError;
    if (!d->storeError.isEmpty())
        return d->storeError;
    return isSecure() ? d->wsServer.errorString() : d->tcpServer.errorString();
}
void SessionServer::setHelpyBackend(
    const QString &endpoint, const QString &model, const QString &apiKey)
{
    // The tutor runtime reads these for each question: the next one uses them.
    d->options.helpyEndpoint = endpoint;
    d->options.helpyModel = model;
    d->options.helpyApiKey = apiKey;
}

const ServerOptions &SessionServer::options() const
{
    return d->options;
}
ServerMetrics &SessionServer::metrics()
{
    return d->core.metrics();
}

QString SessionServer::healthProblem() const
{
    if (!d->storageFailure.isEmpty())
        return tr("storage failed: %1").arg(d->storageFailure);
    if (!d->listening())
        return tr("not serving (not listening, or shutting down)");
    const QFileInfo file(d->options.dataPath);
    if (!d->options.dataPath.isEmpty() && d->options.redisUrl.isEmpty() && !file.isWritable())
        return tr("storage not writable: %1").arg(d->options.dataPath);
    return {};
}

QString SessionServer::healthWarning() const
{
    if (!d->core.storageAvailable())
        return tr("storage unavailable: changes are refused as unavailable until it answers");
    return {};
}

qint64 SessionServer::incomingBytes() const
{
    return d->incoming.held;
}

int SessionServer::lingeringCloses() const
{
    return int(d->tcpServer.lingeringCloses().count());
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
    url.setScheme(isSecure() ? QStringLiteral("wss") : QStringLiteral("ws"));
    QHostAddress address = isSecure() ? d->wsServer.serverAddress() : d->tcpServer.serverAddress();
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

void SessionServer::Private::pauseAccepting()
{
    if (secure())
        wsServer.pauseAccepting();
    else
        tcpServer.pauseAccepting();
}

void SessionServer::Private::resumeAccepting()
{
    if (secure())
        wsServer.resumeAccepting();
    else
        tcpServer.resumeAccepting();
}

void SessionServer::Private::onTcpConnection()
{
    while (DirectTcpSocket *socket = tcpServer.takeSocket()) {
        auto *webSocket = new PlainWebSocket(socket, &incoming, q);
        const quint64 serial = ++handshakeSerial;
        handshaking.insert(serial, webSocket);
        // Until upgraded, the front end only waits (within the deadline) and forgets the
        // socket if it fails its handshake; these connections go at the upgrade.
        QObject::connect(webSocket, &PlainWebSocket::upgraded, q, [this, webSocket, serial] {
            handshaking.remove(serial);
            QObject::disconnect(webSocket, nullptr, q, nullptr);
            accept(webSocket, webSocket->requestPath(), webSocket->forwardedFor());
        });
        QObject::connect(webSocket, &FrameSocket::disconnected, q, [this, webSocket, serial] {
            handshaking.remove(serial);
            webSocket->deleteLater();
        });
        handshakeDeadlines.add(serial);
    }
}

void SessionServer::Private::onHandshakeDeadline(const quint64 &serial)
{
    PlainWebSocket *socket = handshaking.take(serial);
    if (!socket)
        return; // upgraded, or gone
    qCInfo(lcServer) << "no WebSocket handshake in time from" << socket->peerAddress();
    socket->abort(); // disconnected: deleted
}

void SessionServer::Private::onNewConnection()
{
    while (QWebSocket *socket = wsServer.nextPendingConnection()) {
        const QString path = socket->requestUrl().path();
        const QByteArray forwardedFor = socket->request().rawHeader("X-Forwarded-For");
        accept(new QtFrameSocket(socket, q), path, forwardedFor);
    }
}

void SessionServer::Private::accept(
    FrameSocket *socket, const QString &path, const QByteArray &forwardedFor)
{
    if (path != QLatin1String(EndpointPath)) {
        qCInfo(lcServer) << "refusing" << path << "(endpoint is /v1)";
        refuse(socket, QWebSocketProtocol::CloseCodePolicyViolated,
            QStringLiteral("unknown endpoint; use /v1"));
        return;
    }
    if (connections.size() >= budgets.maxConnections()) {
        const QString reason = QStringLiteral("server full (%1 connections); try again later")
                                   .arg(budgets.maxConnections());
        logRefusal(socket->peerAddress().toString(), reason);
        refuse(socket, QWebSocketProtocol::CloseCode(1013), reason);
        return;
    }
    auto *connection
        = new ClientConnection(socket, options.maxPendingBytes, options.slowReaderGraceMs, q);
    connection->setAddress(
        ForwardedFor::clientAddress(socket->peerAddress(), forwardedFor, options.trustedProxies));
    addConnection(connection);
    wire(connection);
    connection->meterBacklog(&budgets);
    qCDebug(lcServer) << "connection from" << connection->peer();
    Q_EMIT q->connectionCountChanged(int(connections.size()));
}

void SessionServer::Private::addConnection(ClientConnection *connection)
{
    // Round robin: connections arriving together are spread over the whole interval.
    connection->heartbeatSlot = nextHeartbeatSlot;
    nextHeartbeatSlot = (nextHeartbeatSlot + 1) % heartbeatSchedule.slotCount();
    bool broughtForward = false;
    const qint64 msUntilPing = heartbeatSchedule.msUntil(
        connection->heartbeatSlot, heartbeatClock.elapsed(), &broughtForward);
    connection->skipNextPing = msUntilPing < 1000;
    if (broughtForward)
        armHeartbeat(); // its slot comes before the one the timer waits for
    heartbeatSlots[connection->heartbeatSlot].append(connection);
    connections.append(connection);
}

void SessionServer::Private::refuse(
    FrameSocket *socket, QWebSocketProtocol::CloseCode code, const QString &reason)
{
    ++refusing;
    if (refusing == MaxRefusing && listening()) {
        qCWarning(lcServer) << refusing << "connections being refused; pausing accepting";
        pauseAccepting();
    }
    socket->setParent(q);
    socket->close(code, reason);
    socket->flush();
    QObject::connect(socket, &FrameSocket::disconnected, socket, &QObject::deleteLater);
    QObject::connect(socket, &QObject::destroyed, q, [this] {
        if (--refusing < MaxRefusing / 2 && listening())
            resumeAccepting();
    });
    QTimer::singleShot(RefusedAbortAfterMs, socket, &FrameSocket::abort);
}

void SessionServer::Private::logRefusal(const QString &peer, const QString &reason)
{
    // A flood must not become a flood of log lines.
    ++refusalsNotLogged;
    if (refusalLogClock.isValid() && refusalLogClock.elapsed() < 1000)
        return;
    qCWarning(lcServer).noquote() << "refused" << peer << "-" << reason << "(" << refusalsNotLogged
                                  << "refusal(s) since the last line)";
    refusalsNotLogged = 0;
    refusalLogClock.start();
}

void SessionServer::Private::wire(ClientConnection *connection)
{
    FrameSocket *socket = connection->socket();
    connection->setLoopClock(&loopClock);
    // ws:// refuses a message over the protocol's limit on its frame's header, so nothing of
    // it is held, and lets us say why first. wss:// (Qt's reader) cuts messages over the hard
    // limit (1009, nothing said); below it onTextMessage answers too_large.
    const bool ownReader = qobject_cast<PlainWebSocket *>(socket) != nullptr;
    socket->setMaxIncomingMessageSize(
        ownReader ? options.limits.maxFrameBytes : options.hardFrameLimit);
    QObject::connect(socket, &FrameSocket::messageTooLarge, connection,
        [this, connection](qint64 bytes) { refuseTooLarge(connection, bytes); });
    QObject::connect(socket, &FrameSocket::textMessageReceived, connection,
        [this, connection](const QString &text) { onTextMessage(connection, text); });
    QObject::connect(socket, &FrameSocket::binaryMessageReceived, connection,
        [this, connection](const QByteArray &) {
            connection->markAlive();
            if (connection->closing || !chargeStrayFrame(connection))
                return;
            sendError(connection, {}, ErrorCode::BadRequest,
                QStringLiteral("binary frames are not supported; send JSON text"));
        });
    QObject::connect(
        socket, &FrameSocket::pong, connection, [connection] { connection->markAlive(); });
    // Queued: a write that finds the peer gone (flush() in the middle of a fan-out)
    // reports the disconnect synchronously, and the fan-out must not change under it.
    QObject::connect(
        socket, &FrameSocket::disconnected, connection,
        [this, connection] { onClosed(connection); }, Qt::QueuedConnection);
    expectHello(connection);
}

void SessionServer::Private::expectHello(ClientConnection *connection)
{
    helloDeadlines.add(connection);
}

void SessionServer::Private::helloReceived(ClientConnection *connection)
{
    helloDeadlines.remove(connection);
}

void SessionServer::Private::onHelloDeadline(ClientConnection *connection)
{
    qCInfo(lcServer) << connection->peer() << "sent no hello in time";
    connection->closeWith(
        QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("hello expected"));
}

void SessionServer::Private::onClosed(ClientConnection *connection)
{
    if (!connections.removeOne(connection))
        return;
    heartbeatSlots[connection->heartbeatSlot].removeOne(connection);
    helloReceived(connection); // or never will be
    qCDebug(lcServer) << "closed" << connection->peer() << connection->userId;
    if (!connection->closing) // else recorded by close()
        core.connectionClosed(connection);
    if (connection->wasShed()) {
        core.metrics().countSlowReaderClosed();
        QObject::connect(connection, &QObject::destroyed, [] { Budgets::returnFreedMemory(); });
    }
    connection->deleteLater();
    Q_EMIT q->connectionCountChanged(int(connections.size()));
}

void SessionServer::Private::onHeartbeat()
{
    const int slot = heartbeatSchedule.slot();
    heartbeatSchedule.advance([this](int next) { return !heartbeatSlots[size_t(next)].isEmpty(); },
        heartbeatClock.elapsed());
    armHeartbeat();
    if (slot == 0) {
        // Who is here matters to the other nodes only (presence claims): a single node does
        // not walk every connection for it (1.3 ms at 10,000 connections).
        QStringList usersHere;
        if (core.isClustered()) {
            for (const ClientConnection *connection : std::as_const(connections)) {
                if (connection->isSignedIn())
                    usersHere.append(connection->userId);
            }
        }
        core.heartbeat(usersHere);
        // Silence counts only while our loop ran (LoopClock): after a stall of ours, every
        // peer would look silent, since we read nobody meanwhile.
        const qint64 deadAfterMs = 2LL * options.heartbeatSeconds * 1000;
        // The clocks are read once for the scan, not twice per connection: with the list
        // above, this tick cost 4.4-5.2 ms of CPU at 10,000 connections, now 0.5-0.7 ms.
        const ClientConnection::Now now = ClientConnection::now(&loopClock);
        QList<ClientConnection *> silent;
        for (ClientConnection *connection : std::as_const(connections)) {
            if (connection->silentForMs(now) > deadAfterMs)
                silent.append(connection);
        }
        dropSilent(silent, now);
    }
    pingSlice(slot);
}

void SessionServer::Private::armHeartbeat()
{
    if (heartbeatSchedule.isRunning())
        heartbeat.start(int(heartbeatSchedule.msUntilDue(heartbeatClock.elapsed())));
}

void SessionServer::Private::pingSlice(int slot)
{
    // One digest text per session for the whole slice (a session's members share it).
    QHash<QString, QString> digests;
    // A copy: a frame sent may find its peer gone, which takes it off the slot.
    const auto slice = heartbeatSlots[slot];
    for (ClientConnection *connection : slice) {
        if (std::exchange(connection->skipNextPing, false))
            continue;
        connection->ping();
        // With each heartbeat, a digest per followed session lets clients prove they match.
        for (auto it = connection->subscriptions.cbegin(); it != connection->subscriptions.cend();
             ++it) {
            auto digest = digests.find(it.key());
            if (digest == digests.end()) {
                const Session *session = core.registry().find(it.key());
                if (!session)
                    continue;
                digest = digests.insert(it.key(),
                    encode(session->heartbeatDigest(
                        heartbeatClock.elapsed(), kHeartbeatHashIntervalMs)));
            }
            connection->send(*digest);
        }
    }
}

void SessionServer::Private::dropSilent(
    QList<ClientConnection *> silent, const ClientConnection::Now &clocks)
{
    if (silent.isEmpty())
        return;
    const qsizetype share
        = connections.size() * std::max(0, options.silentDropsPercentPerHeartbeat) / 100;
    const qsizetype now = std::min(silent.size(), std::max<qsizetype>(1, share));
    // Only the `now` most silent are needed first: a mass silence sorts no more than them.
    std::partial_sort(silent.begin(), silent.begin() + now, silent.end(),
        [&clocks](ClientConnection *a, ClientConnection *b) {
            return a->silentForMs(clocks) > b->silentForMs(clocks);
        });
    if (now < silent.size())
        qCWarning(lcServer) << silent.size() << "peers are silent; dropping" << now
                            << "now, the others at the next heartbeats if still silent";
    for (qsizetype i = 0; i < now; ++i) {
        ClientConnection *connection = silent.at(i);
        qCInfo(lcServer) << connection->peer() << "silent for" << connection->silentForMs(clocks)
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

void SessionServer::Private::refuseTooLarge(ClientConnection *connection, qint64 bytes)
{
    if (connection->closing)
        return;
    // Debug, as other protocol violations: on ws:// a 14-byte header is enough to be refused.
    qCDebug(lcServer) << connection->peer() << "sent a frame of" << bytes << "bytes";
    sendError(connection, {}, ErrorCode::TooLarge,
        QStringLiteral("frame of %1 bytes exceeds the limit of %2 bytes")
            .arg(bytes)
            .arg(options.limits.maxFrameBytes));
    connection->closeWith(
        QWebSocketProtocol::CloseCodeTooMuchData, QStringLiteral("frame too large"));
}

void SessionServer::Private::onTextMessage(ClientConnection *connection, const QString &text)
{
    connection->markAlive();
    if (core.storageFailed() || connection->closing)
        return;
    const QByteArray utf8 = text.toUtf8();
    if (utf8.size() > options.limits.maxFrameBytes) {
        refuseTooLarge(connection, utf8.size());
        return;
    }
    auto decoded = decodeClientFrame(utf8, options.limits);
    if (const auto *error = std::get_if<DecodeError>(&decoded)) {
        qCDebug(lcServer) << connection->peer() << "bad frame:" << error->message;
        if (!chargeStrayFrame(connection))
            return;
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
        if (!chargeStrayFrame(connection))
            return;
        sendError(connection, requestIdOf(frame), ErrorCode::NotAuthenticated,
            QStringLiteral("send hello first"));
        return;
    }
    if (!budgets.tryRequest(user->id, connection->address())) {
        core.metrics().countRateLimited(ServerMetrics::Budget::Request);
        sendError(connection, requestIdOf(frame), ErrorCode::RateLimited,
            QStringLiteral("more than %1 requests a second from this user or %2 from this "
                           "address")
                .arg(options.maxRequestsPerSecond)
                .arg(budgets.requestsPerSecondPerAddress()));
        return;
    }
    core.handleRequest(connection, *user, frame);
}

bool SessionServer::Private::chargeStrayFrame(ClientConnection *connection)
{
    if (budgets.tryStrayFrame(connection->address()))
        return true;
    core.metrics().countRateLimited(ServerMetrics::Budget::StrayFrame);
    const QString reason = QStringLiteral("too many bad frames from this address");
    logRefusal(connection->peer(), reason);
    sendError(connection, {}, ErrorCode::RateLimited, reason);
    connection->closeWith(QWebSocketProtocol::CloseCodePolicyViolated, reason);
    return false;
}

bool SessionServer::Private::admitHello(ClientConnection *connection, const Hello &hello)
{
    QString reason;
    ErrorCode code = ErrorCode::RateLimited;
    if (!budgets.tryHello(connection->address())) {
        core.metrics().countRateLimited(ServerMetrics::Budget::Hello);
        reason = QStringLiteral("more than %1 hellos a second from this address; try again later")
                     .arg(options.maxHellosPerSecondPerAddress);
    } else if (const User *known = core.registry().users().findByToken(hello.token);
               known && known->connections.size() >= options.maxConnectionsPerUser) {
        code = ErrorCode::LimitExceeded;
        reason = QStringLiteral("more than %1 connections for this user; try again later")
                     .arg(options.maxConnectionsPerUser);
    } else {
        return true;
    }
    logRefusal(connection->peer(), reason);
    sendError(connection, {}, code, reason);
    connection->closeWith(QWebSocketProtocol::CloseCode(1013), reason);
    return false;
}

void SessionServer::Private::shedSlowReaders()
{
    // Those closed already free their bytes soon: only the rest must come under the target.
    QList<ClientConnection *> candidates;
    qint64 remaining = budgets.queuedBytes();
    for (ClientConnection *connection : std::as_const(connections)) {
        if (connection->wasShed())
            remaining -= connection->backlog();
        else if (connection->backlog() > 0)
            candidates.append(connection);
    }
    std::sort(candidates.begin(), candidates.end(),
        [](const ClientConnection *a, const ClientConnection *b) {
            return a->backlog() > b->backlog();
        });
    int shed = 0;
    for (ClientConnection *connection : std::as_const(candidates)) {
        if (remaining <= budgets.queueTarget())
            break;
        remaining -= connection->backlog();
        connection->shed(std::min(options.slowReaderGraceMs, RefusedAbortAfterMs));
        ++shed;
    }
    if (shed == 0)
        return; // those closed already are on their way out
    qCWarning(lcServer) << budgets.queuedBytes() << "bytes queued to slow readers (cap"
                        << options.maxQueuedBytesTotal << "); closed the" << shed
                        << "largest backlog(s) with 1013";
}

void SessionServer::Private::handleHello(ClientConnection *connection, const Hello &hello)
{
    if (!admitHello(connection, hello))
        return;
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
    helloReceived(connection);
    const User *user = core.signIn(connection, hello);
    if (!user)
        return; // could not be stored
    qCInfo(lcServer) << connection->peer() << "is" << user->id << user->displayName;
    // The features this server knows; the others are ignored (docs/protocol.md).
    QStringList granted;
    connection->rosterSummary = hello.features.contains(QLatin1String(Feature::RosterSummary));
    if (connection->rosterSummary)
        granted.append(QLatin1String(Feature::RosterSummary));
    connection->send(encode(Welcome { Version, user->id, user->token,
        QDateTime::currentDateTimeUtc(), options.heartbeatSeconds, granted }));
}

void SessionServer::Private::onStorageFailed(const QString &error)
{
    storageFailure = error.isEmpty() ? QStringLiteral("unknown error") : error;
    const auto all = connections;
    for (ClientConnection *connection : all)
        // 1006 may not be sent (RFC 6455 §7.4.1): 1011, with a reason a client can show.
        connection->closeWith(QWebSocketProtocol::CloseCodeBadOperation,
            QStringLiteral("storage failure; the server stops answering"));
    Q_EMIT q->storageFailed(error);
}
