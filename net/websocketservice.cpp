// SPDX-License-Identifier: MIT
#include "websocketservice.h"

#include "logging.h"

#include <QNetworkInformation>
#include <QRegularExpression>
#include <QScopedValueRollback>
#include <QUuid>

#include <algorithm>

using namespace Protocol;

WebSocketService::WebSocketService(QObject *parent)
    : QObject(parent)
    , m_requestPrefix(QUuid::createUuid().toString(QUuid::Id128).left(12))
{
    connect(&m_socket, &QWebSocket::connected, this, &WebSocketService::onConnected);
    connect(&m_socket, &QWebSocket::disconnected, this, &WebSocketService::onDisconnected);
    connect(&m_socket, &QWebSocket::textMessageReceived, this, &WebSocketService::onTextMessage);
    // Qt 6.4 has no QWebSocket::errorOccurred.
    connect(&m_socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
        &WebSocketService::onSocketError);
    connect(&m_socket, &QWebSocket::sslErrors, this, &WebSocketService::onSslErrors);
    connect(&m_socket, &QWebSocket::binaryMessageReceived, this, [](const QByteArray &data) {
        qCWarning(lcNet) << "ignoring a binary frame of" << data.size() << "bytes";
    });
    connect(&m_socket, &QWebSocket::pong, this, [this] { m_lastTraffic.restart(); });
    // The upgrade request going out means a TCP connection: a later failure is not a refusal.
    connect(&m_socket, &QWebSocket::bytesWritten, this, [this] {
        if (!m_upgraded)
            m_tcpConnected = true;
    });

    m_reconnectTimer.setSingleShot(true);
    connect(&m_reconnectTimer, &QTimer::timeout, this, &WebSocketService::open);
    m_handshakeTimer.setSingleShot(true);
    m_handshakeTimer.setInterval(10000);
    connect(&m_handshakeTimer, &QTimer::timeout, this, [this] {
        if (!m_reached) {
            qCInfo(lcNet) << "no welcome within" << m_handshakeTimer.interval()
                          << "ms on a first connection; upgraded:" << m_upgraded;
            giveUp(m_upgraded
                    ? tr("%1 is not a Helpy server").arg(address())
                    : tr("Nothing answers at %1 — is the session still hosted?").arg(address()));
            return;
        }
        qCInfo(lcNet) << "no welcome within" << m_handshakeTimer.interval() << "ms; retrying";
        m_socket.abort();
    });
    connect(&m_heartbeatTimer, &QTimer::timeout, this, &WebSocketService::onHeartbeat);

    // Where the platform tells us (NetworkManager), a network that comes back ends the wait.
    if (QNetworkInformation::loadBackendByFeatures(QNetworkInformation::Feature::Reachability)) {
        connect(QNetworkInformation::instance(), &QNetworkInformation::reachabilityChanged, this,
            [this](QNetworkInformation::Reachability reachability) {
                if (reachability == QNetworkInformation::Reachability::Online)
                    onNetworkReachable();
            });
    }
}

WebSocketService::~WebSocketService()
{
    // No signals into a half-destroyed object.
    m_socket.disconnect(this);
    m_socket.abort();
}

void WebSocketService::connectToServer(
    const QUrl &url, const QString &displayName, const QString &token)
{
    m_url = url;
    if (m_url.path().isEmpty() || m_url.path() == QLatin1String("/"))
        m_url.setPath(QLatin1String(EndpointPath));
    m_displayName = displayName;
    m_token = token;
    m_wantConnected = true;
    m_reached = false; // until its welcome, a failure ends the attempt instead of retrying
    m_unconfirmedFingerprint.clear();
    m_backoff.reset();
    m_reconnectTimer.stop();
    // A connection to elsewhere (or a half-open one) is dropped; open() then goes at once.
    if (m_socket.state() != QAbstractSocket::UnconnectedState) {
        const QScopedValueRollback replacing(m_replacing, true);
        m_socket.abort();
    }
    open();
}

void WebSocketService::open()
{
    m_reconnectTimer.stop();
    if (m_socket.state() != QAbstractSocket::UnconnectedState)
        return;
    qCInfo(lcNet) << "connecting to" << m_url.toString() << "attempt" << m_backoff.attempt();
    setState(State::Connecting);
    m_tcpConnected = false;
    m_upgraded = false;
    m_rateLimited = false;
    m_trustRefusal.clear();
    m_handshakeTimer.start();
    m_socket.open(m_url);
}

