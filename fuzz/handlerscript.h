// SPDX-License-Identifier: MIT
#pragma once

#include "framecheck.h"
#include "sessionserver.h"
#include "sessionservertester.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QStringList>

#include <array>
#include <cstdio>
#include <memory>
#include <optional>

/**
 * @brief Runs a script of client frames against a fresh SessionServer through its test seam
 * (SessionServerTester, tests/common) and checks what the server answers.
 *
 * A script is one frame per line. A line may start with `N>` (N = 0..3) to send from
 * in-memory connection N instead of 0, or be `N!` to drop connection N as if its network
 * died. Identifiers the server made up earlier in the run can be referred to, so that a
 * short input reaches deep into the handler: `$S` the last sessionId, `$I` the last invite
 * code, `$E` the last epoch, `$R` the last revision, `$P` the last participantId acked,
 * `$U0`..`$U3` / `$T0`..`$T3` the userId / token welcomed on each connection.
 *
 * Checked: no crash (the sanitizers watch), every frame the server sends decodes as a server
 * frame and round-trips, and every decoded request gets exactly one answer (ack or error)
 * with its requestId. Set HELPY_FUZZ_TRACE=1 to print each frame in and out.
 */
class HandlerScript
{
public:
    static constexpr int Connections = 4;

    static ServerOptions fuzzOptions()
    {
        ServerOptions options;
        options.heartbeatSeconds = 0;
        options.maxRequestsPerSecond = 1 << 30; // reach the handlers, not the rate limiter
        options.maxParticipants = 8; // reach limit_exceeded in a few lines
        options.eventLogSize = 8; // reach "resume too old" in a few lines
        options.snapshotMessages = 4;
        return options;
    }

    /// The first property that failed, or nothing.
    std::optional<QString> run(QByteArrayView script)
    {
        auto server = std::make_unique<SessionServer>(fuzzOptions());
        SessionServerTester tester(*server);
        const QList<QByteArrayView> lines = splitLines(script);
        std::optional<QString> failure;
        for (QByteArrayView line : lines) {
            failure = runLine(tester, line);
            if (failure)
                break;
        }
        server.reset();
        // Connections the server dropped are deleted later; do it now, not in the next run.
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        return failure;
    }

private:
    QString m_sessionId, m_invite, m_epoch, m_revision, m_participantId;
    std::array<QString, Connections> m_userIds, m_tokens;

    static QList<QByteArrayView> splitLines(QByteArrayView script)
    {
        QList<QByteArrayView> lines;
        qsizetype start = 0;
        for (qsizetype i = 0; i <= script.size(); ++i) {
            if (i == script.size() || script.at(i) == '\n') {
                if (i > start)
                    lines.append(script.sliced(start, i - start));
                start = i + 1;
            }
        }
        return lines;
    }

    QString substitute(QString text) const
    {
        if (!text.contains(QLatin1Char('$')))
            return text;
        for (int i = 0; i < Connections; ++i) {
            text.replace(QStringLiteral("$U%1").arg(i), m_userIds.at(i));
            text.replace(QStringLiteral("$T%1").arg(i), m_tokens.at(i));
        }
        text.replace(QLatin1String("$S"), m_sessionId);
        text.replace(QLatin1String("$I"), m_invite);
        text.replace(QLatin1String("$E"), m_epoch);
        text.replace(QLatin1String("$R"), m_revision.isEmpty() ? QStringLiteral("0") : m_revision);
        text.replace(QLatin1String("$P"), m_participantId);
        return text;
    }

    void learn(int connection, const QJsonObject &frame)
    {
        const QString type = frame.value(QLatin1String("type")).toString();
        auto remember = [&frame](const char *key, QString &into) {
            const QJsonValue value = frame.value(QLatin1String(key));
            if (value.isString() && !value.toString().isEmpty())
                into = value.toString();
        };
        if (type == QLatin1String("welcome")) {
            remember("userId", m_userIds.at(std::size_t(connection)));
            remember("token", m_tokens.at(std::size_t(connection)));
            return;
        }
        remember("sessionId", m_sessionId);
        remember("epoch", m_epoch);
        if (type == QLatin1String("ack")) {
            remember("inviteCode", m_invite);
            remember("participantId", m_participantId);
        }
        if (frame.value(QLatin1String("revision")).isDouble())
            m_revision = QString::number(frame.value(QLatin1String("revision")).toInteger());
    }

    std::optional<QString> runLine(SessionServerTester &server, QByteArrayView line)
    {
        int connection = 0;
        if (line.size() >= 2 && line.at(0) >= '0' && line.at(0) < '0' + Connections) {
            if (line.at(1) == '!') {
                server.dropConnection(line.at(0) - '0');
                if (qEnvironmentVariableIsSet("HELPY_FUZZ_TRACE"))
                    std::fprintf(stderr, "%c! (dropped)\n", line.at(0));
                return std::nullopt;
            }
            if (line.at(1) == '>') {
                connection = line.at(0) - '0';
                line = line.sliced(2);
            }
        }
        const QString text = substitute(QString::fromUtf8(line));
        const QByteArray utf8 = text.toUtf8();
        const auto decoded = Protocol::decodeClientFrame(utf8, server.server().options().limits);
        QString requestId;
        if (const auto *frame = std::get_if<Protocol::ClientFrame>(&decoded))
            requestId = Protocol::requestIdOf(*frame);

        const QStringList sent = server.handleFrame(connection, text);
        static const bool trace = qEnvironmentVariableIsSet("HELPY_FUZZ_TRACE");
        if (trace) {
            std::fprintf(stderr, "%d> %s\n", connection, qPrintable(text));
            for (const QString &frameText : sent)
                std::fprintf(stderr, "  < %s\n", qPrintable(frameText));
        }

        int answers = 0;
        for (const QString &frameText : sent) {
            const QByteArray frameUtf8 = frameText.toUtf8();
            const auto asServerFrame = Protocol::decodeServerFrame(frameUtf8);
            if (const auto *error = std::get_if<Protocol::DecodeError>(&asServerFrame)) {
                return QStringLiteral("the server sent a frame clients refuse (%1): %2")
                    .arg(error->message, frameText.left(2000));
            }
            if (auto failure = FrameCheck::checkServerFrame(frameUtf8))
                return failure;
            const QJsonObject object = QJsonDocument::fromJson(frameUtf8).object();
            const QString type = object.value(QLatin1String("type")).toString();
            if (!requestId.isEmpty()
                && (type == QLatin1String("ack") || type == QLatin1String("error"))
                && object.value(QLatin1String("requestId")).toString() == requestId)
                ++answers;
            learn(connection, object);
        }
        if (!requestId.isEmpty() && answers != 1) {
            return QStringLiteral("request %1 got %2 answers: %3")
                .arg(requestId)
                .arg(answers)
                .arg(text.left(2000));
        }
        return std::nullopt;
    }
};
