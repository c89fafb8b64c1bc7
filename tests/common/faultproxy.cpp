// SPDX-License-Identifier: MIT
#include "faultproxy.h"

#include <QDeadlineTimer>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>
#include <deque>

/// One way of a connection: bytes read from `from`, queued, written to `to`.
struct FaultProxy::Direction
{
    struct Chunk
    {
        QDeadlineTimer due;
        QByteArray data;
    };

    QTcpSocket *from = nullptr;
    QTcpSocket *to = nullptr;
    std::deque<Chunk> queue;
    QTimer timer; ///< runs while the front chunk waits for its delay
    bool fromClosed = false; ///< close `to` once the queue has drained, as TCP would
};

/// One proxied connection: the accepted client socket and its upstream socket.
struct FaultProxy::Link
{
    QTcpSocket *client = nullptr;
    QTcpSocket *upstream = nullptr;
    Direction up; ///< client → target
    Direction down; ///< target → client
    bool upstreamStarted = false;
    bool upstreamOpen = false;
    bool dead = false; ///< removed; callbacks still queued for it must do nothing
    qint64 cutBudget = -1; ///< bytes left to forward before a cut; -1: no cut armed
};

FaultProxy::FaultProxy(QObject *parent)
    : QObject(parent)
{
    connect(&m_server, &QTcpServer::newConnection, this, &FaultProxy::onNewConnection);
}

FaultProxy::~FaultProxy()
{
    for (const auto &link : m_links) {
        link->client->disconnect(this);
        link->upstream->disconnect(this);
        link->client->abort();
        link->upstream->abort();
    }
}

bool FaultProxy::listen(const QHostAddress &targetHost, quint16 targetPort)
{
    setTarget(targetHost, targetPort);
    return m_server.listen(QHostAddress::LocalHost, 0);
}

void FaultProxy::setTarget(const QHostAddress &targetHost, quint16 targetPort)
{
    m_targetHost = targetHost;
    m_targetPort = targetPort;
}

quint16 FaultProxy::port() const
{
    return m_server.serverPort();
}

QString FaultProxy::errorString() const
{
    return m_server.errorString();
}

QUrl FaultProxy::proxiedUrl(const QUrl &serverUrl) const
{
    QUrl url = serverUrl;
    url.setHost(QStringLiteral("127.0.0.1"));
    url.setPort(port());
    return url;
}

int FaultProxy::connectionCount() const
{
    return int(m_links.size());
}

void FaultProxy::cutAll()
{
    while (!m_links.empty())
        abortLink(m_links.front().get(), true);
}

void FaultProxy::cut(int index)
{
    if (index >= 0 && index < int(m_links.size()))
        abortLink(m_links.at(std::size_t(index)).get(), true);
}

void FaultProxy::setBlackhole(bool on)
{
    if (m_blackhole == on)
        return;
    m_blackhole = on;
    if (on)
        return;
    // Released in accept order; a pump may remove its link, so iterate over a copy.
    std::vector<Link *> links;
    for (const auto &link : m_links)
        links.push_back(link.get());
    for (Link *link : links) {
        if (link->dead)
            continue;
        if (!link->upstreamStarted)
            connectUpstream(link);
        pump(link, link->up);
        if (!link->dead)
            pump(link, link->down);
    }
}

void FaultProxy::setDelay(int ms)
{
    m_delayMs = std::max(0, ms);
}

void FaultProxy::setRefuse(bool on)
{
    m_refuse = on;
}

void FaultProxy::cutAfterBytes(qint64 bytes)
{
    for (const auto &link : m_links)
        link->cutBudget = std::max<qint64>(0, bytes);
}