void WebSocketService::disconnectFromServer()
{
    m_wantConnected = false;
    m_unconfirmedFingerprint.clear();
    m_reconnectTimer.stop();
    m_heartbeatTimer.stop();
    m_handshakeTimer.stop();
    failPending();
    if (m_socket.state() == QAbstractSocket::ConnectedState) {
        m_socket.close(QWebSocketProtocol::CloseCodeNormal);
        return;
    }
    // Still connecting (Cancel): nothing to say goodbye to; stop at once.
    if (m_socket.state() != QAbstractSocket::UnconnectedState)
        m_socket.abort();
    setState(State::Disconnected);
}

void WebSocketService::failPending()
{
    // Nothing will carry the outbox now: its requests fail rather than wait forever.
    const auto pending = std::exchange(m_pending, {});
    for (auto it = pending.cbegin(); it != pending.cend(); ++it) {
        Reply reply;
        reply.error = Error { it.key(), ErrorCode::Internal, tr("Disconnected") };
        if (it->onReply)
            it->onReply(reply);
        Q_EMIT requestFailed(reply.error);
    }
}

void WebSocketService::giveUp(const QString &message)
{
    if (!m_wantConnected)
        return; // already given up (the error and the disconnect both report one failure)
    qCInfo(lcNet) << "giving up on" << m_url.toString() << "before any welcome:" << message;
    m_wantConnected = false;
    m_reconnectTimer.stop();
    m_handshakeTimer.stop();
    failPending();
    if (m_socket.state() != QAbstractSocket::UnconnectedState)
        m_socket.abort();
    setState(State::Disconnected);
    Q_EMIT errorOccurred(message);
}

QString WebSocketService::address() const
{
    const QString host = m_url.host();
    const int port = m_url.port(m_url.scheme() == QLatin1String("wss") ? 443 : 80);
    return (host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host)
        + QLatin1Char(':') + QString::number(port);
}

QString WebSocketService::describeFailure(QAbstractSocket::SocketError error) const
{
    const QString where = address();
    if (refusedAsBusy())
        return tr("%1 is busy — try again in a minute.").arg(where);
    const QString notHelpy = tr("%1 is not a Helpy server").arg(where);
    // Something answered (an HTTP server, a WebSocket without our welcome): not Helpy.
    if (m_upgraded)
        return notHelpy;
    switch (error) {
    case QAbstractSocket::ConnectionRefusedError:
        // Qt reports a refused upgrade (an HTTP 404, a wrong endpoint) as a refusal too.
        return m_tcpConnected ? notHelpy : tr("%1 refused the connection").arg(where);
    case QAbstractSocket::HostNotFoundError:
        return tr("No computer named %1 was found — check the server address.").arg(m_url.host());
    case QAbstractSocket::SocketTimeoutError:
        return tr("Nothing answers at %1 — is the session still hosted?").arg(where);
    default:
        return m_tcpConnected
            ? notHelpy
            : tr("Could not reach %1 — check the network and the address.").arg(where);
    }
}

bool WebSocketService::refusedAsBusy() const
{
    if (m_rateLimited)
        return true;
    if (!m_upgraded)
        return false;
    // Qt 6.4 reads close codes 1012–2999 as 1002 with a reason of its own, so the server's
    // 1013 "try again later" arrives as 1002. Our server sends 1002 itself only after an
    // unsupported_protocol error, which has ended the attempt already. (QWebSocket keeps the
    // last close code until the next close: a drop without a close frame right after a busy
    // refusal reads as busy too; this is only asked before a welcome.)
    const auto code = m_socket.closeCode();
    return code == QWebSocketProtocol::CloseCode(1013)
        || code == QWebSocketProtocol::CloseCodeProtocolError;
}

void WebSocketService::reconnectNow()
{
    if (m_wantConnected && m_state == State::Reconnecting)
        open();
}

void WebSocketService::onNetworkReachable()
{
    if (m_wantConnected && m_state == State::Reconnecting) {
        qCInfo(lcNet) << "the network is back; reconnecting now";
        open();
    }
}

void WebSocketService::scheduleReconnect(int delayMs)
{
    m_reconnectDelayMs = delayMs;
    setState(State::Reconnecting);
    m_reconnectTimer.start(delayMs);
    qCInfo(lcNet) << "reconnecting in" << delayMs << "ms";
    Q_EMIT reconnectScheduled(delayMs);
}

