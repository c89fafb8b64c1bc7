// SPDX-License-Identifier: MIT
#pragma once

#include "protocol.h"
#include "websocketservice.h"

#include <QObject>
#include <QPointer>

#include <functional>

class SessionListModel;

/**
 * @brief The sessions the local user is in, kept in a SessionListModel: refresh() asks the
 * server (`list_sessions`, page after page) and the whole list is applied as the difference
 * to the rows shown.
 */
class SessionListLoader : public QObject
{
    Q_OBJECT

public:
    explicit SessionListLoader(WebSocketService *service, QObject *parent = nullptr);

    SessionListModel *model() const { return m_model; }

    /// Asks for the list when connected (otherwise nothing); the model changes on the answer.
    /// `then` runs once the whole list has arrived (or was refused); when a newer refresh
    /// supersedes this one, once that one's has. Not at all when not connected.
    void refresh(std::function<void()> then = {});
    /// The rows of the last list that arrived.
    const QList<Protocol::SessionSummary> &sessions() const { return m_sessions; }
    /// Empties the list (signed out).
    void clear();

Q_SIGNALS:
    /// A whole list arrived (sessions() and the model have it).
    void listArrived();

private:
    void requestPage(const QString &cursor);
    void onPage(const WebSocketService::Reply &reply);

    QPointer<WebSocketService> m_service;
    SessionListModel *m_model = nullptr;
    quint64 m_generation = 0; ///< of the refresh whose pages are arriving
    QList<Protocol::SessionSummary> m_pages; ///< the rows of its pages so far
    QList<Protocol::SessionSummary> m_sessions; ///< the last whole list
    std::function<void()> m_then; ///< of the refresh whose pages are arriving
};
