// SPDX-License-Identifier: MIT
#pragma once

// The codec's field reader, shared by its two source files (frames, ack results). Private to
// net/: nothing outside the codec reads JSON by key.

#include "protocol.h"

#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>
#include <array>
#include <limits>
#include <utility>

namespace Protocol::detail {

/**
 * `text` cut to at most `n` characters without splitting a surrogate pair, with lone
 * surrogates as U+FFFD: safe to quote back in an error message (a peer refuses text that is
 * not valid Unicode, and so would never read the error).
 */
inline QString quotable(const QString &text, qsizetype n)
{
    QString out;
    out.reserve(std::min(n, text.size()));
    for (qsizetype i = 0; i < text.size() && out.size() < n; ++i) {
        const QChar c = text.at(i);
        if (c.isHighSurrogate() && i + 1 < text.size() && text.at(i + 1).isLowSurrogate()) {
            if (out.size() + 2 > n)
                break;
            out += c;
            out += text.at(++i);
        } else {
            out += c.isSurrogate() ? QChar(QChar::ReplacementCharacter) : c;
        }
    }
    return out;
}

template<typename Enum, std::size_t N>
using NameTable = std::array<std::pair<Enum, const char *>, N>;

constexpr NameTable<ParticipantType, 2> participantTypeNames { {
    { ParticipantType::User, "user" },
    { ParticipantType::Helpy, "helpy" },
} };
constexpr NameTable<Role, 3> roleNames { {
    { Role::Owner, "owner" },
    { Role::Moderator, "moderator" },
    { Role::Member, "member" },
} };
constexpr NameTable<MembershipEntry::Change, 5> membershipChangeNames { {
    { MembershipEntry::Change::Joined, "joined" },
    { MembershipEntry::Change::Added, "added" },
    { MembershipEntry::Change::Left, "left" },
    { MembershipEntry::Change::Removed, "removed" },
    { MembershipEntry::Change::RoleChanged, "role_changed" },
} };
constexpr NameTable<Presence, 3> presenceNames { {
    { Presence::Online, "online" },
    { Presence::Reconnecting, "reconnecting" },
    { Presence::Offline, "offline" },
} };
constexpr NameTable<ErrorCode, 11> errorCodeNames { {
    { ErrorCode::BadRequest, "bad_request" },
    { ErrorCode::UnsupportedProtocol, "unsupported_protocol" },
    { ErrorCode::NotAuthenticated, "not_authenticated" },
    { ErrorCode::NotFound, "not_found" },
    { ErrorCode::Forbidden, "forbidden" },
    { ErrorCode::Conflict, "conflict" },
    { ErrorCode::LimitExceeded, "limit_exceeded" },
    { ErrorCode::RateLimited, "rate_limited" },
    { ErrorCode::TooLarge, "too_large" },
    { ErrorCode::Internal, "internal" },
    { ErrorCode::Unavailable, "unavailable" },
} };

constexpr NameTable<MessageKind, 2> messageKindNames { {
    { MessageKind::Chat, "chat" },
    { MessageKind::Notice, "notice" },
} };

template<typename Enum, std::size_t N> QString nameOf(const NameTable<Enum, N> &table, Enum value)
{
    for (const auto &[candidate, name] : table) {
        if (candidate == value)
            return QString::fromLatin1(name);
    }
    return {};
}

/// nameOf() without making a QString (the names are ASCII literals).
template<typename Enum, std::size_t N>
QByteArrayView asciiNameOf(const NameTable<Enum, N> &table, Enum value)
{
    for (const auto &[candidate, name] : table) {
        if (candidate == value)
            return QByteArrayView(name);
    }
    return {};
}

template<typename Enum, std::size_t N>
std::optional<Enum> valueOf(const NameTable<Enum, N> &table, const QString &text)
{
    for (const auto &[candidate, name] : table) {
        if (text == QLatin1String(name))
            return candidate;
    }
    return std::nullopt;
}

/// Thrown inside the decoder only; decode*Frame turns it into a DecodeError.
struct Reject
{
    ErrorCode code;
    QString message;
};

/**
 * Reads typed fields of one JSON object and rejects with a message naming the field,
 * so that every malformed case gets the same kind of readable error.
 */
class Fields
{
public:
    Fields(const QJsonObject &object, QString context, const Limits &limits)
        : m_object(object)
        , m_context(std::move(context))
        , m_limits(limits)
    { }

    QString string(const char *key, qsizetype maxLength) const
    {
        const QJsonValue value = m_object.value(QLatin1String(key));
        if (value.isUndefined())
            fail(QStringLiteral("missing field '%1'").arg(QLatin1String(key)));
        return checkedString(key, value, maxLength);
    }

    QString optionalString(const char *key, qsizetype maxLength) const
    {
        const QJsonValue value = m_object.value(QLatin1String(key));
        if (value.isUndefined() || value.isNull())
            return {};
        return checkedString(key, value, maxLength);
    }

    /// A name or title: trimmed first, then held to maxLength (as docs/protocol.md says).
    QString trimmedString(const char *key, qsizetype maxLength, bool optional = false) const
    {
        const QString text = optional ? optionalString(key, m_limits.maxFrameBytes).trimmed()
                                      : string(key, m_limits.maxFrameBytes).trimmed();
        checkLength(key, text, maxLength);
        return text;
    }