void WebSocketService::onHeartbeat()
{
    // Any traffic counts as alive; a server silent for twice the interval is gone.
    if (m_lastTraffic.elapsed() > 2LL * m_heartbeatSeconds * 1000) {
        qCInfo(lcNet) << "server silent for" << m_lastTraffic.elapsed() << "ms; reconnecting";
        m_socket.abort();
        return;
    }
    m_socket.ping();
}

WebSocketService::State WebSocketService::state() const
{
    return m_state;
}
QString WebSocketService::userId() const
{
    return m_userId;
}
QString WebSocketService::token() const
{
    return m_token;
}
QString WebSocketService::displayName() const
{
    return m_displayName;
}
QUrl WebSocketService::serverUrl() const
{
    return m_url;
}
int WebSocketService::pendingRequestCount() const
{
    return int(m_pending.size());
}

std::optional<SessionSnapshot> WebSocketService::lastSnapshot(const QString &sessionId) const
{
    const auto it = m_lastSnapshots.constFind(sessionId);
    if (it == m_lastSnapshots.cend())
        return std::nullopt;
    return *it;
}

void WebSocketService::forgetSnapshotBefore(
    const QString &sessionId, const QString &epoch, qint64 revision)
{
    // A later event makes the kept snapshot an old state: no one may start from it.
    const auto it = m_lastSnapshots.constFind(sessionId);
    if (it != m_lastSnapshots.cend() && (it->epoch != epoch || it->revision < revision))
        m_lastSnapshots.erase(it);
}

void WebSocketService::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void WebSocketService::onConnected()
{
    qCDebug(lcNet) << "socket open, sending hello";
    m_upgraded = true;
    m_socket.sendTextMessage(encode(Hello { Version, m_displayName, m_token, m_features }));
}

void WebSocketService::onDisconnected()
{
    const auto code = m_socket.closeCode();
    const QString reason = m_socket.closeReason();
    qCInfo(lcNet) << "disconnected:" << code << reason;
    m_heartbeatTimer.stop();
    m_handshakeTimer.stop();
    m_lastSnapshots.clear();
    // Requests on the wire may or may not have reached the server: they stay in the outbox
    // and go again (same requestId) after the resume. Resumes themselves are made afresh.
    for (auto it = m_pending.begin(); it != m_pending.end();) {
        if (it->isResume)
            it = m_pending.erase(it);
        else
            (it++)->sent = false;
    }
    Q_EMIT disconnected();
    if (m_replacing)
        return; // connectToServer() opens the new connection itself
    if (!m_unconfirmedFingerprint.isEmpty())
        return; // confirmCertificate() goes on
    if (!m_trustRefusal.isEmpty()) {
        giveUp(m_trustRefusal);
        return;
    }
    if (m_wantConnected && !m_reached) {
        giveUp(describeFailure(m_socket.error()));
        return;
    }
    if (!m_wantConnected || !m_autoReconnect) {
        m_wantConnected = false;
        setState(State::Disconnected);
        return;
    }
    int delay = m_backoff.nextDelayMs();
    // A server going away names when to come back, spread per client (1001, "retry-after-ms=N").
    static const QRegularExpression retryHint(QStringLiteral("retry-after-ms=(\\d+)"));
    if (const auto match = retryHint.match(reason); match.hasMatch())
        delay = std::min(match.captured(1).toInt(), 60000);
    scheduleReconnect(delay);
}

void WebSocketService::onSocketError(QAbstractSocket::SocketError error)
{
    // Qt's wording is for the log; the user gets describeFailure()'s sentence.
    qCInfo(lcNet) << "socket error" << error << m_socket.errorString()
                  << "tcp connected:" << m_tcpConnected << "upgraded:" << m_upgraded;
    // Replaced, cancelled, or already given up (Qt may report the disconnect first).
    if (m_replacing || !m_wantConnected || !m_unconfirmedFingerprint.isEmpty())
        return;
    if (!m_trustRefusal.isEmpty()) {
        giveUp(m_trustRefusal); // also once reached: a changed certificate is never retried
        return;
    }
    if (!m_reached) {
        giveUp(describeFailure(error));
        return;
    }
    // While retrying, the banner shows the countdown; only the first failure is news.
    if (m_state == State::Reconnecting || m_backoff.attempt() > 0)
        return;
    Q_EMIT errorOccurred(tr("Lost the connection to %1.").arg(address()));
}

