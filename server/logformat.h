// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <optional>
#include <variant>

/**
 * @brief How the server writes its log lines to stderr: Qt's plain text (the default) or
 * JSON, one object per line, for journald, Loki or jq.
 *
 * A JSON line has `time` (UTC, ISO 8601 with milliseconds), `level` (debug, info, warning,
 * critical, fatal), `category` (helpy.server, …) and `message`, plus `user`, `session` and
 * `request` when the line was logged while a request was handled (see LogContext).
 */
namespace LogFormat {

enum class Format { Text, Json };

/// "text" or "json"; nullopt for anything else.
std::optional<Format> fromString(const QString &name);
/// Installs the message handler for `format` (Text: Qt's own, untouched).
void install(Format format);
/// One JSON line for a message (without the newline); what the handler writes.
QByteArray jsonLine(QtMsgType type, const char *category, const QString &message);

} // namespace LogFormat

/**
 * @brief While alive, the log lines of this thread carry who and what they are about: the
 * user, session and request a request handler works on. Nests (the inner one wins).
 */
class LogContext
{
public:
    LogContext(const QString &user, const QString &session, const QString &request);
    ~LogContext();
    Q_DISABLE_COPY_MOVE(LogContext)

    static const LogContext *current();

    const QString user;
    const QString session;
    const QString request;

private:
    const LogContext *m_outer;
};

/// The `sessionId` of a frame that has one (most requests); empty otherwise.
template<typename... Frames> QString sessionIdIn(const std::variant<Frames...> &frame)
{
    return std::visit(
        [](const auto &f) -> QString {
            if constexpr (requires { f.sessionId; })
                return f.sessionId;
            else
                return {};
        },
        frame);
}
