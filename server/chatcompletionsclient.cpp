// SPDX-License-Identifier: MIT
#include "chatcompletionsclient.h"

#include "logging.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace {

/// The readable message of an API's JSON error ({"error": {"message": …}} or {"error": "…"}).
QString errorMessageOf(const QByteArray &body)
{
    const QJsonObject object = QJsonDocument::fromJson(body).object();
    const QJsonValue error = object.value(QLatin1String("error"));
    if (error.isString())
        return error.toString();
    const QString message = error.toObject().value(QLatin1String("message")).toString();
    if (!message.isEmpty())
        return message;
    return QString::fromUtf8(body.left(300)).simplified();
}

bool mentionsContextLength(const QString &message)
{
    const QString lower = message.toLower();
    return lower.contains(QLatin1String("context")) || lower.contains(QLatin1String("too long"))
        || lower.contains(QLatin1String("maximum")) || lower.contains(QLatin1String("tokens"));
}

} // namespace

ChatCompletionsClient::ChatCompletionsClient(QNetworkAccessManager &network, QObject *parent)
    : QObject(parent)
    , m_network(network)
{
    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        fail(FailureKind::Timeout,
            QStringLiteral("no complete answer within %1 ms").arg(m_deadline.interval()));
    });
}

ChatCompletionsClient::~ChatCompletionsClient()
{
    abort();
}

QUrl ChatCompletionsClient::completionsUrl(const QUrl &endpoint)
{
    QUrl url = endpoint;
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    url.setPath(path + QStringLiteral("/chat/completions"));
    return url;
}

void ChatCompletionsClient::start(const Request &request)
{
    m_maxAnswerChars = request.maxAnswerChars;
    QNetworkRequest http(completionsUrl(request.endpoint));
    http.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    http.setRawHeader("Accept", "text/event-stream");
    if (!request.apiKey.isEmpty())
        http.setRawHeader("Authorization", "Bearer " + request.apiKey.toUtf8());
    // The transfer timeout is Qt's inactivity timer; the overall deadline is m_deadline.
    http.setTransferTimeout(request.timeoutMs);
    QJsonObject body { { QStringLiteral("messages"), request.messages },
        { QStringLiteral("stream"), true } };
    if (!request.model.isEmpty())
        body.insert(QStringLiteral("model"), request.model);
    m_reply = m_network.post(http, QJsonDocument(body).toJson(QJsonDocument::Compact));
    connect(m_reply, &QNetworkReply::readyRead, this, &ChatCompletionsClient::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &ChatCompletionsClient::onFinished);
    m_deadline.start(request.timeoutMs);
    qCDebug(lcTutors) << "asking" << completionsUrl(request.endpoint).toString() << "model"
                      << request.model << "with" << request.messages.size() << "messages";
}

void ChatCompletionsClient::abort()
{
    m_done = true;
    m_deadline.stop();
    if (QNetworkReply *reply = m_reply.data()) {
        m_reply.clear();
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
}

int ChatCompletionsClient::status() const
{
    return m_reply ? m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() : 0;
}

void ChatCompletionsClient::onReadyRead()
{
    if (m_done || !m_reply)
        return;
    const QByteArray bytes = m_reply->readAll();
    if (status() >= 400) {
        keepErrorBody(bytes);
        return;
    }
    const QList<QByteArray> events = m_parser.feed(bytes);
    for (const QByteArray &event : events) {
        handleEvent(event);
        if (m_done)
            return;
    }
}

void ChatCompletionsClient::keepErrorBody(QByteArrayView bytes)
{
    const qsizetype room = MaxErrorBodyBytes - m_errorBody.size();
    if (room > 0)
        m_errorBody.append(bytes.first(std::min(room, bytes.size())));
}

void ChatCompletionsClient::handleEvent(const QByteArray &data)
{
    if (data.trimmed() == "[DONE]") {
        succeed();
        return;
    }
    QJsonParseError parseError;
    const QJsonObject chunk = QJsonDocument::fromJson(data, &parseError).object();
    if (parseError.error != QJsonParseError::NoError) {
        fail(FailureKind::Interrupted,
            QStringLiteral("unreadable stream chunk: %1").arg(parseError.errorString()));
        return;
    }
    if (chunk.contains(QLatin1String("error"))) {
        const QString message = errorMessageOf(data);
        fail(
            mentionsContextLength(message) ? FailureKind::ContextTooLong : FailureKind::Interrupted,
            QStringLiteral("error in the stream: %1").arg(message));
        return;
    }
    const QJsonArray choices = chunk.value(QLatin1String("choices")).toArray();
    if (choices.isEmpty())
        return; // e.g. a usage chunk
    const QJsonObject choice = choices.first().toObject();
    const QString piece = choice.value(QLatin1String("delta"))
                              .toObject()
                              .value(QLatin1String("content"))
                              .toString();
    if (!piece.isEmpty()) {
        m_text.append(piece);
        if (m_text.size() >= m_maxAnswerChars) {
            m_text.truncate(m_maxAnswerChars);
            qCInfo(lcTutors) << "answer cut at" << m_maxAnswerChars << "characters";
            succeed();
            return;
        }
        emit textGrew();
    }
    const QJsonValue finish = choice.value(QLatin1String("finish_reason"));
    if (finish.isString() && !finish.toString().isEmpty())
        succeed();
}

void ChatCompletionsClient::onFinished()
{
    if (m_done || !m_reply)
        return;
    const int code = status();
    const QNetworkReply::NetworkError error = m_reply->error();
    if (code >= 400) {
        keepErrorBody(m_reply->readAll());
        const QString message = errorMessageOf(m_errorBody);
        const QString detail = QStringLiteral("HTTP %1: %2").arg(code).arg(message);
        if (code == 429) {
            bool ok = false;
            const int retryAfter = m_reply->rawHeader("Retry-After").trimmed().toInt(&ok);
            fail(FailureKind::RateLimited, detail, ok ? std::max(0, retryAfter) : 0);
        } else if ((code == 400 || code == 413) && mentionsContextLength(message)) {
            fail(FailureKind::ContextTooLong, detail);
        } else if (code >= 500) {
            fail(FailureKind::ServerError, detail);
        } else {
            fail(FailureKind::Rejected, detail);
        }
        return;
    }
    if (error == QNetworkReply::OperationCanceledError) {
        // Qt's inactivity timer (the transfer timeout) aborts the reply this way.
        fail(FailureKind::Timeout, QStringLiteral("the model server went silent"));
        return;
    }
    if (code == 0
        || (error != QNetworkReply::NoError && error != QNetworkReply::RemoteHostClosedError)) {
        fail(code == 0 ? FailureKind::Unreachable : FailureKind::Interrupted,
            QStringLiteral("network error: %1").arg(m_reply->errorString()));
        return;
    }
    onReadyRead();
    if (m_done)
        return;
    const QByteArray last = m_parser.finish();
    if (!last.isEmpty())
        handleEvent(last);
    if (!m_done)
        fail(FailureKind::Interrupted, QStringLiteral("the stream stopped before its end"));
}

void ChatCompletionsClient::fail(FailureKind kind, const QString &detail, int retryAfterSeconds)
{
    if (m_done)
        return;
    abort();
    emit failed(kind, detail, retryAfterSeconds);
}

void ChatCompletionsClient::succeed()
{
    if (m_done)
        return;
    abort();
    emit finished(m_text);
}
