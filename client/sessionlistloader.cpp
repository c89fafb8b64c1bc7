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

void SessionListLoader::refresh(std::function<void()> then)
{
    if (!m_service || m_service->state() != WebSocketService::State::Connected)
        return;
    // A newer refresh supersedes one still paging: only the latest list is shown.
    ++m_generation;
    m_pages.clear();
    // Whoever waited for the superseded list gets this one (it is newer still).
    if (then && m_then)
        m_then = [first = std::move(m_then), second = std::move(then)] {
            first();
            second();
        };
    else if (then)
        m_then = std::move(then);
    requestPage({});
}

void SessionListLoader::requestPage(const QString &cursor)
{
    m_service->sendRequest(ListSessions { {}, cursor, std::nullopt },
        [self = QPointer<SessionListLoader>(this), generation = m_generation](
            const WebSocketService::Reply &reply) {
            if (self && generation == self->m_generation)
                self->onPage(reply);
        });
}

void SessionListLoader::onPage(const WebSocketService::Reply &reply)
{
    if (!reply.ok) {
        qCInfo(lcClient) << "list_sessions refused:" << reply.error.message;
        if (auto then = std::exchange(m_then, {}))
            then();
        return;
    }
    const auto result = resultOf<ListSessionsResult>(reply.ack);
    if (!result) {
        qCWarning(lcClient) << "list_sessions ack without a readable result";
        if (auto then = std::exchange(m_then, {}))
            then();
        return;
    }
    m_pages.append(result->sessions);
    // The server pages the list (at most its page size a time): ask until the last page.
    if (!result->nextCursor.isEmpty() && m_service) {
        requestPage(result->nextCursor);
        return;
    }
    m_sessions = std::exchange(m_pages, {});
    m_model->setSessions(m_sessions);
    Q_EMIT listArrived();
    if (auto then = std::exchange(m_then, {}))
        then();
}

void SessionListLoader::clear()
{
    ++m_generation;
    m_pages.clear();
    m_sessions.clear();
    m_then = {};
    m_model->clear();
}
