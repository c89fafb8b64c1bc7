// SPDX-License-Identifier: MIT
#pragma once

#include "websocketservice.h"

#include <QSignalSpy>
#include <QTest>

#include <functional>
#include <optional>

/// Sends a request through `send` and runs the event loop until its one answer arrives.
inline WebSocketService::Reply await(
    const std::function<void(WebSocketService::ReplyHandler)> &send, int timeoutMs = 10000)
{
    std::optional<WebSocketService::Reply> reply;
    send([&](const WebSocketService::Reply &r) { reply = r; });
    if (!QTest::qWaitFor([&] { return reply.has_value(); }, timeoutMs))
        qWarning("request not answered within %d ms", timeoutMs);
    return reply.value_or(WebSocketService::Reply {});
}

/// The ids of a roster, in its order.
inline QStringList ids(const QList<Protocol::Participant> &participants)
{
    QStringList list;
    for (const Protocol::Participant &p : participants)
        list << p.id;
    return list;
}

/// Connects `service` and waits for its welcome.
inline bool connectAndWelcome(
    WebSocketService &service, const QUrl &url, const QString &name, const QString &token = {})
{
    QSignalSpy welcomed(&service, &WebSocketService::welcomed);
    service.connectToServer(url, name, token);
    return welcomed.wait(5000);
}
