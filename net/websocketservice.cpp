// SPDX-License-Identifier: MIT
#include "websocketservice.h"

#include "logging.h"

#include <QUuid>

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
    connect(&m_socket, &QWebSocket::binaryMessageReceived, this, [](const QByteArray &data) {
        qCWarning(lcNet) << "ignoring a binary frame of" << data.size() << "bytes";
    });
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
    if (m_socket.state() != QAbstractSocket::UnconnectedState)
        m_socket.abort();
    qCInfo(lcNet) << "connecting to" << m_url.toString();
    setState(State::Connecting);
    m_socket.open(m_url);
}

void WebSocketService::disconnectFromServer()
{
    if (m_socket.state() == QAbstractSocket::UnconnectedState) {
        setState(State::Disconnected);
        return;
    }
    m_socket.close(QWebSocketProtocol::CloseCodeNormal);
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
    m_socket.sendTextMessage(encode(Hello { Version, m_displayName, m_token }));
}

void WebSocketService::onDisconnected()
{
    qCInfo(lcNet) << "disconnected:" << m_socket.closeCode() << m_socket.closeReason();
    // Requests on the wire are lost with the connection; their answers never come.
    // The reliability layer will re-send them; until then they fail now, not never.
    m_lastSnapshots.clear();
    const auto pending = std::exchange(m_pending, {});
    for (auto it = pending.cbegin(); it != pending.cend(); ++it) {
        Reply reply;
        reply.error = Error { it.key(), ErrorCode::Internal, tr("Connection lost") };
        if (it->onReply)
            it->onReply(reply);
        Q_EMIT requestFailed(reply.error);
    }
    setState(State::Disconnected);
    Q_EMIT disconnected();
}

void WebSocketService::onSocketError(QAbstractSocket::SocketError error)
{
    qCWarning(lcNet) << "socket error" << error << m_socket.errorString();
    Q_EMIT errorOccurred(
        tr("Connection to %1 failed: %2").arg(m_url.toDisplayString(), m_socket.errorString()));
}

void WebSocketService::onTextMessage(const QString &text)
{
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
        m_userId = welcome->userId;
        m_token = welcome->token;
        qCInfo(lcNet) << "welcome as" << m_userId;
        setState(State::Connected);
        Q_EMIT welcomed(*welcome);
    } else if (const auto *ack = std::get_if<Ack>(&frame)) {
        Reply reply;
        reply.ok = true;
        reply.ack = *ack;
        finishRequest(ack->requestId, reply);
        Q_EMIT acknowledged(*ack);
    } else if (const auto *error = std::get_if<Error>(&frame)) {
        qCInfo(lcNet) << "error" << toString(error->code) << error->message << error->requestId;
        if (error->code == ErrorCode::UnsupportedProtocol
            || error->code == ErrorCode::NotAuthenticated)
            Q_EMIT errorOccurred(error->message);
        Reply reply;
        reply.error = *error;
        finishRequest(error->requestId, reply);
        Q_EMIT requestFailed(*error);
    } else if (const auto *snapshot = std::get_if<SessionSnapshot>(&frame)) {
        m_lastSnapshots.insert(snapshot->sessionId, *snapshot);
        Q_EMIT sessionSnapshotReceived(*snapshot);
    } else if (const auto *change = std::get_if<ParticipantChangeEvent>(&frame)) {
        Q_EMIT participantChanged(*change);
    } else if (const auto *message = std::get_if<MessageEvent>(&frame)) {
        Q_EMIT messageReceived(*message);
    } else if (const auto *typing = std::get_if<TypingEvent>(&frame)) {
        Q_EMIT typingChanged(*typing);
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

QString WebSocketService::nextRequestId()
{
    return m_requestPrefix + QLatin1Char('-') + QString::number(++m_requestCounter);
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
    if (m_state != State::Connected) {
        Reply reply;
        reply.error = Error { requestId, ErrorCode::NotAuthenticated, tr("Not connected") };
        if (onReply)
            onReply(reply);
        Q_EMIT requestFailed(reply.error);
        return requestId;
    }
    m_pending.insert(requestId, Pending { text, std::move(onReply) });
    m_socket.sendTextMessage(text);
    return requestId;
}

QString WebSocketService::createSession(const QString &title, ReplyHandler onReply)
{
    return sendRequest(CreateSession { {}, title }, std::move(onReply));
}

QString WebSocketService::joinSession(const QString &sessionId, ReplyHandler onReply)
{
    JoinSession join;
    join.sessionId = sessionId;
    return sendRequest(join, std::move(onReply));
}

QString WebSocketService::joinByInvite(const QString &inviteCode, ReplyHandler onReply)
{
    JoinSession join;
    join.inviteCode = inviteCode;
    return sendRequest(join, std::move(onReply));
}

QString WebSocketService::resumeSession(
    const QString &sessionId, const QString &epoch, qint64 sinceRevision, ReplyHandler onReply)
{
    JoinSession join;
    join.sessionId = sessionId;
    join.epoch = epoch;
    join.sinceRevision = sinceRevision;
    return sendRequest(join, std::move(onReply));
}

QString WebSocketService::leaveSession(const QString &sessionId, ReplyHandler onReply)
{
    return sendRequest(LeaveSession { {}, sessionId }, std::move(onReply));
}

QString WebSocketService::sendParticipantAdded(const QString &sessionId, ParticipantType type,
    const QString &participantId, const QString &displayName, ReplyHandler onReply)
{
    return sendRequest(
        AddParticipant { {}, sessionId, type, participantId, displayName }, std::move(onReply));
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
    return sendRequest(CreateInvite { {}, sessionId }, std::move(onReply));
}

QString WebSocketService::listSessions(ReplyHandler onReply)
{
    return sendRequest(ListSessions {}, std::move(onReply));
}

QString WebSocketService::sendMessage(
    const QString &sessionId, const QString &text, ReplyHandler onReply)
{
    return sendRequest(SendMessage { {}, sessionId, text }, std::move(onReply));
}

void WebSocketService::setTyping(const QString &sessionId, bool typing)
{
    if (m_state == State::Connected)
        m_socket.sendTextMessage(encode(SetTyping { sessionId, typing }));
}