    QString id(const char *key) const
    {
        const QString value = string(key, m_limits.maxIdLength);
        if (value.isEmpty())
            fail(QStringLiteral("field '%1' must not be empty").arg(QLatin1String(key)));
        return value;
    }
    QString optionalId(const char *key) const { return optionalString(key, m_limits.maxIdLength); }
    QString requestId() const { return id("requestId"); }

    qint64 integer(const char *key) const
    {
        const auto value = optionalInteger(key);
        if (!value)
            fail(QStringLiteral("missing field '%1'").arg(QLatin1String(key)));
        return *value;
    }

    std::optional<qint64> optionalInteger(const char *key) const
    {
        const QJsonValue value = m_object.value(QLatin1String(key));
        if (value.isUndefined() || value.isNull())
            return std::nullopt;
        const double number = value.toDouble(-1.5);
        // JSON numbers are doubles; accept only exact non-negative integers below 2^53.
        if (!value.isDouble() || number < 0 || number > 9007199254740991.0
            || number != static_cast<double>(static_cast<qint64>(number)))
            fail(QStringLiteral("field '%1' must be a non-negative integer")
                     .arg(QLatin1String(key)));
        return static_cast<qint64>(number);
    }

    /// An integer that must fit an int (versions, counts, seconds): never silently truncated.
    int smallInteger(const char *key) const
    {
        const qint64 value = integer(key);
        if (value > std::numeric_limits<int>::max())
            fail(QStringLiteral("field '%1' is out of range").arg(QLatin1String(key)));
        return static_cast<int>(value);
    }

    bool boolean(const char *key) const
    {
        const QJsonValue value = m_object.value(QLatin1String(key));
        if (value.isUndefined())
            fail(QStringLiteral("missing field '%1'").arg(QLatin1String(key)));
        if (!value.isBool())
            fail(QStringLiteral("field '%1' must be a boolean").arg(QLatin1String(key)));
        return value.toBool();
    }

    QDateTime timestamp(const char *key) const
    {
        const QString text = string(key, m_limits.maxFrameBytes);
        const QDateTime time = text.size() > 64 ? QDateTime() : parseTimestamp(text);
        if (!time.isValid())
            fail(QStringLiteral("field '%1' is not an ISO-8601 timestamp").arg(QLatin1String(key)));
        return time;
    }

    template<typename Enum, std::size_t N>
    Enum enumeration(const char *key, const NameTable<Enum, N> &table) const
    {
        const QString text = string(key, m_limits.maxFrameBytes);
        const auto value = valueOf(table, text);
        if (!value)
            fail(QStringLiteral("field '%1' has unknown value '%2'")
                     .arg(QLatin1String(key), quotable(text, 32)));
        return *value;
    }

    QJsonObject object(const char *key) const
    {
        const QJsonValue value = m_object.value(QLatin1String(key));
        if (!value.isObject())
            fail(QStringLiteral("field '%1' must be an object").arg(QLatin1String(key)));
        return value.toObject();
    }

    /// An object that may be absent (or null): then an empty one.
    QJsonObject optionalObject(const char *key) const
    {
        const QJsonValue value = m_object.value(QLatin1String(key));
        if (value.isUndefined() || value.isNull())
            return {};
        return object(key);
    }

    QJsonArray array(const char *key) const
    {
        const QJsonValue value = m_object.value(QLatin1String(key));
        if (!value.isArray())
            fail(QStringLiteral("field '%1' must be an array").arg(QLatin1String(key)));
        return value.toArray();
    }

    /// True when the field is present (and not null): for fields added after v1 shipped.
    bool has(const char *key) const
    {
        const QJsonValue value = m_object.value(QLatin1String(key));
        return !value.isUndefined() && !value.isNull();
    }

    const Limits &limits() const { return m_limits; }

    [[noreturn]] void fail(const QString &message, ErrorCode code = ErrorCode::BadRequest) const
    {
        throw Reject { code,
            m_context.isEmpty() ? message : m_context + QLatin1String(": ") + message };
    }

private:
    QString checkedString(const char *key, const QJsonValue &value, qsizetype maxLength) const
    {
        if (!value.isString())
            fail(QStringLiteral("field '%1' must be a string").arg(QLatin1String(key)));
        QString text = value.toString();
        checkLength(key, text, maxLength);
        // A lone surrogate ("\ud800" in JSON) cannot be stored as UTF-8: it would come back
        // from storage as something else. Refused here, in every string field.
        if (!QStringView(text).isValidUtf16())
            fail(QStringLiteral("field '%1' is not valid Unicode (a lone surrogate)")
                     .arg(QLatin1String(key)));
        return text;
    }

    void checkLength(const char *key, const QString &text, qsizetype maxLength) const
    {
        if (text.size() > maxLength)
            fail(QStringLiteral("field '%1' is longer than %2 characters")
                     .arg(QLatin1String(key))
                     .arg(maxLength),
                ErrorCode::TooLarge);
    }

    QJsonObject m_object;
    QString m_context;
    const Limits &m_limits;
};

} // namespace Protocol::detail
