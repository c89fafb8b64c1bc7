// SPDX-License-Identifier: MIT
// The server's own WebSocket for ws://: the frame decoder and the handshake on bytes, then
// PlainWebSocket under a real SessionServer on 127.0.0.1 with a raw TCP client (the
// protocol's corners QWebSocket will not produce) and a real QWebSocket.
#include "lingeringcloses.h"
#include "rawtcpwebsocket.h"
#include "sessionserver.h"
#include "websocketframes.h"

#include <QSignalSpy>
#include <QTest>
#include <QWebSocket>

#include <QElapsedTimer>
#include <QScopeGuard>
#include <QtEndian>

#include <cerrno>
#include <cstring>

#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <vector>

using namespace Qt::StringLiterals;
using namespace WebSocketFrames;
using Message = WebSocketFrameDecoder::Message;

namespace {

/// A client's frame: masked, with `opcode`, final unless told.
QByteArray clientFrame(quint8 opcode, QByteArrayView payload, bool final = true, bool masked = true)
{
    QByteArray frame;
    frame.append(char((final ? 0x80 : 0) | opcode));
    const char maskBit = masked ? char(0x80) : char(0);
    if (payload.size() < 126) {
        frame.append(char(maskBit | payload.size()));
    } else if (payload.size() <= 0xFFFF) {
        frame.append(char(maskBit | 126));
        char length[2];
        qToBigEndian(quint16(payload.size()), length);
        frame.append(length, 2);
    } else {
        frame.append(char(maskBit | 127));
        char length[8];
        qToBigEndian(quint64(payload.size()), length);
        frame.append(length, 8);
    }
    const char key[4] = { '\x12', '\x34', '\x56', '\x78' };
    if (masked)
        frame.append(key, 4);
    for (qsizetype i = 0; i < payload.size(); ++i)
        frame.append(masked ? char(payload[i] ^ key[i % 4]) : payload[i]);
    return frame;
}

QByteArray closePayload(quint16 code, QByteArrayView reason = {})
{
    QByteArray payload(2, Qt::Uninitialized);
    qToBigEndian(code, payload.data());
    payload.append(reason);
    return payload;
}

/// Every message decoded from `bytes`, fed `step` bytes at a time (0: all at once).
QList<Message> decode(QByteArrayView bytes, qsizetype step = 0, qint64 max = 1024 * 1024,
    qint64 *bufferedAtEnd = nullptr)
{
    WebSocketFrameDecoder decoder(max);
    QList<Message> messages;
    const auto handle = [&messages](Message &&message) {
        messages.append(std::move(message));
        return true;
    };
    if (step <= 0)
        step = std::max<qsizetype>(1, bytes.size());
    for (qsizetype at = 0; at < bytes.size(); at += step)
        decoder.feed(bytes.sliced(at, std::min(step, bytes.size() - at)), handle);
    if (bufferedAtEnd)
        *bufferedAtEnd = decoder.bufferedBytes();
    return messages;
}

QByteArray request(const QByteArray &extraHeaders = {}, const QByteArray &version = "13")
{
    return "GET /v1?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
           "Connection: keep-alive, Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
           "Sec-WebSocket-Version: "
        + version + "\r\n" + extraHeaders + "\r\n";
}

} // namespace

