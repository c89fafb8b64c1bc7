// SPDX-License-Identifier: MIT
#include "logformat.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

namespace {

thread_local const LogContext *t_context = nullptr;

const char *levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return "debug";
    case QtInfoMsg:
        return "info";
    case QtWarningMsg:
        return "warning";
    case QtCriticalMsg:
        return "critical";
    case QtFatalMsg:
        return "fatal";
    }
    return "unknown";
}

void jsonHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const QByteArray line = LogFormat::jsonLine(type, context.category, message) + '\n';
    // One write per line: lines of concurrent writers do not interleave.
    std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    std::fflush(stderr);
    if (type == QtFatalMsg)
        std::abort();
}

} // namespace

std::optional<LogFormat::Format> LogFormat::fromString(const QString &name)
{
    if (name == u"text")
        return Format::Text;
    if (name == u"json")
        return Format::Json;
    return std::nullopt;
}

void LogFormat::install(Format format)
{
    if (format == Format::Json)
        qInstallMessageHandler(jsonHandler);
}

QByteArray LogFormat::jsonLine(QtMsgType type, const char *category, const QString &message)
{
    QJsonObject object {
        { QStringLiteral("time"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs) },
        { QStringLiteral("level"), QLatin1String(levelName(type)) },
        { QStringLiteral("category"), QLatin1String(category && *category ? category : "default") },
        { QStringLiteral("message"), message },
    };
    if (const LogContext *context = LogContext::current()) {
        if (!context->user.isEmpty())
            object.insert(QStringLiteral("user"), context->user);
        if (!context->session.isEmpty())
            object.insert(QStringLiteral("session"), context->session);
        if (!context->request.isEmpty())
            object.insert(QStringLiteral("request"), context->request);
    }
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

LogContext::LogContext(const QString &user, const QString &session, const QString &request)
    : user(user)
    , session(session)
    , request(request)
    , m_outer(t_context)
{
    t_context = this;
}

LogContext::~LogContext()
{
    t_context = m_outer;
}

const LogContext *LogContext::current()
{
    return t_context;
}
