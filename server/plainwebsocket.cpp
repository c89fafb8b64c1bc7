// SPDX-License-Identifier: MIT
#include "plainwebsocket.h"

#include "directtcpserver.h"
#include "logging.h"

#include <QElapsedTimer>
#include <QMetaMethod>

using namespace WebSocketFrames;

namespace {
/// What one read takes from the kernel, shared by every connection of the thread.
constexpr qsizetype ReadChunkBytes = 64 * 1024;
/// The longest text whose UTF-8 is kept for the next connection it is sent to.
constexpr qsizetype MaxSharedUtf8 = 16 * 1024;
} // namespace

PlainWebSocket::PlainWebSocket(DirectTcpSocket *socket, IncomingBytes *incoming, QObject *parent)
    : FrameSocket(parent)
    , m_socket(socket)
    , m_incoming(incoming)
{
    m_socket->setParent(this);
    connect(m_socket, &DirectTcpSocket::readyRead, this, &PlainWebSocket::onReadyRead);
    connect(m_socket, &DirectTcpSocket::disconnected, this, &PlainWebSocket::onGone);
    if (!m_socket->isConnected())
        m_state = State::Gone;
}

PlainWebSocket::~PlainWebSocket()
{
    if (m_alive)
        *m_alive = false;
    if (m_incoming)
        m_incoming->held -= m_metered;
}

void PlainWebSocket::connectNotify(const QMetaMethod &signal)
{
    if (signal == QMetaMethod::fromSignal(&FrameSocket::bytesWritten)
        && !std::exchange(m_watchingWrites, true))
        connect(m_socket, &DirectTcpSocket::bytesWritten, this, &FrameSocket::bytesWritten);
}

void PlainWebSocket::onReadyRead()
{
    // Straight from the kernel through one buffer shared by all connections: an idle
    // connection keeps no read buffer of its own.
    thread_local QByteArray chunk(ReadChunkBytes, Qt::Uninitialized);
    for (;;) {
        const qint64 n = m_socket->read(chunk.data(), ReadChunkBytes);
        if (n < 0) {
            onGone(); // the peer closed or the connection failed (the socket said so too)
            return;
        }
        if (n == 0)
            return;
        if (!take(QByteArrayView(chunk.constData(), n)))
            return;
        if (n < ReadChunkBytes)
            return;
    }
}

bool PlainWebSocket::take(QByteArrayView bytes)
{
    bool alive = true;
    // Reset below while this object lives; once it is deleted (the destructor cleared the
    // flag), nothing reads the pointer again. GCC cannot see that.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#endif
    m_alive = &alive;
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
    switch (m_state) {
    case State::Handshake:
        readHandshake(bytes);
        break;
    case State::Open:
    case State::Closing:
        m_decoder.feed(bytes, [this, &alive](WebSocketFrameDecoder::Message &&message) {
            return handle(std::move(message)) && alive;
        });
        break;
    case State::Gone:
        break;
    }
    if (!alive)
        return false;
    m_alive = nullptr;
    return meterIncoming() && m_state != State::Gone;
}

bool PlainWebSocket::meterIncoming()
{
    if (!m_incoming)
        return true;
    const qint64 now = m_handshake.size() + m_decoder.bufferedBytes();
    const qint64 grew = now - m_metered;
    m_incoming->held += grew;
    m_metered = now;
    if (grew <= 0 || m_incoming->held <= m_incoming->cap)
        return true;
    // Past the cap: the connection whose incomplete message grew goes, not the others. A
    // flood must not become a flood of log lines: one a second, with the count.
    thread_local QElapsedTimer lastLine;
    thread_local int closedSinceLine = 0;
    ++closedSinceLine;
    if (!lastLine.isValid() || lastLine.elapsed() >= 1000) {
        qCWarning(lcServer) << m_socket->peerAddress().toString() << "would hold" << now
                            << "bytes of an incomplete message, and the connections hold"
                            << m_incoming->held << "(cap" << m_incoming->cap << "); closing it ("
                            << closedSinceLine << "closed so since the last line)";
        closedSinceLine = 0;
        lastLine.start();
    }
    dropIncoming();
    if (m_state == State::Open)
        m_socket->write(closeFrame(1013, QStringLiteral("server busy; try again later")));
    m_state = State::Closing;
    m_socket->disconnectFromHost();
    return false;
}

void PlainWebSocket::dropIncoming()
{
    m_handshake = QByteArray();
    m_decoder.clear();
    if (m_incoming)
        m_incoming->held -= std::exchange(m_metered, 0);
}

