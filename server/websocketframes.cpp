// SPDX-License-Identifier: MIT
#include "websocketframes.h"

#include <limits>

#include <QCryptographicHash>
#include <QStringDecoder>
#include <QUrl>

#include <QtEndian>

namespace WebSocketFrames {

qsizetype writeHeader(char (&out)[MaxHeaderBytes], Opcode opcode, qint64 payloadLength)
{
    out[0] = char(0x80 | opcode);
    if (payloadLength < 126) {
        out[1] = char(payloadLength);
        return 2;
    }
    if (payloadLength <= 0xFFFF) {
        out[1] = char(126);
        qToBigEndian(quint16(payloadLength), out + 2);
        return 4;
    }
    out[1] = char(127);
    qToBigEndian(quint64(payloadLength), out + 2);
    return 10;
}

QByteArray controlFrame(Opcode opcode, QByteArrayView payload)
{
    payload = payload.first(std::min<qsizetype>(payload.size(), 125));
    char header[MaxHeaderBytes];
    QByteArray frame(header, writeHeader(header, opcode, payload.size()));
    frame.append(payload);
    return frame;
}

QByteArray closeFrame(quint16 code, const QString &reason)
{
    QByteArray payload(2, Qt::Uninitialized);
    qToBigEndian(code, payload.data());
    QString text = reason;
    QByteArray utf8 = text.toUtf8();
    while (utf8.size() > 123) { // cut whole characters (a surrogate pair stays whole)
        text.chop(text.size() >= 2 && text.at(text.size() - 1).isLowSurrogate() ? 2 : 1);
        utf8 = text.toUtf8();
    }
    payload.append(utf8);
    return controlFrame(Close, payload);
}

namespace {

/// Whether the comma-separated `list` holds `token`, ignoring case.
bool hasToken(QByteArrayView list, QByteArrayView token)
{
    while (!list.isEmpty()) {
        const qsizetype comma = list.indexOf(',');
        const QByteArrayView item = comma < 0 ? list : list.first(comma);
        if (item.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
        list = comma < 0 ? QByteArrayView() : list.sliced(comma + 1);
    }
    return false;
}

Handshake refused(Handshake::Status status, const QString &reason)
{
    Handshake handshake;
    handshake.status = status;
    handshake.reason = reason;
    return handshake;
}

} // namespace

Handshake parseHandshake(QByteArrayView bytes, qsizetype maxBytes)
{
    const qsizetype end = bytes.first(std::min(bytes.size(), maxBytes)).indexOf("\r\n\r\n");
    if (end < 0) {
        if (bytes.size() >= maxBytes)
            return refused(Handshake::TooLarge,
                QStringLiteral("the request's headers are longer than %1 bytes").arg(maxBytes));
        return {};
    }
    Handshake handshake;
    handshake.length = end + 4;
    QByteArrayView upgrade, connection, version;
    bool firstLine = true;
    for (QByteArrayView rest = bytes.first(end + 2); !rest.isEmpty();) {
        const qsizetype lineEnd = rest.indexOf("\r\n");
        const QByteArrayView line = rest.first(lineEnd);
        rest = rest.sliced(lineEnd + 2);
        if (firstLine) {
            firstLine = false;
            // GET <target> HTTP/1.1
            const qsizetype space = line.indexOf(' ');
            const qsizetype lastSpace = line.lastIndexOf(' ');
            if (space <= 0 || lastSpace <= space || line.first(space) != "GET")
                return refused(
                    Handshake::BadRequest, QStringLiteral("a WebSocket opens with a GET"));
            const QByteArrayView protocol = line.sliced(lastSpace + 1);
            if (protocol != "HTTP/1.1" && !(protocol.startsWith("HTTP/1.") && protocol.size() == 8))
                return refused(Handshake::BadRequest, QStringLiteral("HTTP/1.1 expected"));
            const QUrl target
                = QUrl::fromEncoded(line.sliced(space + 1, lastSpace - space - 1).toByteArray());
            if (!target.isValid())
                return refused(
                    Handshake::BadRequest, QStringLiteral("the request's target is not a URL"));
            handshake.path = target.path();
            continue;
        }
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return refused(Handshake::BadRequest, QStringLiteral("a header line without a name"));
        const QByteArrayView name = line.first(colon).trimmed();
        const QByteArrayView value = line.sliced(colon + 1).trimmed();
        const auto is = [&name](const char *header) {
            return name.compare(QByteArrayView(header), Qt::CaseInsensitive) == 0;
        };
        if (is("Upgrade"))
            upgrade = value;
        else if (is("Connection"))
            connection = value;
        else if (is("Sec-WebSocket-Version"))
            version = value;
        else if (is("Sec-WebSocket-Key"))
            handshake.key = value.toByteArray();
        else if (is("X-Forwarded-For"))
            handshake.forwardedFor
                += (handshake.forwardedFor.isEmpty() ? "" : ", ") + value.toByteArray();
    }
    if (firstLine)
        return refused(Handshake::BadRequest, QStringLiteral("an empty request"));
    if (!hasToken(upgrade, "websocket") || !hasToken(connection, "upgrade"))
        return refused(Handshake::BadRequest,
            QStringLiteral("not a WebSocket request (Upgrade: websocket, Connection: Upgrade)"));
    if (version != "13")
        return refused(Handshake::WrongVersion, QStringLiteral("WebSocket version 13 expected"));
    if (QByteArray::fromBase64(handshake.key).size() != 16)
        return refused(
            Handshake::BadRequest, QStringLiteral("Sec-WebSocket-Key is not 16 bytes in base64"));
    handshake.status = Handshake::Upgrade;
    return handshake;
}

QByteArray acceptKey(QByteArrayView key)
{
    QCryptographicHash sha1(QCryptographicHash::Sha1);
    sha1.addData(key);
    sha1.addData(QByteArrayView("258EAFA5-E914-47DA-95CA-C5AB0DC85B11"));
    return sha1.result().toBase64();
}

QByteArray upgradeResponse(QByteArrayView key)
{
    return "HTTP/1.1 101 Switching Protocols\r\n"
           "Upgrade: websocket\r\n"
           "Connection: Upgrade\r\n"
           "Sec-WebSocket-Accept: "
        + acceptKey(key) + "\r\n\r\n";
}

QByteArray refusalResponse(const Handshake &handshake)
{
    QByteArray status = "400 Bad Request";
    QByteArray extra;
    if (handshake.status == Handshake::WrongVersion) {
        status = "426 Upgrade Required";
        extra = "Sec-WebSocket-Version: 13\r\n";
    } else if (handshake.status == Handshake::TooLarge) {
        status = "431 Request Header Fields Too Large";
    }
    const QByteArray body = handshake.reason.toUtf8() + '\n';
    return "HTTP/1.1 " + status + "\r\n" + extra
        + "Connection: close\r\n"
          "Content-Type: text/plain; charset=utf-8\r\n"
          "Content-Length: "
        + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

} // namespace WebSocketFrames

using namespace WebSocketFrames;

void WebSocketFrameDecoder::feed(QByteArrayView bytes, const Handler &handle)
{
    if (m_finished || bytes.isEmpty())
        return;
    // Frames wholly in `bytes` are decoded where they are; only an incomplete one is kept.
    QByteArray joined;
    if (!m_partial.isEmpty()) {
        joined = std::exchange(m_partial, {});
        joined.append(bytes);
        bytes = joined;
    }
    qsizetype offset = 0;
    while (offset < bytes.size()) {
        bool stopped = false;
        const qsizetype length = decodeFrame(bytes.sliced(offset), handle, &stopped);
        if (stopped)
            return;
        if (length == 0)
            break;
        offset += length;
    }
    if (!m_finished && offset < bytes.size())
        m_partial = bytes.sliced(offset).toByteArray();
}

bool WebSocketFrameDecoder::fail(
    quint16 code, const QString &why, const Handler &handle, qint64 size)
{
    m_finished = true;
    m_message = QByteArray();
    Message message;
    message.kind = Message::Failed;
    message.code = code;
    message.text = why;
    message.size = size;
    return handle(std::move(message));
}

qsizetype WebSocketFrameDecoder::decodeFrame(
    QByteArrayView bytes, const Handler &handle, bool *stopped)
{
    const auto failWith = [&](quint16 code, const QString &why, qint64 size = 0) {
        *stopped = !fail(code, why, handle, size);
        return qsizetype(0);
    };
    if (bytes.size() < 2)
        return 0;
    const auto first = quint8(bytes[0]);
    const auto second = quint8(bytes[1]);
    const bool final = first & 0x80;
    const quint8 opcode = first & 0x0F;
    if (first & 0x70)
        return failWith(ProtocolError, QStringLiteral("reserved bits set (no extension agreed)"));
    if (!(second & 0x80))
        return failWith(ProtocolError, QStringLiteral("a client's frames must be masked"));
    qsizetype header = 2;
    quint64 length = second & 0x7F;
    if (length == 126) {
        if (bytes.size() < 4)
            return 0;
        length = qFromBigEndian<quint16>(bytes.data() + 2);
        header = 4;
    } else if (length == 127) {
        if (bytes.size() < 10)
            return 0;
        length = qFromBigEndian<quint64>(bytes.data() + 2);
        header = 10;
        if (length >> 63)
            return failWith(ProtocolError, QStringLiteral("a frame's length has its top bit set"));
    }
    header += 4; // the mask
    if (opcode & 0x8) {
        if (opcode != Close && opcode != Ping && opcode != Pong)
            return failWith(ProtocolError, QStringLiteral("unknown opcode %1").arg(opcode));
        if (!final || length > 125)
            return failWith(ProtocolError,
                QStringLiteral("a control frame must be whole and at most 125 bytes"));
    } else {
        if (opcode != Continuation && opcode != Text && opcode != Binary)
            return failWith(ProtocolError, QStringLiteral("unknown opcode %1").arg(opcode));
        if (opcode == Continuation && m_messageOpcode == 0)
            return failWith(ProtocolError, QStringLiteral("a continuation without a message"));
        if (opcode != Continuation && m_messageOpcode != 0)
            return failWith(
                ProtocolError, QStringLiteral("a new message before the last one's final frame"));
        // Refused on its header: a peer cannot make us buffer more than the limit.
        if (length > quint64(m_maxMessageBytes - m_message.size())) {
            const qint64 size
                = length > quint64(std::numeric_limits<qint64>::max() - m_message.size())
                ? std::numeric_limits<qint64>::max()
                : m_message.size() + qint64(length);
            return failWith(TooLarge,
                QStringLiteral("a message larger than %1 bytes").arg(m_maxMessageBytes), size);
        }
    }
    if (bytes.size() < header || quint64(bytes.size() - header) < length)
        return 0;
    const char *mask = bytes.data() + header - 4;
    QByteArray payload(qsizetype(length), Qt::Uninitialized);
    const char *in = bytes.data() + header;
    char *out = payload.data();
    for (qsizetype i = 0; i < qsizetype(length); ++i)
        out[i] = char(in[i] ^ mask[i & 3]);
    const qsizetype frameLength = header + qsizetype(length);

    if (opcode == Continuation || !final) { // (a control frame is always final)
        if (opcode != Continuation)
            m_messageOpcode = opcode;
        m_message.append(payload);
        if (!final)
            return frameLength;
        const quint8 messageOpcode = std::exchange(m_messageOpcode, 0);
        *stopped = !deliver(messageOpcode, std::exchange(m_message, {}), handle);
        return m_finished ? 0 : frameLength;
    }
    *stopped = !deliver(opcode, std::move(payload), handle);
    return m_finished ? 0 : frameLength;
}

bool WebSocketFrameDecoder::deliver(quint8 opcode, QByteArray &&payload, const Handler &handle)
{
    Message message;
    switch (opcode) {
    case Text: {
        QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
        message.text = utf8(payload);
        if (utf8.hasError())
            return fail(InvalidPayload, QStringLiteral("a text message that is not UTF-8"), handle);
        message.kind = Message::Text;
        break;
    }
    case Binary:
        message.kind = Message::Binary;
        message.data = std::move(payload);
        break;
    case Ping:
    case Pong:
        message.kind = opcode == Ping ? Message::Ping : Message::Pong;
        message.data = std::move(payload);
        break;
    case Close: {
        m_finished = true;
        message.kind = Message::Close;
        message.code = NoStatus;
        if (payload.size() == 1)
            return fail(ProtocolError, QStringLiteral("a close frame with a 1-byte code"), handle);
        if (payload.size() >= 2) {
            message.code = qFromBigEndian<quint16>(payload.constData());
            const quint16 code = message.code;
            const bool valid = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1011)
                || (code >= 3000 && code <= 4999);
            if (!valid)
                return fail(ProtocolError,
                    QStringLiteral("close code %1 is not one a peer may send").arg(code), handle);
            QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
            message.text = utf8(QByteArrayView(payload).sliced(2));
            if (utf8.hasError())
                return fail(
                    InvalidPayload, QStringLiteral("a close reason that is not UTF-8"), handle);
        }
        break;
    }
    default:
        Q_UNREACHABLE();
    }
    return handle(std::move(message));
}