void FaultProxy::onNewConnection()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        if (m_refuse) {
            socket->abort();
            socket->deleteLater();
            Q_EMIT connectionRefused();
            continue;
        }
        auto owned = std::make_unique<Link>();
        Link *link = owned.get();
        link->client = socket;
        link->upstream = new QTcpSocket(this);
        link->up.from = link->client;
        link->up.to = link->upstream;
        link->down.from = link->upstream;
        link->down.to = link->client;
        for (Direction *direction : { &link->up, &link->down }) {
            direction->timer.setSingleShot(true);
            direction->timer.setTimerType(Qt::PreciseTimer);
            connect(&direction->timer, &QTimer::timeout, this,
                [this, link, direction] { pump(link, *direction); });
        }
        for (QTcpSocket *side : { link->client, link->upstream }) {
            connect(side, &QTcpSocket::readyRead, this,
                [this, link, side] { onReadyRead(link, directionFrom(link, side)); });
            connect(side, &QTcpSocket::disconnected, this,
                [this, link, side] { onSideClosed(link, directionFrom(link, side)); });
        }
        connect(link->upstream, &QTcpSocket::connected, this, [this, link] {
            link->upstreamOpen = true;
            pump(link, link->up);
        });
        // A target that refuses (or is gone) is a close from the target's side.
        connect(link->upstream, &QTcpSocket::errorOccurred, this, [this, link] {
            if (!link->upstreamOpen && !link->down.fromClosed)
                onSideClosed(link, link->down);
        });
        m_links.push_back(std::move(owned));
        Q_EMIT connectionAccepted();
        Q_EMIT connectionCountChanged(connectionCount());
        if (!m_blackhole)
            connectUpstream(link);
    }
}

void FaultProxy::connectUpstream(Link *link)
{
    link->upstreamStarted = true;
    link->upstream->connectToHost(m_targetHost, m_targetPort);
}

FaultProxy::Direction &FaultProxy::directionFrom(Link *link, QTcpSocket *socket)
{
    return socket == link->client ? link->up : link->down;
}

void FaultProxy::onReadyRead(Link *link, Direction &direction)
{
    QByteArray data = direction.from->readAll();
    if (data.isEmpty())
        return;
    direction.queue.push_back({ QDeadlineTimer(m_delayMs, Qt::PreciseTimer), std::move(data) });
    pump(link, direction);
}

void FaultProxy::pump(Link *link, Direction &direction)
{
    if (link->dead || m_blackhole)
        return;
    if (direction.to == link->upstream && !link->upstreamOpen)
        return; // held until the target accepts
    if (direction.to->state() != QAbstractSocket::ConnectedState) {
        direction.queue.clear(); // the receiving side is gone: nobody left to deliver to
        return;
    }
    while (!direction.queue.empty()) {
        Direction::Chunk &front = direction.queue.front();
        if (!front.due.hasExpired()) {
            const qint64 waitNs = front.due.remainingTimeNSecs();
            direction.timer.start(int(std::max<qint64>(1, (waitNs + 999'999) / 1'000'000)));
            return;
        }
        QByteArray data = std::move(front.data);
        direction.queue.pop_front();
        if (link->cutBudget >= 0 && data.size() >= link->cutBudget) {
            direction.to->write(data.left(link->cutBudget));
            direction.to->flush();
            m_bytesForwarded += link->cutBudget;
            abortLink(link, true);
            return;
        }
        if (link->cutBudget >= 0)
            link->cutBudget -= data.size();
        direction.to->write(data);
        m_bytesForwarded += data.size();
        Q_EMIT forwarded(data.size());
        if (link->dead) // a slot reacting to forwarded() cut it
            return;
    }
    if (direction.fromClosed && direction.to->state() == QAbstractSocket::ConnectedState)
        direction.to->disconnectFromHost();
}

void FaultProxy::onSideClosed(Link *link, Direction &direction)
{
    if (link->dead)
        return;
    onReadyRead(link, direction); // bytes that came with the close
    if (link->dead)
        return;
    direction.fromClosed = true;
    pump(link, direction);
    if (!link->dead && link->up.fromClosed && link->down.fromClosed)
        removeLink(link);
}

void FaultProxy::abortLink(Link *link, bool emitCut)
{
    if (link->dead)
        return;
    link->client->disconnect(this);
    link->upstream->disconnect(this);
    link->client->abort();
    link->upstream->abort();
    removeLink(link);
    if (emitCut)
        Q_EMIT connectionCut();
}

void FaultProxy::removeLink(Link *link)
{
    const auto it = std::find_if(m_links.begin(), m_links.end(),
        [link](const std::unique_ptr<Link> &candidate) { return candidate.get() == link; });
    if (it == m_links.end())
        return;
    link->dead = true;
    link->up.timer.stop();
    link->down.timer.stop();
    link->client->disconnect(this);
    link->upstream->disconnect(this);
    link->client->deleteLater();
    link->upstream->deleteLater();
    // We may be inside one of the link's own signals (a socket's or a timer's): free it later.
    QTimer::singleShot(0, this, [owned = std::shared_ptr<Link>(it->release())] {});
    m_links.erase(it);
    Q_EMIT connectionCountChanged(connectionCount());
}
