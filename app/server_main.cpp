// SPDX-License-Identifier: MIT
// helpy-server: the session server, headless. All logic lives in the helpy_server library.
#include "certificatepins.h"
#include "configfile.h"
#include "epolleventdispatcher.h"
#include "forwardedfor.h"
#include "logformat.h"
#include "metricsendpoint.h"
#include "sessionserver.h"
#include "shutdownsignals.h"
#include "systemdnotify.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QStandardPaths>
#include <QTimer>
#include <QUrl>

#include <cstdio>

#include <sys/resource.h>

namespace {

bool parseListen(const QString &text, ServerOptions &options)
{
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    if (colon < 0)
        return false;
    QString host = text.left(colon);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    bool ok = false;
    const uint port = text.mid(colon + 1).toUInt(&ok);
    if (!ok || port > 65535)
        return false;
    options.address = host.isEmpty() || host == QLatin1String("*") ? QHostAddress(QHostAddress::Any)
                                                                   : QHostAddress(host);
    options.port = quint16(port);
    return !options.address.isNull();
}

bool parsePositive(const QCommandLineParser &parser, const QString &name, int &value)
{
    if (!parser.isSet(name))
        return true;
    bool ok = false;
    const int parsed = parser.value(name).toInt(&ok);
    if (!ok || parsed < 0)
        return false;
    value = parsed;
    return true;
}

/// Raises the soft limit on open files to the hard one: each connection holds a descriptor.
/// The server keeps its connections under what is left (see Budgets::maxConnections).
void raiseFileLimit()
{
    rlimit limit {};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

QString defaultDataPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
        + QStringLiteral("/sessions.sqlite");
}

} // namespace

