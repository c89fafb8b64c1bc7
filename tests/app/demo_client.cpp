// SPDX-License-Identifier: MIT
// helpy-demo-client: a scripted, windowless participant for scripts/screenshot.sh.
// Joins a session by invite code, optionally adds Helpys, says things and starts typing,
// prints "ready" and stays connected until it is terminated (or --exit-when-done).
#include "certificatepins.h"
#include "websocketservice.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTimer>

#include <cstdio>
#include <deque>
#include <functional>

using namespace Protocol;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption server(
        QStringLiteral("server"), QStringLiteral("ws://host:port"), QStringLiteral("url"));
    const QCommandLineOption join(
        QStringLiteral("join"), QStringLiteral("Invite code."), QStringLiteral("code"));
    const QCommandLineOption name(
        QStringLiteral("name"), QStringLiteral("Display name."), QStringLiteral("name"));
    const QCommandLineOption addHelpy(QStringLiteral("add-helpy"),
        QStringLiteral("Add a Helpy with this name (repeatable)."), QStringLiteral("name"));
    const QCommandLineOption say(QStringLiteral("say"),
        QStringLiteral("Send this message (repeatable)."), QStringLiteral("text"));
    const QCommandLineOption typing(QStringLiteral("typing"), QStringLiteral("Start typing."));
    const QCommandLineOption exitWhenDone(
        QStringLiteral("exit-when-done"), QStringLiteral("Drop the connection when done."));
    const QCommandLineOption token(QStringLiteral("token"),
        QStringLiteral("Sign in as the user with this token (e.g. a second connection of the "
                       "host's own user)."),
        QStringLiteral("token"));
    parser.addOptions({ server, join, name, addHelpy, say, typing, exitWhenDone, token });
    parser.process(app);
    if (!parser.isSet(server) || !parser.isSet(join) || !parser.isSet(name))
        parser.showHelp(2);

    WebSocketService service;
    QString sessionId;
    std::deque<std::function<void(std::function<void()>)>> steps;
    std::function<void()> next = [&] {
        if (steps.empty()) {
            std::printf("ready\n");
            std::fflush(stdout);
            if (parser.isSet(exitWhenDone))
                QTimer::singleShot(0, &app, [] { QCoreApplication::exit(0); });
            return;
        }
        auto step = std::move(steps.front());
        steps.pop_front();
        step(next);
    };
    auto checked = [](const char *what, std::function<void()> then) {
        return [what, then](const WebSocketService::Reply &reply) {
            if (!reply.ok) {
                std::fprintf(
                    stderr, "demo-client: %s failed: %s\n", what, qPrintable(reply.error.message));
                QCoreApplication::exit(1);
                return;
            }
            then();
        };
    };

    steps.push_back([&](std::function<void()> done) {
        service.joinByInvite(parser.value(join), [&, done](const WebSocketService::Reply &reply) {
            if (const auto result = resultOf<JoinSessionResult>(reply.ack))
                sessionId = result->sessionId;
            checked("join", done)(reply);
        });
    });
    for (const QString &helpy : parser.values(addHelpy)) {
        steps.push_back([&, helpy](std::function<void()> done) {
            service.sendParticipantAdded(
                sessionId, ParticipantType::Helpy, {}, helpy, checked("add_participant", done));
        });
    }
    for (const QString &text : parser.values(say)) {
        steps.push_back([&, text](std::function<void()> done) {
            service.sendMessage(sessionId, text, checked("send_message", done));
        });
    }
    if (parser.isSet(typing)) {
        steps.push_back([&](std::function<void()> done) {
            service.setTyping(sessionId, true);
            done();
        });
    }

    bool started = false;
    QObject::connect(&service, &WebSocketService::welcomed, &app, [&] {
        if (!std::exchange(started, true))
            next();
    });
    QObject::connect(&service, &WebSocketService::errorOccurred, &app, [](const QString &message) {
        std::fprintf(stderr, "demo-client: %s\n", qPrintable(message));
    });
    // A hosting app's address carries its certificate's fingerprint (wss://…#sha256=HEX), as
    // an invite link does: pinned, so the self-signed certificate is trusted from the start.
    QUrl url(parser.value(server));
    if (const QString fragment = url.fragment(); fragment.startsWith(QLatin1String("sha256="))) {
        const QString host = url.host();
        CertificatePins().setPin((host.contains(QLatin1Char(':')) ? u'[' + host + u']' : host)
                + u':' + QString::number(url.port(443)),
            fragment.mid(7));
        url.setFragment({});
    }
    service.connectToServer(url, parser.value(name), parser.value(token));
    return QCoreApplication::exec();
}