namespace {
/// A ws:// connection after its handshake (RawTcpWebSocket's), kept as a bare descriptor:
/// the test's own writes and reads, with nothing of Qt's reading in between.
struct BarePeer
{
    int descriptor = -1;
    ~BarePeer()
    {
        if (descriptor >= 0)
            ::close(descriptor);
    }
    bool open(const QUrl &url)
    {
        RawTcpWebSocket raw;
        if (!raw.open(url))
            return false;
        descriptor = ::dup(int(raw.socket.socketDescriptor()));
        raw.socket.abort(); // closes Qt's descriptor only: the connection lives on in ours
        return descriptor >= 0;
    }
    /// Sends `bytes` as the kernel takes them; 0, or the error that stopped it.
    int send(const QByteArray &bytes) const
    {
        qsizetype sent = 0;
        QDeadlineTimer deadline(5000);
        while (sent < bytes.size() && !deadline.hasExpired()) {
            const ssize_t n = ::send(descriptor, bytes.constData() + sent,
                size_t(bytes.size() - sent), MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n > 0)
                sent += n;
            else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                return errno;
            else
                QTest::qWait(1); // the server, on this thread, reads meanwhile
        }
        return sent == bytes.size() ? 0 : ETIMEDOUT;
    }
    /// Reads until the connection ends: 0 for an orderly end (the server's FIN), else the
    /// error (ECONNRESET: a reset).
    int readToEnd(QByteArray *received) const
    {
        QDeadlineTimer deadline(5000);
        char buffer[4096];
        while (!deadline.hasExpired()) {
            const ssize_t n = ::recv(descriptor, buffer, sizeof buffer, MSG_DONTWAIT);
            if (n > 0)
                received->append(buffer, n);
            else if (n == 0)
                return 0;
            else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                return errno;
            else
                QTest::qWait(1);
        }
        return ETIMEDOUT;
    }
};

} // namespace