int main(int argc, char *argv[])
{
    // Qt's glib event dispatcher finds socket notifiers by a linear search, which makes a
    // fan-out to N connections cost O(N²) (profiled: bench/callgrind.sh); Qt's UNIX one polls
    // every connection on every pass. The server needs no glib integration: it runs on an
    // epoll dispatcher, whose pass costs what is ready. HELPY_EVENT_DISPATCHER=qt keeps Qt's
    // (UNIX, or glib with an explicitly empty QT_NO_GLIB=), for comparison: bench/run does.
    if (qEnvironmentVariable("HELPY_EVENT_DISPATCHER") != QLatin1String("qt"))
        QCoreApplication::setEventDispatcher(new EpollEventDispatcher);
    else if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("helpy-server"));
    QCoreApplication::setOrganizationName(QStringLiteral("Helpy"));
    QCoreApplication::setApplicationVersion(QStringLiteral(HELPY_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Helpy session server: the single source of truth for group study sessions.\n\n"
        "Each option's value comes from the command line, else from the --config file (INI: "
        "name = value, flags: name = true), else from the built-in default shown below."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption listen(QStringLiteral("listen"),
        QStringLiteral("Address and port to listen on (port 0: any)."), QStringLiteral("host:port"),
        QStringLiteral("127.0.0.1:8787"));
    const QCommandLineOption heartbeat(QStringLiteral("heartbeat-interval"),
        QStringLiteral(
            "Seconds between pings; silent peers are dropped after twice that (0: off)."),
        QStringLiteral("seconds"), QStringLiteral("15"));
    const QCommandLineOption grace(QStringLiteral("presence-grace"),
        QStringLiteral("Seconds a user stays 'reconnecting' before 'offline'."),
        QStringLiteral("seconds"), QStringLiteral("10"));
    const QCommandLineOption maxParticipants(QStringLiteral("max-participants"),
        QStringLiteral("People a session may have (Helpys count apart)."), QStringLiteral("count"),
        QStringLiteral("500"));
    const QCommandLineOption largeSession(QStringLiteral("large-session"),
        QStringLiteral("A session with more participants than this is large: clients that ask "
                       "for roster_summary get a summary of its roster."),
        QStringLiteral("count"), QStringLiteral("50"));
    const QCommandLineOption maxHelpys(QStringLiteral("max-helpys"),
        QStringLiteral("Helpys a session may have."), QStringLiteral("count"), QStringLiteral("5"));
    const QCommandLineOption inviteExpiry(QStringLiteral("invite-expiry"),
        QStringLiteral("Seconds an invite code lasts unless create_invite asks less."),
        QStringLiteral("seconds"), QStringLiteral("604800"));
    const QCommandLineOption maxInviteExpiry(QStringLiteral("max-invite-expiry"),
        QStringLiteral("The longest life create_invite may ask for an invite code."),
        QStringLiteral("seconds"), QStringLiteral("2592000"));
    const QCommandLineOption inviteGuesses(QStringLiteral("invite-guesses-per-minute"),
        QStringLiteral("Unknown invite codes an address may try a minute before rate_limited."),
        QStringLiteral("count"), QStringLiteral("10"));
    const QCommandLineOption rate(QStringLiteral("max-requests-per-second"),
        QStringLiteral("Requests a user (token) may send a second, over all its connections."),
        QStringLiteral("count"), QStringLiteral("50"));
    const QCommandLineOption ratePerAddress(QStringLiteral("max-requests-per-second-per-address"),
        QStringLiteral("Requests, malformed frames and frames before hello one address (IPv6: "
                       "its /64) may send a second (0: 4 x --max-requests-per-second)."),
        QStringLiteral("count"), QStringLiteral("0"));
    const QCommandLineOption hellos(QStringLiteral("max-hellos-per-second"),
        QStringLiteral("hellos one address may send a second (bursts of 3x); past it: "
                       "rate_limited and close 1013."),
        QStringLiteral("count"), QStringLiteral("20"));
    const QCommandLineOption maxConnections(QStringLiteral("max-connections"),
        QStringLiteral("Connections kept at once; more are refused at accept with 1013 (lowered "
                       "to the open-file limit minus 64)."),
        QStringLiteral("count"), QStringLiteral("10000"));
    const QCommandLineOption perUser(QStringLiteral("max-connections-per-user"),
        QStringLiteral("Connections one user may have at once."), QStringLiteral("count"),
        QStringLiteral("32"));
    const QCommandLineOption sessionsOwned(QStringLiteral("max-sessions-per-user"),
        QStringLiteral("Sessions one user may own at once."), QStringLiteral("count"),
        QStringLiteral("1000"));
    const QCommandLineOption invites(QStringLiteral("max-invites-per-hour"),
        QStringLiteral("Invites one user may create an hour."), QStringLiteral("count"),
        QStringLiteral("200"));
    const QCommandLineOption queued(QStringLiteral("max-queued-mib"),
        QStringLiteral("MiB queued to slow readers over all connections; past it the largest "
                       "backlogs are closed with 1013."),
        QStringLiteral("MiB"), QStringLiteral("256"));
    const QCommandLineOption incoming(QStringLiteral("max-incoming-mib"),
        QStringLiteral("MiB of incomplete messages held over all ws:// connections; the "
                       "connection that would pass it is closed with 1013."),
        QStringLiteral("MiB"), QStringLiteral("64"));
    const QCommandLineOption data(QStringLiteral("data"),
        QStringLiteral("SQLite file that keeps sessions across restarts (default: %1).")
            .arg(defaultDataPath()),
        QStringLiteral("path"));
    const QCommandLineOption deliverAfterSync(QStringLiteral("deliver-after-sync"),
        QStringLiteral("SQLite: send nothing before it is synced to disk (default: events go out "
                       "once committed, answers once synced; see docs/architecture.md)."));
    const QCommandLineOption commitSpacing(QStringLiteral("commit-spacing-ms"),
        QStringLiteral("SQLite: a commit (one fsync) begins at least this long after the one "
                       "before; what comes meanwhile shares it (0: commit at once)."),
        QStringLiteral("ms"), QStringLiteral("8"));
    const QCommandLineOption memory(
        QStringLiteral("memory"), QStringLiteral("Keep sessions in memory only (lost on exit)."));
    const QCommandLineOption redis(QStringLiteral("redis"),
        QStringLiteral("Share sessions with other nodes through this Redis (instead of --data)."),
        QStringLiteral("redis://host:port"));
    const QCommandLineOption nodeId(QStringLiteral("node-id"),
        QStringLiteral("This node's name among those sharing --redis (default: a random one)."),
        QStringLiteral("name"));
    const QCommandLineOption helpyEndpoint(QStringLiteral("helpy-endpoint"),
        QStringLiteral("OpenAI-compatible base URL the Helpy tutors ask, e.g. "
                       "http://127.0.0.1:8080/v1 (key: HELPY_API_KEY; none: they say so)."),
        QStringLiteral("url"));
    const QCommandLineOption helpyModel(QStringLiteral("helpy-model"),
        QStringLiteral("The model the Helpy tutors ask for (default: the endpoint's)."),
        QStringLiteral("name"));
    const QCommandLineOption helpyContext(QStringLiteral("helpy-context-chars"),
        QStringLiteral("Characters of prompt and chat history per answer (default: 12000)."),
        QStringLiteral("n"));
    const QCommandLineOption helpyTimeout(QStringLiteral("helpy-timeout"),
        QStringLiteral("Seconds an answer may take in all (default: 120)."),
        QStringLiteral("seconds"));
    const QCommandLineOption helpyRate(QStringLiteral("helpy-answers-per-minute"),
        QStringLiteral("Answers a session gets in a minute at most (default: 6)."),
        QStringLiteral("n"));
    const QCommandLineOption tlsCert(QStringLiteral("tls-cert"),
        QStringLiteral("Serve wss:// with this PEM certificate (its chain may follow it in the "
                       "file); needs --tls-key (default: plain ws://)."),
        QStringLiteral("file"));
    const QCommandLineOption tlsKey(QStringLiteral("tls-key"),
        QStringLiteral("The PEM private key of --tls-cert (unencrypted; keep it mode 0600)."),
        QStringLiteral("file"));
    const QCommandLineOption metricsListen(QStringLiteral("metrics"),
        QStringLiteral("Serve /healthz and /metrics (Prometheus) over HTTP on this address and "
                       "port (default: off)."),
        QStringLiteral("host:port"));
    const QCommandLineOption logFormat(QStringLiteral("log-format"),
        QStringLiteral("Log lines on stderr as text or json (one object per line)."),
        QStringLiteral("text|json"), QStringLiteral("text"));
    const QCommandLineOption trustedProxy(QStringLiteral("trusted-proxy"),
        QStringLiteral("Reverse proxies (comma-separated addresses) whose X-Forwarded-For names "
                       "the client: the per-address limits then count that client, not the "
                       "proxy. Default: none (every peer is the client)."),
        QStringLiteral("addresses"));
    const QCommandLineOption config(QStringLiteral("config"),
        QStringLiteral("Read options from this INI file; the command line wins."),
        QStringLiteral("file"));
    const QList<QCommandLineOption> configurable { listen, heartbeat, grace, maxParticipants,
        largeSession, maxHelpys, inviteExpiry, maxInviteExpiry, inviteGuesses, rate, ratePerAddress,
        hellos, trustedProxy, maxConnections, perUser, sessionsOwned, invites, queued, incoming,
        data, memory, deliverAfterSync, commitSpacing, redis, nodeId, tlsCert, tlsKey,
        metricsListen, logFormat, helpyEndpoint, helpyModel, helpyContext, helpyTimeout,
        helpyRate };
    parser.addOptions(configurable);
    parser.addOption(config);
    QString configError;
    const auto arguments = ConfigFile::merge(parser, app.arguments(), config, configurable,
        { { data.names().constFirst(), memory.names().constFirst(), redis.names().constFirst() } },
        &configError);
    if (!arguments) {
        std::fprintf(stderr, "helpy-server: %s\n", qPrintable(configError));
        return 2;
    }
    parser.process(*arguments);
    const auto format = LogFormat::fromString(parser.value(logFormat));
    if (!format) {
        std::fprintf(stderr, "helpy-server: --log-format expects text or json, got '%s'\n",
            qPrintable(parser.value(logFormat)));
        return 2;
    }
    LogFormat::install(*format);

    ServerOptions options;
    int queuedMiB = int(options.maxQueuedBytesTotal / (1024 * 1024));
    int incomingMiB = int(options.maxIncomingBytesTotal / (1024 * 1024));
    if (!parseListen(parser.value(listen), options)) {
        std::fprintf(stderr, "helpy-server: --listen expects HOST:PORT, got '%s'\n",
            qPrintable(parser.value(listen)));
        return 2;
    }
    if (!parsePositive(parser, heartbeat.names().constFirst(), options.heartbeatSeconds)
        || !parsePositive(parser, grace.names().constFirst(), options.presenceGraceSeconds)
        || !parsePositive(parser, maxParticipants.names().constFirst(), options.maxParticipants)
        || !parsePositive(parser, largeSession.names().constFirst(), options.largeSessionThreshold)
        || !parsePositive(parser, maxHelpys.names().constFirst(), options.maxHelpys)
        || !parsePositive(parser, inviteExpiry.names().constFirst(), options.inviteExpirySeconds)
        || !parsePositive(
            parser, maxInviteExpiry.names().constFirst(), options.maxInviteExpirySeconds)
        || !parsePositive(
            parser, inviteGuesses.names().constFirst(), options.inviteGuessesPerMinute)
        || !parsePositive(parser, rate.names().constFirst(), options.maxRequestsPerSecond)
        || !parsePositive(
            parser, ratePerAddress.names().constFirst(), options.maxRequestsPerSecondPerAddress)
        || !parsePositive(parser, hellos.names().constFirst(), options.maxHellosPerSecondPerAddress)
        || !parsePositive(parser, maxConnections.names().constFirst(), options.maxConnections)
        || !parsePositive(parser, perUser.names().constFirst(), options.maxConnectionsPerUser)
        || !parsePositive(
            parser, sessionsOwned.names().constFirst(), options.maxSessionsOwnedPerUser)
        || !parsePositive(parser, invites.names().constFirst(), options.maxInvitesPerUserPerHour)
        || !parsePositive(parser, queued.names().constFirst(), queuedMiB)
        || !parsePositive(parser, incoming.names().constFirst(), incomingMiB)
        || !parsePositive(parser, commitSpacing.names().constFirst(), options.commitSpacingMs)
        || !parsePositive(parser, helpyContext.names().constFirst(), options.helpyContextChars)
        || !parsePositive(parser, helpyTimeout.names().constFirst(), options.helpyTimeoutSeconds)
        || !parsePositive(parser, helpyRate.names().constFirst(), options.helpyAnswersPerMinute)) {
        std::fprintf(stderr, "helpy-server: numeric options take a non-negative integer\n");
        return 2;
    }
    options.maxQueuedBytesTotal = qint64(queuedMiB) * 1024 * 1024;
    options.maxIncomingBytesTotal = qint64(incomingMiB) * 1024 * 1024;
    if (QString bad;
        !ForwardedFor::parseList(parser.value(trustedProxy), &options.trustedProxies, &bad)) {
        std::fprintf(
            stderr, "helpy-server: --trusted-proxy expects addresses, got '%s'\n", qPrintable(bad));
        return 2;
    }
    options.helpyEndpoint = parser.value(helpyEndpoint);
    options.helpyModel = parser.value(helpyModel);
    // The key only from the environment: a command line is visible to every local user.
    options.helpyApiKey = qEnvironmentVariable("HELPY_API_KEY");
    if (!options.helpyEndpoint.isEmpty()) {
        const QUrl url(options.helpyEndpoint, QUrl::StrictMode);
        if (!url.isValid()
            || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))) {
            std::fprintf(stderr, "helpy-server: --helpy-endpoint expects an http(s) URL\n");
            return 2;
        }
    }

    if (int(parser.isSet(data)) + int(parser.isSet(memory)) + int(parser.isSet(redis)) > 1) {
        std::fprintf(stderr, "helpy-server: --data, --memory and --redis exclude each other\n");
        return 2;
    }
    if (parser.isSet(redis)) {
        options.redisUrl = parser.value(redis);
        options.nodeId = parser.value(nodeId);
    } else if (!parser.isSet(memory)) {
        options.dataPath = parser.isSet(data) ? parser.value(data) : defaultDataPath();
    }
    options.deliverBeforeSync = !parser.isSet(deliverAfterSync);

    if (parser.isSet(tlsCert) != parser.isSet(tlsKey)) {
        std::fprintf(stderr, "helpy-server: --tls-cert and --tls-key go together\n");
        return 2;
    }
    options.tlsCertificatePath = parser.value(tlsCert);
    options.tlsKeyPath = parser.value(tlsKey);

    ServerOptions metricsWhere; // --metrics, parsed as --listen is
    if (parser.isSet(metricsListen) && !parseListen(parser.value(metricsListen), metricsWhere)) {
        std::fprintf(stderr, "helpy-server: --metrics expects HOST:PORT, got '%s'\n",
            qPrintable(parser.value(metricsListen)));
        return 2;
    }

    raiseFileLimit();
    // Before anything is announced: a SIGTERM right after start must drain too.
    ShutdownSignals shutdownSignals;
    SessionServer server(options);
    QObject::connect(&server, &SessionServer::storageFailed, &app, [](const QString &error) {
        std::fprintf(stderr, "helpy-server: storage failed: %s\n", qPrintable(error));
        QCoreApplication::exit(1);
    });
    if (!server.listen()) {
        std::fprintf(stderr, "helpy-server: cannot listen on %s: %s\n",
            qPrintable(parser.value(listen)), qPrintable(server.errorString()));
        return 1;
    }
    std::printf("helpy-server listening on %s\n", qPrintable(server.url().toString()));
    if (QFile certificate(options.tlsCertificatePath);
        server.isSecure() && certificate.open(QIODevice::ReadOnly)) {
        // What guests pin when it is self-signed (invite links: #sha256=…).
        std::printf("helpy-server certificate sha256=%s\n",
            qPrintable(CertificatePins::fingerprintOfPem(certificate.readAll())));
    }
    std::fflush(stdout);
    MetricsEndpoint metricsEndpoint(server);
    if (parser.isSet(metricsListen)) {
        if (!metricsEndpoint.listen(metricsWhere.address, metricsWhere.port)) {
            std::fprintf(stderr, "helpy-server: cannot serve metrics on %s: %s\n",
                qPrintable(parser.value(metricsListen)), qPrintable(metricsEndpoint.errorString()));
            return 1;
        }
        std::printf("helpy-server metrics on http://%s:%d/metrics\n",
            qPrintable(metricsWhere.address.toString()), int(metricsEndpoint.port()));
        std::fflush(stdout);
    }

    // Type=notify: systemd starts what depends on us only now, once we serve.
    SystemdNotify::notify("READY=1\nSTATUS=listening on " + server.url().toString().toUtf8());
    QObject::connect(&shutdownSignals, &ShutdownSignals::received, &app, [&server] {
        SystemdNotify::notify("STOPPING=1");
        // 1001 "going away" to every client; quit once they are gone (or after 2 s).
        server.close();
        if (server.connectionCount() == 0)
            QCoreApplication::quit();
        QObject::connect(&server, &SessionServer::connectionCountChanged, qApp, [](int count) {
            if (count == 0)
                QCoreApplication::quit();
        });
        QTimer::singleShot(2000, qApp, &QCoreApplication::quit);
    });
    return app.exec();
}