void WebSocketService::onSslErrors(const QList<QSslError> &errors)
{
    QSslCertificate certificate;
    for (const QSslError &error : errors) {
        qCInfo(lcNet) << "certificate of" << address() << ":" << error.errorString();
        if (certificate.isNull())
            certificate = error.certificate();
    }
    switch (m_pins.check(address(), certificate)) {
    case CertificatePins::Verdict::Trusted:
        qCInfo(lcNet) << "certificate of" << address() << "is the one pinned";
        m_socket.ignoreSslErrors();
        return;
    case CertificatePins::Verdict::Changed:
        m_trustRefusal = tr("The certificate of %1 is not the one it had before. Someone may be "
                            "listening in, so Helpy did not connect. If the host really changed "
                            "it, ask them for a new invite link.")
                             .arg(address());
        qCWarning(lcNet) << "refusing" << address() << ": certificate sha256"
                         << CertificatePins::fingerprint(certificate) << "is not the pinned"
                         << m_pins.pin(address());
        return; // not ignored: the handshake fails, and onSocketError() says why
    case CertificatePins::Verdict::Unknown:
        break;
    }
    if (certificate.isNull()) {
        m_trustRefusal = tr("%1 sent no certificate Helpy can check.").arg(address());
        return;
    }
    // The handshake fails now; the next attempt, once confirmed, finds the pin.
    m_unconfirmedFingerprint = CertificatePins::fingerprint(certificate);
    m_handshakeTimer.stop(); // a person reads the fingerprint: no deadline
    QMetaObject::invokeMethod(
        this,
        [this, fingerprint = m_unconfirmedFingerprint] {
            if (m_unconfirmedFingerprint == fingerprint)
                Q_EMIT certificateConfirmationNeeded(address(), fingerprint);
        },
        Qt::QueuedConnection);
}

void WebSocketService::confirmCertificate(bool accepted)
{
    const QString fingerprint = std::exchange(m_unconfirmedFingerprint, {});
    if (fingerprint.isEmpty() || !m_wantConnected)
        return;
    if (!accepted) {
        giveUp(tr("Not connected to %1: its certificate was not accepted.").arg(address()));
        return;
    }
    m_pins.setPin(address(), fingerprint);
    if (m_socket.state() != QAbstractSocket::UnconnectedState) {
        const QScopedValueRollback replacing(m_replacing, true);
        m_socket.abort();
    }
    open();
}

void WebSocketService::onTextMessage(const QString &text)
{
    m_lastTraffic.restart();
    const QByteArray utf8 = text.toUtf8();
    auto decoded = decodeServerFrame(utf8);
    if (const auto *error = std::get_if<DecodeError>(&decoded)) {
        qCWarning(lcNet) << "dropping a malformed frame from the server:" << error->message;
        return;
    }
    dispatch(std::get<ServerFrame>(decoded));
}

