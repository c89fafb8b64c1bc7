// SPDX-License-Identifier: MIT
#pragma once

#include <QDeadlineTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

class WebSocketService;

/**
 * @brief Whole seconds until the service's next reconnect attempt, for the connection
 * banner: counts down while the service is reconnecting, 0 otherwise.
 */
class ReconnectCountdown : public QObject
{
    Q_OBJECT

public:
    explicit ReconnectCountdown(WebSocketService *service, QObject *parent = nullptr);

    int seconds() const { return m_seconds; }

Q_SIGNALS:
    void secondsChanged();

private:
    void update();

    QPointer<WebSocketService> m_service;
    QDeadlineTimer m_reconnectAt;
    QTimer m_tick;
    int m_seconds = 0;
};
