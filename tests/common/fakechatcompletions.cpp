// SPDX-License-Identifier: MIT
#include "fakechatcompletions.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>

namespace {

QByteArray chunk(const QJsonObject &delta, const QJsonValue &finishReason = QJsonValue::Null)
{
    const QJsonObject object { { "id", "chatcmpl-fake" }, { "object", "chat.completion.chunk" },
        { "choices",
            QJsonArray { QJsonObject {
                { "index", 0 }, { "delta", delta }, { "finish_reason", finishReason } } } } };
    return "data: " + QJsonDocument(object).toJson(QJsonDocument::Compact) + "\n\n";
}

/// The answer in pieces of about three characters (a multi-byte character stays whole here;
/// SplitBytes cuts the bytes later).
QList<QByteArray> pieces(const QString &answer)
{
    QList<QByteArray> events;
    events.append(chunk({ { "role", "assistant" }, { "content", "" } }));
    for (qsizetype i = 0; i < answer.size(); i += 3)
        events.append(chunk({ { "content", answer.mid(i, 3) } }));
    return events;
}

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 404:
        return "Not Found";
    case 429:
        return "Too Many Requests";
    default:
        return "Internal Server Error";
    }
}

} // namespace

FakeChatCompletions::FakeChatCompletions(QObject *parent)
    : QObject(parent)
{
    connect(&m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = m_server.nextPendingConnection()) {
            socket->setParent(this);
            socket->setProperty("buffer", QByteArray());
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        }
    });
}

FakeChatCompletions::~FakeChatCompletions() = default;

bool FakeChatCompletions::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

QUrl FakeChatCompletions::baseUrl() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1/v1").arg(m_server.serverPort()));
}

void FakeChatCompletions::onReadyRead(QTcpSocket *socket)
{
    QByteArray buffer = socket->property("buffer").toByteArray() + socket->readAll();
    socket->setProperty("buffer", buffer);
    const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0 || socket->property("answered").toBool())
        return;
    const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
    qsizetype length = 0;
    Request request;
    request.path = lines.value(0).split(' ').value(1);
    for (const QByteArray &line : lines) {
        const qsizetype colon = line.indexOf(':');
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "content-length")
            length = value.toLongLong();
        else if (name == "authorization")
            request.authorization = value;
    }
    if (buffer.size() < headerEnd + 4 + length)
        return;
    socket->setProperty("answered", true);
    request.body = QJsonDocument::fromJson(buffer.mid(headerEnd + 4, length)).object();
    requests.append(request);
    emit requestReceived();
    respond(socket);
}

void FakeChatCompletions::respond(QTcpSocket *socket)
{
    if (mode == Mode::Silent)
        return;
    if (mode == Mode::HttpError) {
        const QByteArray body
            = QJsonDocument(
                  QJsonObject { { "error",
                      QJsonObject { { "message", errorMessage }, { "type", "fake_error" } } } })
                  .toJson(QJsonDocument::Compact)
            + QByteArray(errorPaddingBytes, ' ');
        QByteArray head = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status)
            + "\r\nContent-Type: application/json\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\nConnection: close\r\n";
        if (status == 429)
            head += "Retry-After: " + QByteArray::number(retryAfterSeconds) + "\r\n";
        socket->write(head + "\r\n" + body);
        socket->disconnectFromHost();
        return;
    }
    socket->write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: "
                  "no-cache\r\nConnection: close\r\n\r\n");
    QList<QByteArray> events = pieces(answer);
    if (mode == Mode::Flood) {
        // One event's data lines, and no empty line to end it: then an empty line, as if the
        // endless event ended at last, and the answer.
        const QByteArray line = "data: " + QByteArray(1018, 'x') + '\n';
        QByteArray flood;
        flood.reserve(floodBytes + line.size());
        while (flood.size() < floodBytes)
            flood += line;
        socket->write(flood + '\n');
    }
    switch (mode) {
    case Mode::Stream:
    case Mode::SplitBytes:
    case Mode::Flood:
        events.append(chunk(QJsonObject {}, QStringLiteral("stop")));
        events.append("data: [DONE]\n\n");
        break;
    case Mode::MidStreamError:
        events = events.mid(0, 3);
        events.append(R"(data: {"error":{"message":"the model crashed mid-answer"}})"
                      "\n\n");
        break;
    case Mode::NoDone:
        events = events.mid(0, 3);
        break;
    default:
        break;
    }
    streamPieces(socket, events, mode == Mode::SplitBytes);
}

void FakeChatCompletions::streamPieces(
    QTcpSocket *socket, QList<QByteArray> events, bool byteByByte)
{
    if (byteByByte) {
        // Cut the whole stream into 2-byte writes: lines and UTF-8 characters are split.
        const QByteArray all = events.join();
        events.clear();
        for (qsizetype i = 0; i < all.size(); i += 2)
            events.append(all.mid(i, 2));
    }
    auto *timer = new QTimer(socket);
    timer->setInterval(byteByByte ? 1 : pieceIntervalMs);
    auto queue = std::make_shared<QList<QByteArray>>(std::move(events));
    connect(timer, &QTimer::timeout, socket, [socket, timer, queue] {
        if (queue->isEmpty()) {
            timer->stop();
            socket->disconnectFromHost();
            return;
        }
        socket->write(queue->takeFirst());
        socket->flush();
    });
    timer->start();
}