void WebSocketService::dispatch(const ServerFrame &frame)
{
    if (const auto *welcome = std::get_if<Welcome>(&frame)) {
        m_handshakeTimer.stop();
        m_backoff.reset();
        m_reached = true;
        m_userId = welcome->userId;
        m_token = welcome->token;
        m_heartbeatSeconds = welcome->heartbeatSeconds;
        m_grantedFeatures = welcome->features;
        m_lastTraffic.start();
        if (m_heartbeatSeconds > 0)
            m_heartbeatTimer.start(m_heartbeatSeconds * 1000);
        qCInfo(lcNet) << "welcome as" << m_userId;
        // The outbox as it was before this connection, in send order; sent after the resumes.
        QList<QString> outbox;
        for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it) {
            if (!it->sent)
                outbox.append(it.key());
        }
        std::sort(outbox.begin(), outbox.end(), [this](const QString &a, const QString &b) {
            return m_pending.value(a).order < m_pending.value(b).order;
        });
        setState(State::Connected);
        Q_EMIT welcomed(*welcome); // sessions resume here, before the outbox goes
        flushOutbox(outbox);
    } else if (const auto *ack = std::get_if<Ack>(&frame)) {
        Reply reply;
        reply.ok = true;
        reply.ack = *ack;
        finishRequest(ack->requestId, reply);
        Q_EMIT acknowledged(*ack);
    } else if (const auto *error = std::get_if<Error>(&frame)) {
        qCInfo(lcNet) << "error" << toString(error->code) << error->message << error->requestId;
        // Load shedding aimed at the connection (a hello too many): a close follows.
        if (error->code == ErrorCode::RateLimited && error->requestId.isEmpty())
            m_rateLimited = true;
        if (error->code == ErrorCode::UnsupportedProtocol
            || error->code == ErrorCode::NotAuthenticated) {
            // Before a welcome this ends the first connection (one message, no retry loop).
            if (m_wantConnected && !m_reached)
                giveUp(error->message);
            else
                Q_EMIT errorOccurred(error->message);
        }
        if (error->code == ErrorCode::Unavailable && retryWhenAvailable(error->requestId))
            return; // the same request again, later: no error to show yet
        Reply reply;
        reply.error = *error;
        finishRequest(error->requestId, reply);
        Q_EMIT requestFailed(*error);
    } else if (const auto *snapshot = std::get_if<SessionSnapshot>(&frame)) {
        m_lastSnapshots.insert(snapshot->sessionId, *snapshot);
        Q_EMIT sessionSnapshotReceived(*snapshot);
    } else if (const auto *change = std::get_if<ParticipantChangeEvent>(&frame)) {
        forgetSnapshotBefore(change->sessionId, change->epoch, change->revision);
        Q_EMIT participantChanged(*change);
    } else if (const auto *message = std::get_if<MessageEvent>(&frame)) {
        forgetSnapshotBefore(message->sessionId, message->epoch, message->message.revision);
        Q_EMIT messageReceived(*message);
    } else if (const auto *typing = std::get_if<TypingEvent>(&frame)) {
        Q_EMIT typingChanged(*typing);
    } else if (const auto *digest = std::get_if<SessionDigest>(&frame)) {
        Q_EMIT sessionDigestReceived(*digest);
    } else if (const auto *summary = std::get_if<RosterSummary>(&frame)) {
        forgetSnapshotBefore(summary->sessionId, summary->epoch, summary->revision);
        Q_EMIT rosterSummaryReceived(*summary);
    } else if (const auto *delta = std::get_if<MessageDelta>(&frame)) {
        Q_EMIT messageDeltaReceived(*delta);
    } else if (const auto *settings = std::get_if<SessionSettingsEvent>(&frame)) {
        Q_EMIT sessionSettingsChanged(*settings);
    } else if (const auto *renamed = std::get_if<SessionRenamedEvent>(&frame)) {
        Q_EMIT sessionRenamed(*renamed);
    } else if (const auto *deleted = std::get_if<SessionDeletedEvent>(&frame)) {
        m_lastSnapshots.remove(deleted->sessionId);
        Q_EMIT sessionDeleted(*deleted);
    } else if (const auto *activity = std::get_if<SessionActivity>(&frame)) {
        Q_EMIT sessionActivityReceived(*activity);
    }
}

void WebSocketService::finishRequest(const QString &requestId, const Reply &reply)
{
    auto it = m_pending.find(requestId);
    if (it == m_pending.end())
        return; // an answer to a request of another instance, or already answered
    const ReplyHandler handler = std::move(it->onReply);
    m_pending.erase(it);
    if (handler)
        handler(reply);
}

bool WebSocketService::retryWhenAvailable(const QString &requestId)
{
    auto it = m_pending.find(requestId);
    if (it == m_pending.end())
        return false;
    if (!it->refusedSince.isValid())
        it->refusedSince.start();
    if (it->refusedSince.elapsed() > m_unavailableRetryMs)
        return false;
    const int ceiling = std::min(4000, 250 << std::min(it->unavailableRefusals++, 4));
    const int delay = ceiling / 2 + int(QRandomGenerator::global()->bounded(ceiling / 2 + 1));
    it->sent = false; // a reconnect meanwhile sends it with the outbox
    qCDebug(lcNet) << requestId << "refused as unavailable; again in" << delay << "ms";
    QTimer::singleShot(delay, this, [this, requestId] {
        auto pending = m_pending.find(requestId);
        if (pending == m_pending.end() || pending->sent || m_state != State::Connected)
            return;
        m_socket.sendTextMessage(pending->frameText);
        pending->sent = true;
    });
    return true;
}

QString WebSocketService::nextRequestId()
{
    return m_requestPrefix + QLatin1Char('-') + QString::number(m_requestCounter + 1);
}

