// SPDX-License-Identifier: MIT
#include "worker.h"

#include "procstats.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutexLocker>
#include <QWebSocket>

#include <algorithm>

namespace loadgen {

Worker::Worker(Shared &shared, Callbacks callbacks)
    : m_shared(shared)
    , m_callbacks(std::move(callbacks))
{ }

Worker::~Worker() = default;

void Worker::open(int index, Role role, const QString &inviteCode)
{
    Client &client = m_clients[index];
    client.role = role;
    client.inviteCode = inviteCode;
    client.socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    client.socket->setMaxAllowedIncomingMessageSize(512 * 1024 * 1024);
    client.socket->setMaxAllowedIncomingFrameSize(512 * 1024 * 1024);
    QWebSocket *socket = client.socket;
    connect(socket, &QWebSocket::connected, this, [this, index] {
        if (!m_shared.socketio)
            hello(index);
    });
    connect(socket, &QWebSocket::textMessageReceived, this,
        [this, index](const QString &text) { onText(index, text); });
    connect(socket, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &data) {
        m_lastFrameNs.store(nowNs(), std::memory_order_relaxed);
        if (m_shared.countBytes.load(std::memory_order_relaxed))
            m_bytes.fetch_add(data.size(), std::memory_order_relaxed);
    });
    connect(socket, &QWebSocket::disconnected, this, [this, index, socket] {
        m_callbacks.failed(
            QStringLiteral("client %1 disconnected: %2").arg(index).arg(socket->closeReason()));
    });
    connect(socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
        [this, index, socket](QAbstractSocket::SocketError) {
            m_callbacks.failed(
                QStringLiteral("client %1: %2").arg(index).arg(socket->errorString()));
        });
    socket->open(m_shared.url);
}

void Worker::send(int client, const QJsonObject &frame)
{
    sendText(client, QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact)));
}

void Worker::sendText(int client, const QString &json)
{
    QWebSocket *socket = m_clients[client].socket;
    if (m_shared.socketio)
        socket->sendTextMessage(QStringLiteral("42[\"frame\",") + json + u']');
    else
        socket->sendTextMessage(json);
}

void Worker::hello(int client)
{
    // roster_summary: a server that has it may summarise a large session's roster; the
    // relays ignore the field.
    send(client,
        { { QStringLiteral("type"), QStringLiteral("hello") }, { QStringLiteral("protocol"), 1 },
            { QStringLiteral("displayName"), QStringLiteral("Bench %1").arg(client) },
            { QStringLiteral("features"), QJsonArray { QStringLiteral("roster_summary") } } });
}

void Worker::onText(int client, const QString &text)
{
    const qint64 now = nowNs();
    if (m_shared.countBytes.load(std::memory_order_relaxed))
        m_bytes.fetch_add(text.toUtf8().size(), std::memory_order_relaxed);
    // A heartbeat's digest is not part of a fan-out: waiting for "no frame for 300 ms" must
    // not wait for the heartbeats to stop (helpy-server pings a slice every 100 ms).
    if (text.contains(QLatin1String("\"type\":\"session_digest\"")))
        return;
    m_lastFrameNs.store(now, std::memory_order_relaxed);
    if (m_shared.socketio && !text.startsWith(QLatin1String("42"))) {
        QWebSocket *socket = m_clients[client].socket;
        if (text == QLatin1String("2")) // Engine.IO ping: answer pong
            socket->sendTextMessage(QStringLiteral("3"));
        else if (text.startsWith(u'0')) // Engine.IO open: connect to namespace "/"
            socket->sendTextMessage(QStringLiteral("40"));
        else if (text.startsWith(QLatin1String("40"))) // namespace joined
            hello(client);
        return;
    }
    const bool isAck = text.contains(QLatin1String("\"type\":\"ack\""));
    const bool isError = !isAck && text.contains(QLatin1String("\"type\":\"error\""));
    if (!isAck && !isError && m_shared.running.load(std::memory_order_acquire)) {
        // "bmk#": the relays' ids are base-36 counters, which spell "bmk" now and then.
        const qsizetype at = text.indexOf(QLatin1String("bmk#"));
        if (at >= 0) {
            record(text, at, now);
            return;
        }
        if (text.contains(QLatin1String("\"type\":\"participant_removed\""))) {
            recordRemoval(text, now);
            return;
        }
    }
    if (!isAck && m_shared.participantAddedBytes.load(std::memory_order_relaxed) == 0
        && text.contains(QLatin1String("\"type\":\"participant_added\""))) {
        qint64 none = 0;
        m_shared.participantAddedBytes.compare_exchange_strong(none, text.toUtf8().size());
    }
    if (isAck || isError || text.contains(QLatin1String("\"type\":\"welcome\""))) {
        if (!m_shared.socketio) {
            onAnswer(client, QJsonDocument::fromJson(text.toUtf8()).object());
        } else {
            const QJsonArray array = QJsonDocument::fromJson(text.mid(2).toUtf8()).array();
            onAnswer(client, array.at(1).toObject());
        }
    }
}

