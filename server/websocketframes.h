// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <functional>

/**
 * @brief The server's end of RFC 6455, without sockets: the opening handshake's request and
 * answers, the frames a server writes, and WebSocketFrameDecoder for the frames a client
 * writes. PlainWebSocket puts them on a socket; the fuzzer feeds them bytes.
 */
namespace WebSocketFrames {

enum Opcode : quint8 {
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
};

/// Close codes of RFC 6455 §7.4.1 that the decoder sends itself.
enum CloseCode : quint16 {
    NormalClosure = 1000,
    ProtocolError = 1002,
    NoStatus = 1005, ///< a close frame without a code (never sent)
    InvalidPayload = 1007,
    TooLarge = 1009,
};

/// The longest header of a server's frame.
constexpr qsizetype MaxHeaderBytes = 10;
/// Writes the header of a server's frame (final, unmasked) carrying `payloadLength` bytes to
/// `out` and returns its length (2 to 10 bytes), the payload to be written after it. No
/// allocation: it is written once per frame and recipient.
qsizetype writeHeader(char (&out)[MaxHeaderBytes], Opcode opcode, qint64 payloadLength);
/// A whole control frame: a close with `code` and `reason` (cut, at a character, to fit the
/// 125 bytes a control frame may carry), or a ping or pong with `payload` (at most 125 bytes).
QByteArray closeFrame(quint16 code, const QString &reason);
QByteArray controlFrame(Opcode opcode, QByteArrayView payload);

/// An opening handshake read from a client (RFC 6455 §4.2.1).
struct Handshake
{
    enum Status : quint8 {
        Incomplete, ///< no empty line yet: read more
        Upgrade, ///< a valid WebSocket request: answer upgradeResponse()
        BadRequest, ///< 400: not a WebSocket request (the reason says why)
        WrongVersion, ///< 426: a version other than 13
        TooLarge, ///< 431: no end of the headers within the bytes allowed
    };
    Status status = Incomplete;
    qsizetype length = 0; ///< the request's bytes, up to its empty line (when complete)
    QString reason; ///< why it was refused
    QString path; ///< the request target's path ("/v1"), without its query
    QByteArray key; ///< Sec-WebSocket-Key
    QByteArray forwardedFor; ///< X-Forwarded-For, its lines joined with ", "; empty without
};
/// Reads the request at the start of `bytes`, at most `maxBytes` long.
Handshake parseHandshake(QByteArrayView bytes, qsizetype maxBytes);
/// Sec-WebSocket-Accept for `key`.
QByteArray acceptKey(QByteArrayView key);
/// The 101 answer to a request that parsed as Handshake::Upgrade.
QByteArray upgradeResponse(QByteArrayView key);
/// The HTTP error (400, 426 or 431) for a refused request, with its reason as the body;
/// the connection closes after it.
QByteArray refusalResponse(const Handshake &handshake);

} // namespace WebSocketFrames

/**
 * @brief Reassembles the frames a client sends into messages (RFC 6455 §5): unmasks them,
 * joins fragments, checks the text's UTF-8 and every rule a server must enforce. The first
 * violation ends the stream with a Failed message carrying the close code to send (1002,
 * 1007 or 1009) and why; a Close message ends it too. A frame or message larger than the
 * limit fails as soon as its header says so, before its payload is buffered.
 *
 * Only an incomplete frame is kept between calls: an idle connection's decoder holds nothing.
 */
class WebSocketFrameDecoder
{
public:
    struct Message
    {
        enum Kind : quint8 { Text, Binary, Ping, Pong, Close, Failed };
        Kind kind = Text;
        QString text; ///< Text: the message; Close: the reason; Failed: why
        QByteArray data; ///< Binary: the message; Ping and Pong: the payload
        quint16 code = 0; ///< Close: the peer's code (NoStatus without); Failed: the one to send
        /// Failed with TooLarge: the bytes the message would have had (its header said so).
        qint64 size = 0;
    };
    /// Given each message as it completes; false stops the decoding at once (the receiver
    /// is gone: nothing of the decoder is touched after that).
    using Handler = std::function<bool(Message &&)>;

    explicit WebSocketFrameDecoder(qint64 maxMessageBytes = 1024 * 1024)
        : m_maxMessageBytes(maxMessageBytes)
    { }

    void setMaxMessageBytes(qint64 bytes) { m_maxMessageBytes = bytes; }
    /// Decodes `bytes`, received after those of the last call, handing every message
    /// completed to `handle`. After a Close or Failed message, bytes are ignored.
    void feed(QByteArrayView bytes, const Handler &handle);
    /// A Close or Failed message was handed over: nothing more will be.
    bool finished() const { return m_finished; }
    /// Bytes kept for an incomplete frame or message.
    qint64 bufferedBytes() const { return m_partial.size() + m_message.size(); }
    /// Drops what is kept and ends the stream (nothing more is decoded).
    void clear()
    {
        m_partial = QByteArray();
        m_message = QByteArray();
        m_finished = true;
    }

private:
    /// Decodes one frame at the start of `bytes`: its length, or 0 when it is not all there
    /// (or the stream failed). `stopped` is set when the handler said stop.
    qsizetype decodeFrame(QByteArrayView bytes, const Handler &handle, bool *stopped);
    bool fail(quint16 code, const QString &why, const Handler &handle, qint64 size = 0);
    bool deliver(quint8 opcode, QByteArray &&payload, const Handler &handle);

    qint64 m_maxMessageBytes;
    QByteArray m_partial; ///< an incomplete frame's bytes
    QByteArray m_message; ///< the fragments so far of a fragmented message
    quint8 m_messageOpcode = 0; ///< Text or Binary while a fragmented message is open
    bool m_finished = false;
};
