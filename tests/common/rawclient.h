// SPDX-License-Identifier: MIT
#pragma once

#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QUrl>
#include <QWebSocket>

#include <functional>
#include <optional>

/**
 * @brief A bare protocol client for tests: sends any JSON (or garbage) and records every
 * frame the server sends, so tests can assert on the wire itself.
 */
class RawClient
{
public:
    RawClient()
    {
        QObject::connect(
            &socket, &QWebSocket::textMessageReceived, &socket, [this](const QString &text) {
                frames.append(QJsonDocument::fromJson(text.toUtf8()).object());
            });
    }

    bool open(const QUrl &url)
    {
        QSignalSpy connected(&socket, &QWebSocket::connected);
        socket.open(url);
        return connected.wait(5000);
    }

    /// Opens and says hello; returns false unless a welcome came back.
    bool signIn(const QUrl &url, const QString &name, const QString &withToken = {})
    {
        if (!open(url))
            return false;
        QJsonObject hello { { "type", "hello" }, { "protocol", 1 }, { "displayName", name } };
        if (!withToken.isEmpty())
            hello.insert("token", withToken);
        send(hello);
        const auto welcome = waitFor([](const QJsonObject &f) { return f["type"] == "welcome"; });
        if (!welcome)
            return false;
        userId = (*welcome)["userId"].toString();
        token = (*welcome)["token"].toString();
        return true;
    }

    void send(const QJsonObject &frame)
    {
        socket.sendTextMessage(
            QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact)));
    }

    /// Sends a request (a requestId is added when missing) and waits for its one answer.
    QJsonObject request(QJsonObject frame)
    {
        if (!frame.contains("requestId"))
            frame.insert("requestId", QStringLiteral("r%1").arg(++m_counter));
        const QString requestId = frame["requestId"].toString();
        const qsizetype from = frames.size();
        send(frame);
        return waitFor(
            [&](const QJsonObject &f) {
                return (f["type"] == "ack" || f["type"] == "error") && f["requestId"] == requestId;
            },
            from)
            .value_or(QJsonObject { { "type", "timeout" } });
    }

    /// The first frame from index `from` on that matches, waiting up to `timeoutMs` for it.
    std::optional<QJsonObject> waitFor(const std::function<bool(const QJsonObject &)> &match,
        qsizetype from = 0, int timeoutMs = 5000)
    {
        QDeadlineTimer deadline(timeoutMs);
        for (qsizetype i = from;;) {
            for (; i < frames.size(); ++i) {
                if (match(frames.at(i)))
                    return frames.at(i);
            }
            if (deadline.hasExpired())
                return std::nullopt;
            QSignalSpy received(&socket, &QWebSocket::textMessageReceived);
            received.wait(int(std::max<qint64>(1, deadline.remainingTime())));
        }
    }

    /// Revisioned session events received (in arrival order), from index `from` on.
    QList<QJsonObject> events(const QString &sessionId, qsizetype from = 0) const
    {
        QList<QJsonObject> list;
        for (qsizetype i = from; i < frames.size(); ++i) {
            const QJsonObject &f = frames.at(i);
            if (f["sessionId"] == sessionId && f.contains("revision") && f["type"] != "ack"
                && f["type"] != "session_snapshot" && f["type"] != "session_activity")
                list.append(f);
        }
        return list;
    }

    QWebSocket socket;
    QList<QJsonObject> frames;
    QString userId;
    QString token;

private:
    int m_counter = 0;
};
