// SPDX-License-Identifier: MIT
// libFuzzer target: the server's own WebSocket reader (ws://). Any bytes may be read as an
// opening handshake and as a client's frames without a crash or a read out of bounds; the
// frames must decode to the same messages however the bytes are cut into reads, nothing may
// follow a Close or Failed message, and nothing larger than the limit is ever delivered.
#include "websocketframes.h"

#include <QList>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

constexpr qint64 MaxMessageBytes = 1024;

using Message = WebSocketFrameDecoder::Message;

void require(bool condition, const char *what)
{
    if (condition)
        return;
    std::fprintf(stderr, "websocket check failed: %s\n", what);
    std::abort();
}

QList<Message> decode(QByteArrayView bytes, qsizetype step)
{
    WebSocketFrameDecoder decoder(MaxMessageBytes);
    QList<Message> messages;
    const auto handle = [&messages, &decoder](Message &&message) {
        require(!decoder.finished() || message.kind == Message::Close
                || message.kind == Message::Failed,
            "a message after the stream ended");
        messages.append(std::move(message));
        return true;
    };
    for (qsizetype at = 0; at < bytes.size(); at += step)
        decoder.feed(bytes.sliced(at, std::min(step, bytes.size() - at)), handle);
    require(decoder.bufferedBytes() <= bytes.size(), "more kept than was fed");
    return messages;
}

bool same(const Message &a, const Message &b)
{
    return a.kind == b.kind && a.text == b.text && a.data == b.data && a.code == b.code;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    // The first byte chooses how the rest is cut into reads.
    const qsizetype step = 1 + data[0] % 16;
    const QByteArrayView bytes(reinterpret_cast<const char *>(data) + 1, qsizetype(size) - 1);

    const WebSocketFrames::Handshake handshake = WebSocketFrames::parseHandshake(bytes, 512);
    require(handshake.length <= bytes.size(), "a handshake longer than its bytes");
    if (handshake.status == WebSocketFrames::Handshake::Upgrade)
        require(!WebSocketFrames::upgradeResponse(handshake.key).isEmpty(), "no answer");
    else if (handshake.status != WebSocketFrames::Handshake::Incomplete)
        require(WebSocketFrames::refusalResponse(handshake).startsWith("HTTP/1.1 4"), "no refusal");

    const QList<Message> whole = decode(bytes, std::max<qsizetype>(1, bytes.size()));
    const QList<Message> cut = decode(bytes, step);
    require(whole.size() == cut.size(), "a different count of messages when cut");
    for (qsizetype i = 0; i < whole.size(); ++i) {
        require(same(whole[i], cut[i]), "a different message when cut");
        const Message &m = whole[i];
        require(m.data.size() <= MaxMessageBytes && m.text.size() <= MaxMessageBytes,
            "a message over the limit");
        if (m.kind == Message::Close || m.kind == Message::Failed)
            require(i == whole.size() - 1, "a message after a Close or Failed");
    }
    return 0;
}
