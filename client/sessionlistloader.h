// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QPointer>

class SessionListModel;
class WebSocketService;

/**
 * @brief The sessions the local user is in, kept in a SessionListModel: refresh() asks the
 * server (`list_sessions`) and the answer is applied as the difference to the rows shown.
 */
class SessionListLoader : public QObject
{
    Q_OBJECT

public:
    explicit SessionListLoader(WebSocketService *service, QObject *parent = nullptr);

    SessionListModel *model() const { return m_model; }

    /// Asks for the list when connected (otherwise nothing); the model changes on the answer.
    void refresh();
    /// Empties the list (signed out).
    void clear();

private:
    QPointer<WebSocketService> m_service;
    SessionListModel *m_model = nullptr;
};
