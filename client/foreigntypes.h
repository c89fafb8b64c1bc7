// SPDX-License-Identifier: MIT
#pragma once

#include "websocketservice.h"

#include <QtQml/qqml.h>

/**
 * @brief WebSocketService as QML sees it: only for its State enum, the type of
 * AppController.connectionState (`WebSocketService.Reconnecting`). Registered here because
 * net/ knows nothing of QML.
 */
struct WebSocketServiceForeign
{
    Q_GADGET
    QML_FOREIGN(WebSocketService)
    QML_NAMED_ELEMENT(WebSocketService)
    QML_UNCREATABLE("Only its State enum is used in QML")
};
