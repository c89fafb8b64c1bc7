// SPDX-License-Identifier: MIT
#pragma once

#include "sseparser.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

/**
 * @brief One streamed request to an OpenAI-compatible `POST {endpoint}/chat/completions`.
 *
 * The answer arrives as server-sent events; `data: [DONE]` or a `finish_reason` ends it.
 * An HTTP error (with the API's JSON error), a `data: {"error": …}` in the stream, a stream
 * that stops before its end, a refused connection and the overall deadline are failures,
 * each reported once with a kind (what the student is told) and a detail (for the log).
 * The key goes into the Authorization header only; nothing here logs it.
 */
class ChatCompletionsClient : public QObject
{
    Q_OBJECT
public:
    /// @brief What went wrong, as the student is told (docs/helpy.md).
    enum class FailureKind {
        Unreachable, ///< refused, no such host, TLS, …
        Timeout, ///< the overall deadline passed
        RateLimited, ///< 429
        ContextTooLong, ///< 400/413 saying the context is too long
        Rejected, ///< another 4xx (bad model name, bad key, …)
        ServerError, ///< 5xx
        Interrupted, ///< an error in the stream, or the stream stopped before its end
    };
    Q_ENUM(FailureKind)

    struct Request
    {
        QUrl endpoint; ///< the base URL, e.g. http://127.0.0.1:8080/v1
        QString model;
        QString apiKey;
        QJsonArray messages; ///< [{role, content}, …]
        int timeoutMs = 120'000; ///< overall deadline
        qsizetype maxAnswerChars = 4000; ///< the answer is cut here (and the stream ended)
    };

    ChatCompletionsClient(QNetworkAccessManager &network, QObject *parent = nullptr);
    ~ChatCompletionsClient() override;

    /// Starts the request; exactly one of finished() and failed() follows (never synchronously).
    void start(const Request &request);
    /// Stops without a signal.
    void abort();
    /// The answer so far.
    const QString &text() const { return m_text; }

    /// The URL of the request: `{endpoint}/chat/completions`.
    static QUrl completionsUrl(const QUrl &endpoint);

    /// An HTTP error's body is kept up to this for its message; the rest is read and dropped.
    static constexpr qsizetype MaxErrorBodyBytes = 64 * 1024;
    /// Bytes held for the reply: an error body, and the stream's unfinished line and event.
    qsizetype heldBytes() const
    {
        return m_errorBody.size() + m_parser.pendingBytes() + m_parser.pendingEventBytes();
    }

signals:
    /// More of the answer arrived; text() has all of it so far.
    void textGrew();
    void finished(const QString &text);
    /// `retryAfterSeconds` from a 429's Retry-After (0: none given).
    void failed(
        ChatCompletionsClient::FailureKind kind, const QString &detail, int retryAfterSeconds);

private:
    void onReadyRead();
    void onFinished();
    void handleEvent(const QByteArray &data);
    void keepErrorBody(QByteArrayView bytes);
    void fail(FailureKind kind, const QString &detail, int retryAfterSeconds = 0);
    void succeed();
    /// The HTTP status of the reply (0: none yet).
    int status() const;

    QNetworkAccessManager &m_network;
    QPointer<QNetworkReply> m_reply;
    SseParser m_parser;
    QTimer m_deadline;
    QString m_text;
    QByteArray m_errorBody; ///< the body of an HTTP error, for its JSON message
    qsizetype m_maxAnswerChars = 4000;
    bool m_done = false;
};