class tst_PlainWebSocket : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void framesDecodeTheSameHoweverTheBytesArrive()
    {
        const QString text = u"héllo 𝄞 wörld"_s;
        const QByteArray utf8 = text.toUtf8();
        // A fragmented text message (the clef's 4 bytes cut between fragments), a ping
        // between its fragments, a binary message of 70,000 bytes (64-bit length), a pong.
        QByteArray bytes = clientFrame(Text, utf8.first(8), false)
            + clientFrame(Ping, "are you there")
            + clientFrame(Continuation, utf8.sliced(8, 2), false)
            + clientFrame(Continuation, utf8.sliced(10))
            + clientFrame(Binary, QByteArray(70000, 'b')) + clientFrame(Pong, {})
            + clientFrame(Text, {});
        for (const qsizetype step : { qsizetype(0), qsizetype(1), qsizetype(7), qsizetype(4096) }) {
            qint64 buffered = -1;
            const QList<Message> messages = decode(bytes, step, 1024 * 1024, &buffered);
            QVERIFY2(messages.size() == 5, qPrintable(messages.last().text));
            QCOMPARE(messages[0].kind, Message::Ping);
            QCOMPARE(messages[0].data, "are you there");
            QCOMPARE(messages[1].kind, Message::Text);
            QCOMPARE(messages[1].text, text);
            QCOMPARE(messages[2].kind, Message::Binary);
            QCOMPARE(messages[2].data, QByteArray(70000, 'b'));
            QCOMPARE(messages[3].kind, Message::Pong);
            QCOMPARE(messages[4].kind, Message::Text);
            QCOMPARE(messages[4].text, QString());
            QCOMPARE(buffered, 0); // nothing kept between whole frames
        }
    }

    void protocolViolationsFailWithTheirCloseCode_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("code");
        QTest::newRow("unmasked") << clientFrame(Text, "hi", true, false) << 1002;
        QTest::newRow("reserved bit")
            << QByteArray(clientFrame(Text, "hi")).replace(0, 1, "\xC1") << 1002;
        QTest::newRow("unknown data opcode") << clientFrame(0x3, "hi") << 1002;
        QTest::newRow("unknown control opcode") << clientFrame(0xB, "hi") << 1002;
        QTest::newRow("continuation first") << clientFrame(Continuation, "hi") << 1002;
        QTest::newRow("text inside a message")
            << clientFrame(Text, "a", false) + clientFrame(Text, "b") << 1002;
        QTest::newRow("fragmented ping") << clientFrame(Ping, "p", false) << 1002;
        QTest::newRow("long ping") << clientFrame(Ping, QByteArray(126, 'p')) << 1002;
        QTest::newRow("invalid UTF-8") << clientFrame(Text, "\xC3\x28") << 1007;
        QTest::newRow("lone surrogate") << clientFrame(Text, "\xED\xA0\x80") << 1007;
        QTest::newRow("UTF-8 cut at the message's end")
            << clientFrame(Text, "ok \xF0\x9D", false) + clientFrame(Continuation, "") << 1007;
        QTest::newRow("1-byte close") << clientFrame(Close, "x") << 1002;
        QTest::newRow("reserved close code") << clientFrame(Close, closePayload(1005)) << 1002;
        QTest::newRow("close reason not UTF-8")
            << clientFrame(Close, closePayload(1000, "\xFF")) << 1007;
        QByteArray topBit = clientFrame(Binary, QByteArray(70000, 'x')).first(14);
        topBit[2] = char(0x80);
        QTest::newRow("length's top bit") << topBit << 1002;
    }

    void protocolViolationsFailWithTheirCloseCode()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, code);
        // Whatever follows the violation is not decoded.
        const QList<Message> messages = decode(bytes + clientFrame(Text, "after"));
        QVERIFY(!messages.isEmpty());
        QCOMPARE(messages.last().kind, Message::Failed);
        QCOMPARE(messages.last().code, code);
        QVERIFY(!messages.last().text.isEmpty());
        for (qsizetype i = 0; i + 1 < messages.size(); ++i)
            QVERIFY(messages[i].text != u"after"_s);
    }

    // A frame or message over the limit fails on its header: its payload is never buffered.
    void tooLargeFailsBeforeThePayloadIsKept()
    {
        const QByteArray frame = clientFrame(Text, QByteArray(5000, 'x'));
        qint64 buffered = -1;
        QList<Message> messages = decode(frame.first(20), 0, 4096, &buffered);
        QCOMPARE(messages.size(), 1);
        QCOMPARE(messages[0].kind, Message::Failed);
        QCOMPARE(messages[0].code, 1009);
        QCOMPARE(buffered, 0);
        // Fragments adding up past it fail too.
        messages = decode(clientFrame(Text, QByteArray(3000, 'a'), false)
                + clientFrame(Continuation, QByteArray(3000, 'b')),
            0, 4096);
        QCOMPARE(messages.size(), 1);
        QCOMPARE(messages[0].code, 1009);
        // At the limit it passes.
        messages = decode(clientFrame(Text, QByteArray(4096, 'c')), 0, 4096);
        QCOMPARE(messages.size(), 1);
        QCOMPARE(messages[0].kind, Message::Text);
    }

    void closeEndsTheStream()
    {
        const QList<Message> messages = decode(clientFrame(Close, closePayload(1000, "bye"))
            + clientFrame(Text, "late") + clientFrame(Close, {}));
        QCOMPARE(messages.size(), 1);
        QCOMPARE(messages[0].kind, Message::Close);
        QCOMPARE(messages[0].code, 1000);
        QCOMPARE(messages[0].text, u"bye"_s);
        const QList<Message> empty = decode(clientFrame(Close, {}));
        QCOMPARE(empty.size(), 1);
        QCOMPARE(empty[0].code, 1005);
    }

    void theHandshakeIsReadAsRfc6455Says()
    {
        const QByteArray good
            = request("X-Forwarded-For: 10.0.0.1\r\nx-forwarded-for: 10.0.0.2\r\n");
        Handshake h = parseHandshake(good + "trailing frame bytes", MaxHandshake);
        QCOMPARE(h.status, Handshake::Upgrade);
        QCOMPARE(h.length, good.size());
        QCOMPARE(h.path, u"/v1"_s);
        QCOMPARE(h.forwardedFor, "10.0.0.1, 10.0.0.2");
        // RFC 6455 §1.3's example.
        QCOMPARE(acceptKey("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        QVERIFY(upgradeResponse(h.key).contains(
            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"));

        for (qsizetype cut : { 0, 1, 20, int(good.size()) - 1 })
            QCOMPARE(parseHandshake(good.first(cut), MaxHandshake).status, Handshake::Incomplete);
        QCOMPARE(parseHandshake(QByteArray(MaxHandshake, 'a'), MaxHandshake).status,
            Handshake::TooLarge);
        QCOMPARE(parseHandshake(request({}, "8"), MaxHandshake).status, Handshake::WrongVersion);
        QVERIFY(refusalResponse(parseHandshake(request({}, "8"), MaxHandshake))
                    .contains("\r\nSec-WebSocket-Version: 13\r\n"));
        const QList<QByteArray> bad { "POST /v1 HTTP/1.1\r\n\r\n",
            "GET /v1 HTTP/1.1\r\nHost: x\r\n\r\n",
            QByteArray(request()).replace("Upgrade: websocket", "Upgrade: h2c"),
            QByteArray(request()).replace("keep-alive, Upgrade", "keep-alive"),
            QByteArray(request()).replace("dGhlIHNhbXBsZSBub25jZQ==", "c2hvcnQ="),
            QByteArray(request()).replace("Host: 127.0.0.1", "no colon here"), "\r\n\r\n" };
        for (const QByteArray &request : bad) {
            const Handshake refused = parseHandshake(request, MaxHandshake);
            QCOMPARE(refused.status, Handshake::BadRequest);
            QVERIFY(refusalResponse(refused).startsWith("HTTP/1.1 400 "));
        }
    }

    // Against the running server: what a non-WebSocket request gets, and that a hello
    // sent in the handshake's packet, in fragments, is answered.
    void aBadRequestGetsItsHttpErrorAndIsClosed()
    {
        SessionServer server;
        QVERIFY(server.listen());
        for (const auto &[bytes, status] : { std::pair { request({}, "8"), QByteArray("426") },
                 std::pair {
                     QByteArray("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), QByteArray("400") } }) {
            QTcpSocket raw;
            raw.connectToHost(QHostAddress::LocalHost, server.port());
            QVERIFY(raw.waitForConnected(5000));
            raw.write(bytes);
            QByteArray answer;
            QTRY_VERIFY_WITH_TIMEOUT(
                (answer += raw.readAll(), raw.state() == QAbstractSocket::UnconnectedState), 5000);
            answer += raw.readAll();
            QVERIFY2(answer.startsWith("HTTP/1.1 " + status), answer.constData());
        }
        QCOMPARE(server.connectionCount(), 0);
    }

    void framesBehindTheHandshakeAndInFragmentsAreRead()
    {
        SessionServer server;
        QVERIFY(server.listen());
        RawTcpWebSocket raw;
        raw.socket.connectToHost(QHostAddress::LocalHost, server.port());
        QVERIFY(raw.socket.waitForConnected(5000));
        const QByteArray hello = R"({"type":"hello","protocol":1,"displayName":"Frag"})";
        // The request, then the hello in three fragments with a ping among them: one write.
        raw.socket.write(request() + clientFrame(Text, hello.first(10), false)
            + clientFrame(Ping, "p1") + clientFrame(Continuation, hello.sliced(10, 10), false)
            + clientFrame(Continuation, hello.sliced(20)));
        QByteArray head;
        QTRY_VERIFY_WITH_TIMEOUT((head += raw.socket.peek(4096), head.contains("\r\n\r\n")), 5000);
        const QByteArray answer = raw.socket.read(raw.socket.peek(4096).indexOf("\r\n\r\n") + 4);
        QVERIFY2(answer.startsWith("HTTP/1.1 101"), answer.constData());
        QList<RawTcpWebSocket::Frame> frames;
        QTRY_VERIFY_WITH_TIMEOUT((frames += raw.takeFrames(), frames.size() >= 2), 5000);
        QCOMPARE(frames[0].opcode, int(Pong));
        QCOMPARE(frames[0].payload, "p1");
        QCOMPARE(frames[1].opcode, int(Text));
        QVERIFY2(frames[1].payload.contains(R"("type":"welcome")"), frames[1].payload.constData());

        // Invalid UTF-8: closed with 1007, and the connection ends.
        raw.socket.write(clientFrame(Text, "\xC3\x28"));
        QTRY_VERIFY_WITH_TIMEOUT(
            (frames += raw.takeFrames(), raw.socket.state() == QAbstractSocket::UnconnectedState),
            5000);
        frames += raw.takeFrames();
        QCOMPARE(frames.last().opcode, int(Close));
        QCOMPARE(qFromBigEndian<quint16>(frames.last().payload.constData()), 1007);
        QTRY_COMPARE(server.connectionCount(), 0);
    }

    void thePeersCloseIsAnsweredWithItsCode()
    {
        SessionServer server;
        QVERIFY(server.listen());
        RawTcpWebSocket raw;
        QVERIFY(raw.open(server.url()));
        QTRY_COMPARE(server.connectionCount(), 1);
        raw.socket.write(clientFrame(Close, closePayload(4000, "bye")));
        QList<RawTcpWebSocket::Frame> frames;
        QTRY_VERIFY_WITH_TIMEOUT(
            (frames += raw.takeFrames(), raw.socket.state() == QAbstractSocket::UnconnectedState),
            5000);
        frames += raw.takeFrames();
        QCOMPARE(frames.size(), 1);
        QCOMPARE(frames[0].opcode, int(Close));
        QCOMPARE(qFromBigEndian<quint16>(frames[0].payload.constData()), 4000);
        QTRY_COMPARE(server.connectionCount(), 0);
    }

    // A message over the protocol's 64 KiB is refused on its frame's header: the server says
    // why (error too_large, with the size the header announced) and closes with 1009 having
    // read 100 bytes of its 70,000, so a peer cannot make it hold more than 64 KiB.
    void aMessageOverTheLimitIsRefusedOnItsHeader()
    {
        SessionServer server;
        QVERIFY(server.listen());
        RawTcpWebSocket raw;
        QVERIFY(raw.open(server.url()));
        QTRY_COMPARE(server.connectionCount(), 1);
        const QByteArray frame = clientFrame(Text, QByteArray(70'000, 'x'));
        raw.socket.write(frame.first(14 + 100)); // the 14-byte header and 100 bytes of payload
        QList<RawTcpWebSocket::Frame> frames;
        QTRY_VERIFY_WITH_TIMEOUT(
            (frames += raw.takeFrames(), raw.socket.state() == QAbstractSocket::UnconnectedState),
            5000);
        frames += raw.takeFrames();
        QCOMPARE(frames.size(), 2);
        QCOMPARE(frames[0].opcode, int(Text));
        QVERIFY2(frames[0].payload.contains(R"("code":"too_large")")
                && frames[0].payload.contains("frame of 70000 bytes"),
            frames[0].payload.constData());
        QCOMPARE(frames[1].opcode, int(Close));
        QCOMPARE(qFromBigEndian<quint16>(frames[1].payload.constData()), 1009);
        QTRY_COMPARE(server.connectionCount(), 0);
        QCOMPARE(server.incomingBytes(), 0);
    }

    // A peer sending a message over the limit in one go gets its answer and an orderly end,
    // not a reset: the rest of the message, unread when the server ends the connection, is
    // read and dropped until the peer's own FIN (LingeringCloses). Closed with bytes unread,
    // the server's kernel resets the connection, which drops what it has not sent yet (our
    // error and close frames, behind a slow link) and, on some systems, what the peer had
    // received but not read.
    void aRefusedPeerStillSendingGetsAnOrderlyEnd()
    {
        SessionServer server;
        QVERIFY(server.listen());
        BarePeer peer;
        QVERIFY(peer.open(server.url()));
        QTRY_COMPARE(server.connectionCount(), 1);
        QCOMPARE(peer.send(clientFrame(Text, QByteArray(200'000, 'x'))), 0);
        QByteArray received;
        QCOMPARE(peer.readToEnd(&received), 0);
        QVERIFY2(received.contains(R"("code":"too_large")"), received.constData());
        QCOMPARE(server.connectionCount(), 0); // gone for the server at once
        QCOMPARE(server.lingeringCloses(), 1); // until the peer's FIN
        ::shutdown(peer.descriptor, SHUT_WR);
        QTRY_COMPARE(server.lingeringCloses(), 0);
    }

    // A peer that never ends is closed at the deadline; one that floods is cut at the byte
    // cap, before it. Nothing lingers longer or reads more.
    void lingeringIsBoundedInTimeAndBytes()
    {
        SessionServer server;
        QVERIFY(server.listen());
        const QByteArray header = clientFrame(Text, QByteArray(70'000, 'x')).first(14);
        BarePeer silent;
        QVERIFY(silent.open(server.url()));
        QCOMPARE(silent.send(header), 0);
        QByteArray received;
        QCOMPARE(silent.readToEnd(&received), 0);
        QElapsedTimer lingered;
        lingered.start();
        QCOMPARE(server.lingeringCloses(), 1);
        BarePeer flooding;
        QVERIFY(flooding.open(server.url()));
        QCOMPARE(flooding.send(header), 0);
        QCOMPARE(flooding.readToEnd(&received), 0);
        QCOMPARE(server.lingeringCloses(), 2);
        const int sent = flooding.send(QByteArray(int(LingeringCloses::LingerBytes * 2), 'f'));
        QVERIFY2(sent == 0 || sent == ECONNRESET || sent == EPIPE, std::strerror(sent));
        QTRY_COMPARE(server.lingeringCloses(), 1); // the flood's, cut
        QVERIFY2(lingered.elapsed() < LingeringCloses::LingerMs, "cut before the deadline");
        QTRY_COMPARE_WITH_TIMEOUT(server.lingeringCloses(), 0, LingeringCloses::LingerMs + 3000);
        QVERIFY(lingered.elapsed() >= LingeringCloses::LingerMs - 100);
    }

    // What the connections hold of incomplete messages is capped in total: the peer whose
    // message would pass the cap is closed, the others keep theirs, and a peer's share goes
    // with it. (Each may hold up to the protocol's 64 KiB: the total is what is bounded.)
    void incompleteMessagesAreCappedInTotal()
    {
        ServerOptions options;
        options.maxIncomingBytesTotal = 128 * 1024;
        SessionServer server(options);
        QVERIFY(server.listen());
        const QByteArray start = clientFrame(Text, QByteArray(60 * 1024, 'a')).first(50 * 1024);
        std::vector<std::unique_ptr<RawTcpWebSocket>> peers;
        for (int i = 0; i < 3; ++i) {
            peers.push_back(std::make_unique<RawTcpWebSocket>());
            QVERIFY(peers.back()->open(server.url()));
        }
        QTRY_COMPARE(server.connectionCount(), 3);
        QCOMPARE(server.incomingBytes(), 0);
        peers[0]->socket.write(start);
        peers[1]->socket.write(start);
        QTRY_COMPARE(server.incomingBytes(), 2 * start.size());
        peers[2]->socket.write(start);
        QTRY_COMPARE(peers[2]->socket.state(), QAbstractSocket::UnconnectedState);
        QTRY_COMPARE(server.connectionCount(), 2);
        QCOMPARE(server.incomingBytes(), 2 * start.size());
        QCOMPARE(peers[0]->socket.state(), QAbstractSocket::ConnectedState);
        QCOMPARE(peers[1]->socket.state(), QAbstractSocket::ConnectedState);
        peers[0]->socket.abort();
        peers[1]->socket.abort();
        QTRY_COMPARE(server.incomingBytes(), 0);
    }

    // The close handshake both ways, with Qt's client: the peer's close ends the connection
    // (the raw client's test above sees the answer), and the server's own close reaches the
    // client with its code and reason.
    void closingIsAHandshake()
    {
        SessionServer server;
        QVERIFY(server.listen());
        QWebSocket client;
        QSignalSpy connected(&client, &QWebSocket::connected);
        QSignalSpy disconnected(&client, &QWebSocket::disconnected);
        client.open(server.url());
        QVERIFY(connected.wait(5000));
        QTRY_COMPARE(server.connectionCount(), 1);
        client.close(QWebSocketProtocol::CloseCodeNormal, u"done"_s);
        QTRY_COMPARE(disconnected.size(), 1); // (Qt's client may cut its end at once)
        QTRY_COMPARE(server.connectionCount(), 0);

        // No hello in time: the server closes with 1008 and its reason.
        ServerOptions options;
        options.helloTimeoutMs = 100;
        SessionServer strict(options);
        QVERIFY(strict.listen());
        QWebSocket silent;
        QSignalSpy silentGone(&silent, &QWebSocket::disconnected);
        silent.open(strict.url());
        QVERIFY(silentGone.wait(5000));
        QCOMPARE(silent.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
        QCOMPARE(silent.closeReason(), u"hello expected"_s);
    }

private:
    static constexpr qsizetype MaxHandshake = 8192;
};

QTEST_GUILESS_MAIN(tst_PlainWebSocket)
#include "tst_plainwebsocket.moc"
