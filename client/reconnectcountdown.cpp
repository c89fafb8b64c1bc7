// SPDX-License-Identifier: MIT
#include "reconnectcountdown.h"

#include "websocketservice.h"

ReconnectCountdown::ReconnectCountdown(WebSocketService *service, QObject *parent)
    : QObject(parent)
    , m_service(service)
{
    // A quarter of a second, so the number shown is never late by much.
    m_tick.setInterval(250);
    connect(&m_tick, &QTimer::timeout, this, &ReconnectCountdown::update);
    connect(service, &WebSocketService::stateChanged, this, &ReconnectCountdown::update);
    connect(service, &WebSocketService::reconnectScheduled, this, [this](int delayMs) {
        m_reconnectAt.setRemainingTime(delayMs);
        m_tick.start();
        update();
    });
}

void ReconnectCountdown::update()
{
    const bool reconnecting
        = m_service && m_service->state() == WebSocketService::State::Reconnecting;
    const int seconds = reconnecting ? int((m_reconnectAt.remainingTime() + 999) / 1000) : 0;
    if (!reconnecting)
        m_tick.stop();
    if (seconds == m_seconds)
        return;
    m_seconds = seconds;
    Q_EMIT secondsChanged();
}