QString WebSocketService::sendRequest(ClientFrame frame, ReplyHandler onReply)
{
    QString requestId;
    std::visit(
        [&](auto &f) {
            if constexpr (requires { f.requestId; }) {
                if (f.requestId.isEmpty())
                    f.requestId = nextRequestId();
                requestId = f.requestId;
            }
        },
        frame);
    const QString text = encode(frame);
    if (!m_wantConnected) {
        Reply reply;
        reply.error = Error { requestId, ErrorCode::NotAuthenticated, tr("Not connected") };
        if (onReply)
            onReply(reply);
        Q_EMIT requestFailed(reply.error);
        return requestId;
    }
    const auto *join = std::get_if<JoinSession>(&frame);
    Pending pending { ++m_requestCounter, text, std::move(onReply), false,
        join && join->sinceRevision.has_value(), 0, {} };
    // While (re)connecting the request waits in the outbox; it goes once we are welcomed.
    if (m_state == State::Connected) {
        m_socket.sendTextMessage(text);
        pending.sent = true;
    }
    m_pending.insert(requestId, std::move(pending));
    return requestId;
}

void WebSocketService::flushOutbox(const QList<QString> &requestIds)
{
    for (const QString &requestId : requestIds) {
        auto it = m_pending.find(requestId);
        if (it == m_pending.end() || it->sent)
            continue;
        qCDebug(lcNet) << "re-sending" << requestId;
        m_socket.sendTextMessage(it->frameText);
        it->sent = true;
    }
}

QString WebSocketService::createSession(const QString &title, ReplyHandler onReply)
{
    return sendRequest(CreateSession { {}, title }, std::move(onReply));
}

QString WebSocketService::joinSession(
    const QString &sessionId, ReplyHandler onReply, RosterMode roster)
{
    JoinSession join;
    join.sessionId = sessionId;
    join.roster = roster;
    return sendRequest(join, std::move(onReply));
}

QString WebSocketService::joinByInvite(const QString &inviteCode, ReplyHandler onReply)
{
    JoinSession join;
    join.inviteCode = inviteCode;
    return sendRequest(join, std::move(onReply));
}

QString WebSocketService::resumeSession(const QString &sessionId, const QString &epoch,
    qint64 sinceRevision, ReplyHandler onReply, RosterMode roster)
{
    JoinSession join;
    join.sessionId = sessionId;
    join.epoch = epoch;
    join.sinceRevision = sinceRevision;
    join.roster = roster;
    return sendRequest(join, std::move(onReply));
}

QString WebSocketService::leaveSession(const QString &sessionId, ReplyHandler onReply)
{
    return sendRequest(LeaveSession { {}, sessionId }, std::move(onReply));
}

QString WebSocketService::sendParticipantAdded(const QString &sessionId, ParticipantType type,
    const QString &participantId, const QString &displayName, ReplyHandler onReply)
{
    return sendRequest(AddParticipant { {}, sessionId, type, participantId, displayName, {}, {} },
        std::move(onReply));
}

QString WebSocketService::addHelpy(const QString &sessionId, const QString &displayName,
    const QString &subject, const QString &instructions, ReplyHandler onReply)
{
    return sendRequest(AddParticipant { {}, sessionId, ParticipantType::Helpy, {}, displayName,
                           subject, instructions },
        std::move(onReply));
}

QString WebSocketService::sendParticipantRemoved(
    const QString &sessionId, const QString &participantId, ReplyHandler onReply)
{
    return sendRequest(RemoveParticipant { {}, sessionId, participantId }, std::move(onReply));
}

QString WebSocketService::setRole(
    const QString &sessionId, const QString &participantId, Role role, ReplyHandler onReply)
{
    return sendRequest(SetRole { {}, sessionId, participantId, role }, std::move(onReply));
}

QString WebSocketService::createInvite(const QString &sessionId, ReplyHandler onReply)
{
    return sendRequest(
        CreateInvite { {}, sessionId, std::nullopt, std::nullopt }, std::move(onReply));
}

QString WebSocketService::renameSession(
    const QString &sessionId, const QString &title, ReplyHandler onReply)
{
    return sendRequest(RenameSession { {}, sessionId, title }, std::move(onReply));
}

QString WebSocketService::deleteSession(const QString &sessionId, ReplyHandler onReply)
{
    return sendRequest(DeleteSession { {}, sessionId }, std::move(onReply));
}

QString WebSocketService::listSessions(ReplyHandler onReply)
{
    return sendRequest(ListSessions {}, std::move(onReply));
}

QString WebSocketService::sendMessage(
    const QString &sessionId, const QString &text, ReplyHandler onReply)
{
    return sendRequest(SendMessage { {}, sessionId, text, {} }, std::move(onReply));
}

void WebSocketService::setTyping(const QString &sessionId, bool typing)
{
    if (m_state == State::Connected)
        m_socket.sendTextMessage(encode(SetTyping { sessionId, typing }));
}
