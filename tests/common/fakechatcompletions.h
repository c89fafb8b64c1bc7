// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QTcpServer>
#include <QUrl>

class QTcpSocket;

/**
 * @brief An OpenAI-compatible chat-completions server for tests: HTTP/1.1 on 127.0.0.1,
 * port 0, answering `POST /v1/chat/completions` with a server-sent-event stream (or an
 * error), as the mode says. It records each request (body and Authorization header).
 *
 * Streams end by closing the connection (Connection: close). Everything runs on the
 * thread's event loop; a test waits on requestReceived or on what the client saw.
 */
class FakeChatCompletions : public QObject
{
    Q_OBJECT
public:
    enum class Mode {
        Stream, ///< the answer in pieces, a finish_reason, then `data: [DONE]`
        SplitBytes, ///< as Stream, written a few bytes at a time (lines and UTF-8 cut)
        MidStreamError, ///< two pieces, then `data: {"error": …}`, then close
        NoDone, ///< two pieces, then close: no finish_reason, no [DONE]
        HttpError, ///< `status` with a JSON error body (429: with Retry-After)
        Silent, ///< reads the request and never answers
        Flood, ///< `floodBytes` of data lines that never end an event, then as Stream
    };

    explicit FakeChatCompletions(QObject *parent = nullptr);
    ~FakeChatCompletions() override;

    bool listen();
    /// The base URL to configure: http://127.0.0.1:PORT/v1
    QUrl baseUrl() const;

    Mode mode = Mode::Stream;
    QString answer = QStringLiteral("(a+b)² = a² + 2ab + b².");
    int pieceIntervalMs = 20; ///< between two pieces of the stream
    int status = 500; ///< HttpError's status
    QString errorMessage = QStringLiteral("the model fell over");
    int retryAfterSeconds = 7; ///< 429's Retry-After
    qsizetype floodBytes = 8 << 20; ///< Flood's endless event
    qsizetype errorPaddingBytes = 0; ///< spaces after HttpError's JSON body

    struct Request
    {
        QByteArray path;
        QByteArray authorization;
        QJsonObject body;
    };
    QList<Request> requests;

signals:
    void requestReceived();

private:
    void onReadyRead(QTcpSocket *socket);
    void respond(QTcpSocket *socket);
    void streamPieces(QTcpSocket *socket, QList<QByteArray> events, bool byteByByte);

    QTcpServer m_server;
};