void Worker::record(const QString &text, qsizetype at, qint64 now)
{
    qint64 seq = 0;
    for (qsizetype i = at + 4; i < text.size() && text.at(i).isDigit(); ++i)
        seq = seq * 10 + text.at(i).digitValue();
    if (seq < m_shared.seqBase.load(std::memory_order_relaxed))
        return; // a late frame of an earlier phase
    {
        const QMutexLocker lock(&m_receiptsLock);
        m_receipts.push_back({ seq, now, {} });
    }
    countDelivery();
}

void Worker::recordRemoval(const QString &text, qint64 now)
{
    // The helpy's id is the server's: the coordinator knows which change removed it.
    static const QLatin1String key("\"participantId\":\"");
    const qsizetype from = text.indexOf(key);
    if (from < 0)
        return;
    const qsizetype start = from + key.size();
    const QString id = text.mid(start, text.indexOf(u'"', start) - start);
    {
        const QMutexLocker lock(&m_receiptsLock);
        m_receipts.push_back({ -1, now, id });
    }
    countDelivery();
}

void Worker::countDelivery()
{
    const qint64 delivered = m_shared.delivered.fetch_add(1) + 1;
    if (delivered == m_shared.expected.load(std::memory_order_relaxed))
        m_callbacks.allDelivered();
}

std::vector<Receipt> Worker::takeReceipts()
{
    std::vector<Receipt> taken;
    const QMutexLocker lock(&m_receiptsLock);
    taken.swap(m_receipts);
    return taken;
}

