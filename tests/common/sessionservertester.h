// SPDX-License-Identifier: MIT
#pragma once

#include "clientconnection.h"
#include "sessionserver.h"
#include "sessionserver_p.h"

#include <QHash>
#include <QStringList>
#include <QWebSocket>

#include <memory>
#include <utility>

/**
 * @brief A connection without a network: what the server sends it is captured, and a close
 * is only noted. Never wired to a socket, so its hello timer never runs either.
 */
class CapturedConnection final : public ClientConnection
{
public:
    CapturedConnection(
        const ServerOptions &options, std::shared_ptr<QStringList> capture, QObject *parent)
        : ClientConnection(new QtFrameSocket(new QWebSocket), options.maxPendingBytes,
            options.slowReaderGraceMs, parent)
        , m_capture(std::move(capture))
    { }

    void closeWith(QWebSocketProtocol::CloseCode, const QString &) override { m_closed = true; }
    bool isClosed() const { return m_closed; }

protected:
    void transmit(const QString &text) override { m_capture->append(text); }

private:
    std::shared_ptr<QStringList> m_capture;
    bool m_closed = false;
};

/**
 * @brief Drives a SessionServer without sockets, for the fuzzer and the corpus replay:
 * frames go in on numbered in-memory connections and every frame the server sends to any
 * of them comes back, in order.
 *
 * A friend of SessionServer: it reaches the front end through its private header.
 */
class SessionServerTester
{
public:
    explicit SessionServerTester(SessionServer &server)
        : m_server(server)
    { }

    SessionServer &server() const { return m_server; }

    /**
     * Handles `text` as a frame from in-memory connection `connection` (opened on first use)
     * and returns every frame the server sent to in-memory connections meanwhile. A
     * connection the server closes meanwhile is dropped afterwards.
     */
    QStringList handleFrame(int connection, const QString &text)
    {
        CapturedConnection *client = m_connections.value(connection);
        if (!client) {
            client = new CapturedConnection(m_server.options(), m_capture, &m_server);
            m_connections.insert(connection, client);
            m_server.d->addConnection(client);
        }
        m_server.d->onTextMessage(client, text);
        if (client->isClosed())
            dropConnection(connection);
        return std::exchange(*m_capture, {});
    }

    /// One tick of the heartbeat timer (a server that does not listen has none running), and
    /// every frame sent meanwhile.
    QStringList heartbeatTick()
    {
        m_server.d->onHeartbeat();
        return std::exchange(*m_capture, {});
    }

    /// The heartbeat's timer (single shot, armed for each tick the schedule keeps).
    const QTimer &heartbeatTimer() const { return m_server.d->heartbeat; }
    /// How often the loop clock (stall detection) ticks.
    int loopClockTickMs() const { return m_server.d->loopClock.tickMs(); }

    /// What the front end does when a change could not be stored, without breaking a disk.
    void simulateStorageFailure(const QString &error) { m_server.d->onStorageFailed(error); }

    /// Sessions the fan-out keeps something for (nothing may outlive its session).
    qsizetype fanoutSessionsKept() const { return m_server.d->core.fanout().sessionsKept(); }

    /// Drops in-memory connection `connection` as if its network had died.
    void dropConnection(int connection)
    {
        if (CapturedConnection *client = m_connections.take(connection))
            m_server.d->onClosed(client);
    }

private:
    SessionServer &m_server;
    QHash<int, CapturedConnection *> m_connections;
    std::shared_ptr<QStringList> m_capture = std::make_shared<QStringList>();
};
