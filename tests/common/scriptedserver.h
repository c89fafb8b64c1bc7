// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QUrl>
#include <QWebSocket>
#include <QWebSocketServer>

/**
 * @brief A hand-driven server on a real socket (127.0.0.1, port 0): the test sends exactly
 * the frames it wants (gaps, other epochs, wrong digests) and reads what the client sent.
 */
class ScriptedServer
{
public:
    ScriptedServer()
    {
        QObject::connect(&m_server, &QWebSocketServer::newConnection, &m_server, [this] {
            peer = m_server.nextPendingConnection();
            QObject::connect(
                peer, &QWebSocket::textMessageReceived, peer, [this](const QString &text) {
                    received << QJsonDocument::fromJson(text.toUtf8()).object();
                });
        });
    }

    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    QUrl url() const
    {
        return QUrl(QStringLiteral("ws://127.0.0.1:%1/v1").arg(m_server.serverPort()));
    }
    void send(const QString &frame) { peer->sendTextMessage(frame); }

    QPointer<QWebSocket> peer; ///< the one client connected
    QList<QJsonObject> received; ///< what it sent, in order

private:
    QWebSocketServer m_server { QStringLiteral("scripted"), QWebSocketServer::NonSecureMode };
};
