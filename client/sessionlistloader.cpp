// SPDX-License-Identifier: MIT
#include "sessionlistloader.h"

#include "logging.h"
#include "sessionlistmodel.h"
#include "websocketservice.h"

#include <QJsonArray>

using namespace Protocol;

SessionListLoader::SessionListLoader(WebSocketService *service, QObject *parent)
    : QObject(parent)
    , m_service(service)
    , m_model(new SessionListModel(this))
{ }

void SessionListLoader::refresh()
{
    if (!m_service || m_service->state() != WebSocketService::State::Connected)
        return;
    m_service->listSessions(
        [self = QPointer<SessionListLoader>(this)](const WebSocketService::Reply &reply) {
            if (!self)
                return;
            if (!reply.ok) {
                qCInfo(lcClient) << "list_sessions refused:" << reply.error.message;
                return;
            }
            QList<SessionSummary> sessions;
            const QJsonArray list = reply.ack.result.value(QStringLiteral("sessions")).toArray();
            for (const auto &value : list) {
                if (const auto summary = sessionSummaryFromJson(value.toObject()))
                    sessions.append(*summary);
            }
            self->m_model->setSessions(sessions);
        });
}

void SessionListLoader::clear()
{
    m_model->clear();
}
