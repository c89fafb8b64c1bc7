// SPDX-License-Identifier: MIT
#pragma once

#include "protocol.h"

#include <QByteArrayView>
#include <QString>

#include <optional>
#include <variant>

/**
 * @brief The codec's properties the fuzzers and the corpus replay check, in one place.
 *
 * Each check returns a readable failure, or nothing when the property holds. The fuzzers
 * abort on a failure (libFuzzer then saves the input); the replay test fails with it.
 */
namespace FrameCheck {

/// What is re-decoded and compared: the client limits the server uses by default.
inline const Protocol::Limits &clientLimits()
{
    static const Protocol::Limits limits;
    return limits;
}

template<typename Frame, typename Decode>
std::optional<QString> checkRoundTrip(QByteArrayView bytes, Decode decode, const char *direction)
{
    const auto decoded = decode(bytes);
    if (const auto *error = std::get_if<Protocol::DecodeError>(&decoded)) {
        if (error->message.isEmpty())
            return QStringLiteral("%1 frame refused without a message")
                .arg(QLatin1String(direction));
        return std::nullopt; // refusing is fine; crashing is not
    }
    const Frame &frame = std::get<Frame>(decoded);
    const QString first = Protocol::encode(frame);
    const QByteArray firstUtf8 = first.toUtf8();
    const auto again = decode(firstUtf8);
    if (const auto *error = std::get_if<Protocol::DecodeError>(&again)) {
        return QStringLiteral("%1 frame does not decode after encode: %2\n  encoded: %3")
            .arg(QLatin1String(direction), error->message, first.left(2000));
    }
    const QString second = Protocol::encode(std::get<Frame>(again));
    if (second != first) {
        return QStringLiteral("%1 frame changes on a second round trip\n  first:  %2\n  second: %3")
            .arg(QLatin1String(direction), first.left(2000), second.left(2000));
    }
    if (Protocol::typeName(frame) != Protocol::typeName(std::get<Frame>(again)))
        return QStringLiteral("%1 frame changes type on a round trip")
            .arg(QLatin1String(direction));
    return std::nullopt;
}

inline std::optional<QString> checkClientFrame(QByteArrayView bytes)
{
    return checkRoundTrip<Protocol::ClientFrame>(
        bytes,
        [](QByteArrayView text) { return Protocol::decodeClientFrame(text, clientLimits()); },
        "client");
}

inline std::optional<QString> checkServerFrame(QByteArrayView bytes)
{
    return checkRoundTrip<Protocol::ServerFrame>(
        bytes, [](QByteArrayView text) { return Protocol::decodeServerFrame(text); }, "server");
}

} // namespace FrameCheck