void Worker::onAnswer(int index, const QJsonObject &frame)
{
    Client &client = m_clients[index];
    const QString type = frame.value(QLatin1String("type")).toString();
    if (type == QLatin1String("error")) {
        m_callbacks.failed(QStringLiteral("client %1 got error %2: %3")
                               .arg(index)
                               .arg(frame.value(QLatin1String("code")).toString(),
                                   frame.value(QLatin1String("message")).toString()));
        return;
    }
    if (client.done) {
        if (m_callbacks.answered && threadIndex == 0 && type == QLatin1String("ack"))
            m_callbacks.answered(frame.value(QLatin1String("requestId")).toString(),
                frame.value(QLatin1String("participantId")).toString());
        return;
    }
    const QString requestId = frame.value(QLatin1String("requestId")).toString();
    if (type == QLatin1String("welcome")) {
        switch (client.role) {
        case Role::Creator:
            send(index,
                { { QStringLiteral("type"), QStringLiteral("create_session") },
                    { QStringLiteral("requestId"), QStringLiteral("create") },
                    { QStringLiteral("title"), QStringLiteral("Bench") } });
            break;
        case Role::Member:
            send(index,
                { { QStringLiteral("type"), QStringLiteral("join_session") },
                    { QStringLiteral("requestId"), QStringLiteral("join") },
                    { QStringLiteral("inviteCode"), client.inviteCode } });
            break;
        case Role::Idle:
            client.done = true;
            m_callbacks.ready(index);
            break;
        }
    } else if (requestId == QLatin1String("create")) {
        // The creator joins like everyone else, so that it receives the session's events.
        client.sessionId = frame.value(QLatin1String("sessionId")).toString();
        send(index,
            { { QStringLiteral("type"), QStringLiteral("join_session") },
                { QStringLiteral("requestId"), QStringLiteral("creator-join") },
                { QStringLiteral("sessionId"), client.sessionId } });
    } else if (requestId == QLatin1String("creator-join")) {
        send(index,
            { { QStringLiteral("type"), QStringLiteral("create_invite") },
                { QStringLiteral("requestId"), QStringLiteral("invite") },
                { QStringLiteral("sessionId"), client.sessionId } });
    } else if (requestId == QLatin1String("invite")) {
        client.done = true;
        m_callbacks.created(
            index, client.sessionId, frame.value(QLatin1String("inviteCode")).toString());
        m_callbacks.ready(index);
    } else if (requestId == QLatin1String("join")) {
        client.done = true;
        m_callbacks.ready(index);
    }
}

void Worker::startRooms(std::vector<RoomSender> senders, int seconds, qint64 startNs)
{
    std::sort(senders.begin(), senders.end(),
        [](const RoomSender &a, const RoomSender &b) { return a.offsetNs < b.offsetNs; });
    m_senders = std::move(senders);
    m_roomSeconds = seconds;
    m_roomsStartNs = startNs;
    m_nextSend = 0;
    if (m_senders.empty())
        return;
    m_roomsTimer = new QTimer(this);
    m_roomsTimer->setTimerType(Qt::PreciseTimer);
    connect(m_roomsTimer, &QTimer::timeout, this, [this] { onRoomsTick(); });
    m_roomsTimer->start(2);
}

void Worker::onRoomsTick()
{
    const qint64 total = qint64(m_senders.size()) * m_roomSeconds;
    const qint64 now = nowNs();
    while (m_nextSend < total) {
        const qint64 second = m_nextSend / qint64(m_senders.size());
        const RoomSender &sender = m_senders[size_t(m_nextSend % qint64(m_senders.size()))];
        if (m_roomsStartNs + second * 1'000'000'000 + sender.offsetNs > now)
            return;
        const qint64 slot = qint64(sender.room) * m_roomSeconds + second;
        const qint64 seq = m_shared.seqBase.load(std::memory_order_relaxed) + slot;
        const QJsonObject frame { { QStringLiteral("type"), QStringLiteral("send_message") },
            { QStringLiteral("requestId"), QStringLiteral("r%1").arg(seq) },
            { QStringLiteral("sessionId"), m_clients[sender.client].sessionId },
            { QStringLiteral("text"),
                QStringLiteral("bmk#%1 does anyone have the notes from Tuesday's lecture?")
                    .arg(seq) } };
        const QString text = QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact));
        if (slot < m_shared.sendSlots)
            m_shared.sendNs[size_t(slot)].store(nowNs(), std::memory_order_relaxed);
        sendText(sender.client, text);
        ++m_nextSend;
    }
    stopRooms();
}

void Worker::stopRooms()
{
    if (m_roomsTimer) {
        m_roomsTimer->stop();
        m_roomsTimer->deleteLater();
        m_roomsTimer = nullptr;
    }
}

void Worker::shutdown()
{
    stopRooms();
    for (auto &[index, client] : m_clients) {
        if (client.socket) {
            client.socket->disconnect(this);
            client.socket->abort();
            delete client.socket;
            client.socket = nullptr;
        }
    }
    m_clients.clear();
}

} // namespace loadgen