void PlainWebSocket::readHandshake(QByteArrayView bytes)
{
    m_handshake.append(bytes);
    const Handshake request = parseHandshake(m_handshake, MaxHandshakeBytes);
    if (request.status == Handshake::Incomplete)
        return;
    if (request.status != Handshake::Upgrade) {
        qCDebug(lcServer).noquote() << "refused a handshake from"
                                    << m_socket->peerAddress().toString() << "-" << request.reason;
        m_handshake = QByteArray();
        m_state = State::Closing;
        m_socket->write(refusalResponse(request));
        m_socket->disconnectFromHost();
        return;
    }
    m_socket->write(upgradeResponse(request.key));
    m_path = request.path;
    m_forwardedFor = request.forwardedFor;
    const QByteArray rest = m_handshake.sliced(request.length);
    m_handshake = QByteArray();
    m_state = State::Open;
    bool *alive = m_alive; // take()'s: false once this object is deleted
    Q_EMIT upgraded();
    if (!*alive)
        return;
    if (!rest.isEmpty()) // frames sent right behind the request
        m_decoder.feed(rest, [this, alive](WebSocketFrameDecoder::Message &&message) {
            return handle(std::move(message)) && *alive;
        });
}

bool PlainWebSocket::handle(WebSocketFrameDecoder::Message &&message)
{
    using Message = WebSocketFrameDecoder::Message;
    switch (message.kind) {
    case Message::Text:
        if (m_state == State::Open)
            Q_EMIT textMessageReceived(message.text);
        break;
    case Message::Binary:
        if (m_state == State::Open)
            Q_EMIT binaryMessageReceived(message.data);
        break;
    case Message::Ping:
        if (m_state == State::Open)
            writeFrame(Pong, message.data);
        break;
    case Message::Pong:
        Q_EMIT pong();
        break;
    case Message::Close:
        // The peer's close, or its answer to ours: the server closes the TCP connection.
        if (m_state == State::Open) {
            m_socket->write(message.code == NoStatus ? controlFrame(Close, {})
                                                     : closeFrame(message.code, QString()));
            m_state = State::Closing;
        }
        m_socket->disconnectFromHost();
        break;
    case Message::Failed:
        if (message.code == TooLarge && m_state == State::Open) {
            bool *alive = m_alive; // take()'s: false once this object is deleted
            Q_EMIT messageTooLarge(message.size);
            if (!*alive)
                return false;
            if (m_state != State::Open) { // the receiver closed (its close frame is out)
                m_socket->disconnectFromHost();
                break;
            }
        }
        qCDebug(lcServer).noquote()
            << "closing" << m_socket->peerAddress().toString() << "-" << message.text;
        if (m_state == State::Open)
            m_socket->write(closeFrame(message.code, message.text));
        m_state = State::Closing;
        m_socket->disconnectFromHost();
        break;
    }
    return true;
}

void PlainWebSocket::writeFrame(Opcode opcode, QByteArrayView payload)
{
    char header[MaxHeaderBytes];
    // Two writes, adjacent in the pass's arena: one span, one system call.
    m_socket->write(QByteArrayView(header, writeHeader(header, opcode, payload.size())));
    m_socket->write(payload);
}

void PlainWebSocket::sendTextMessage(const QString &text)
{
    if (m_state != State::Open)
        return;
    // A fan-out sends one text (one QString's shared data) to every follower: it is turned
    // into UTF-8 once, for the first of them, not once per recipient (at N = 5,000, 5,000
    // conversions of each event). The text is kept with its UTF-8, so its data cannot be
    // freed and another text's come in its place; only owned data qualifies (a raw or
    // static text's is not ours to keep alive) and only a fan-out's size (a snapshot goes
    // to one connection, and is not held on to).
    struct Converted
    {
        QString text;
        QByteArray utf8;
    };
    thread_local Converted last;
    const bool shareable = text.data_ptr().isMutable() && text.size() <= MaxSharedUtf8;
    if (!shareable) {
        writeFrame(Text, text.toUtf8());
        return;
    }
    if (!text.data_ptr().isSharedWith(last.text.data_ptr())
        || text.constData() != last.text.constData() || text.size() != last.text.size()) {
        last.text = text;
        last.utf8 = text.toUtf8();
    }
    writeFrame(Text, last.utf8);
}

void PlainWebSocket::ping()
{
    if (m_state == State::Open)
        writeFrame(Ping, {});
}

void PlainWebSocket::close(QWebSocketProtocol::CloseCode code, const QString &reason)
{
    if (m_state == State::Handshake) {
        m_state = State::Closing;
        m_socket->disconnectFromHost();
        return;
    }
    if (m_state != State::Open)
        return;
    m_socket->write(closeFrame(quint16(code), reason));
    m_state = State::Closing;
}

void PlainWebSocket::abort()
{
    m_socket->abort();
    onGone();
}

void PlainWebSocket::flush()
{
    m_socket->flush();
}

qint64 PlainWebSocket::bytesToWrite() const
{
    return m_socket->bytesToWrite();
}

bool PlainWebSocket::isOpen() const
{
    return m_state == State::Open && m_socket->isConnected();
}

QHostAddress PlainWebSocket::peerAddress() const
{
    return m_socket->peerAddress();
}

quint16 PlainWebSocket::peerPort() const
{
    return m_socket->peerPort();
}

void PlainWebSocket::setMaxIncomingMessageSize(qint64 bytes)
{
    m_decoder.setMaxMessageBytes(bytes);
}

void PlainWebSocket::onGone()
{
    if (std::exchange(m_state, State::Gone) == State::Gone)
        return;
    dropIncoming();
    Q_EMIT disconnected();
}
