// SPDX-License-Identifier: MIT
#include "fanout.h"

#include "clientconnection.h"
#include "metrics.h"
#include "session.h"
#include "sessionregistry.h"

#include <QElapsedTimer>

Fanout::Fanout(SessionRegistry &registry, ServerMetrics &metrics)
    : m_registry(registry)
    , m_metrics(metrics)
{ }

void Fanout::deliver(const Delivery &delivery)
{
    const Session *session = m_registry.find(delivery.sessionId);
    if (!session)
        return;
    qint64 sent = 0;
    QElapsedTimer firstToLast; // helpy_fanout_seconds: from the first write to the last
    const auto sendTo = [&](const User &user) {
        for (ClientConnection *connection : user.connections) {
            auto it = connection->subscriptions.find(delivery.sessionId);
            if (it == connection->subscriptions.end()) {
                if (!delivery.activityText.isEmpty())
                    connection->send(delivery.activityText);
                continue;
            }
            if (*it >= delivery.revision)
                continue; // already has it by snapshot or resume
            *it = delivery.revision;
            if (sent++ == 0)
                firstToLast.start();
            connection->send(delivery.text);
        }
    };
    UserDirectory &users = m_registry.users();
    session->forEachUserId([&](const QString &userId) {
        if (const User *user = users.find(userId))
            sendTo(*user);
    });
    if (const User *removed = users.find(delivery.removedUserId)) {
        sendTo(*removed);
        for (ClientConnection *connection : removed->connections)
            connection->subscriptions.remove(delivery.sessionId);
    }
    if (sent > 0)
        m_metrics.observeFanout(sent, double(firstToLast.nsecsElapsed()) / 1e9);
}

void Fanout::broadcast(const Session &session, const QString &text, const ClientConnection *except)
{
    UserDirectory &users = m_registry.users();
    session.forEachUserId([&](const QString &userId) {
        const User *member = users.find(userId);
        if (!member)
            return; // connected to another node, if at all: typing stays on this node
        for (ClientConnection *peer : member->connections) {
            if (peer != except && peer->subscriptions.contains(session.id()))
                peer->send(text);
        }
    });
}
