// SPDX-License-Identifier: MIT
#include "sessionlistloader.h"

#include "logging.h"
#include "sessionlistmodel.h"
#include "websocketservice.h"

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
            const auto result = resultOf<ListSessionsResult>(reply.ack);
            if (!result) {
                qCWarning(lcClient) << "list_sessions ack without a readable result";
                return;
            }
            self->m_model->setSessions(result->sessions);
        });
}

void SessionListLoader::clear()
{
    m_model->clear();
}
