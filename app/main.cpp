// SPDX-License-Identifier: MIT
// helpy: the desktop app. A thin shell: options → AppController (given the embedded session
// server to host with), then the QML window.
#include "appcontroller.h"
#include "colorscheme.h"
#include "embeddedsessionhost.h"
#include "groupsession.h"
#include "invitelink.h"
#include "singleinstance.h"

#include <QCommandLineParser>
#include <QGuiApplication>
#include <QIcon>
#include <QQmlApplicationEngine>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QStandardPaths>
#include <QTimer>
#include <QtQml/QQmlExtensionPlugin>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>

Q_IMPORT_QML_PLUGIN(HelpyPlugin)
Q_IMPORT_QML_PLUGIN(Helpy_ClientPlugin)
Q_IMPORT_QML_PLUGIN(Helpy_ModelsPlugin)

namespace {

int s_warnings = 0;
QtMessageHandler s_previousHandler = nullptr;

// With --quit-after-load every warning (QML binding loops, missing properties, …) makes
// the exit code non-zero, so a test can fail on them.
void countingHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (type == QtWarningMsg || type == QtCriticalMsg || type == QtFatalMsg)
        ++s_warnings;
    s_previousHandler(type, context, message);
}

/// QCommandLineParser has no optional values: a bare `--host` means `--host ""`, the
/// remembered port. (A bare link, helpy://…, is a positional argument, not --host's value.)
QStringList withDefaultHostPort(QStringList arguments)
{
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        if (arguments.at(i) == QLatin1String("--host")
            && (i + 1 == arguments.size() || arguments.at(i + 1).startsWith(QLatin1Char('-'))
                || InviteLink::looksLikeLink(arguments.at(i + 1))))
            arguments.insert(i + 1, QString());
    }
    return arguments;
}

/// Qt's xcb plugin takes -name and -title (also spelt --name, --title) out of argv for
/// itself; put ours back from the arguments as they were before QGuiApplication saw them.
QStringList reclaimArguments(const QStringList &raw, QStringList kept)
{
    for (qsizetype i = 1; i + 1 < raw.size(); ++i) {
        const QString &arg = raw.at(i);
        if (arg == QLatin1String("--name") || arg == QLatin1String("--title")) {
            if (!kept.contains(arg))
                kept << arg << raw.at(i + 1);
            ++i;
        }
    }
    return kept;
}

/// @brief The command line: parsed the same way with or without a display.
struct CommandLine
{
    CommandLine()
    {
        parser.setApplicationDescription(QCoreApplication::translate(
            "main", "Live study sessions with your group and Helpy tutors."));
        parser.addHelpOption();
        parser.addVersionOption();
        parser.addOptions({ nameOption, serverOption, joinOption, hostOption, titleOption,
            newInstanceOption, quitOption });
        parser.addPositionalArgument(QStringLiteral("link"),
            QCoreApplication::translate("main",
                "An invite link to join, helpy://HOST:PORT/CODE (as the desktop's helpy:// "
                "handler passes it)."),
            QStringLiteral("[link]"));
    }

    QCommandLineParser parser;
    const QCommandLineOption nameOption { QStringLiteral("name"),
        QCoreApplication::translate("main", "Your display name."), QStringLiteral("name") };
    const QCommandLineOption serverOption { QStringLiteral("server"),
        QCoreApplication::translate(
            "main", "Server to join, e.g. ws://192.168.1.5:8787 (not needed with an invite link)."),
        QStringLiteral("url") };
    const QCommandLineOption joinOption { QStringLiteral("join"),
        QCoreApplication::translate("main",
            "Invite link to join, helpy://HOST:PORT/CODE; or an invite code (with --server)."),
        QStringLiteral("link") };
    const QCommandLineOption hostOption { QStringLiteral("host"),
        QCoreApplication::translate("main",
            "Host a session on this computer, on PORT of every interface (default: the port "
            "hosted on before, first 8787 or the next free one; 0: any free port)."),
        QStringLiteral("port") };
    const QCommandLineOption titleOption { QStringLiteral("title"),
        QCoreApplication::translate("main", "Title of the hosted session."),
        QStringLiteral("title") };
    const QCommandLineOption newInstanceOption { QStringLiteral("new-instance"),
        QCoreApplication::translate("main",
            "Open a window of its own even when Helpy is already open. (Without it, a launch "
            "with no --name, --server or --host hands its link to the open window.)") };
    const QCommandLineOption quitOption { QStringLiteral("quit-after-load"),
        QCoreApplication::translate("main",
            "Quit once the window (and a hosted session) is shown; exit code 1 "
            "if anything warned. For tests.") };
};

/// --help and --version need no window: answered before the GUI needs a display.
bool onlyAsksForHelp(const QStringList &arguments)
{
    static const QStringList helpArguments { QStringLiteral("-h"), QStringLiteral("--help"),
        QStringLiteral("-?"), QStringLiteral("-v"), QStringLiteral("--version") };
    return std::any_of(arguments.cbegin() + 1, arguments.cend(),
        [](const QString &argument) { return helpArguments.contains(argument); });
}

} // namespace

int main(int argc, char *argv[])
{
    QStringList rawArguments;
    for (int i = 0; i < argc; ++i)
        rawArguments << QString::fromLocal8Bit(argv[i]);
    if (onlyAsksForHelp(rawArguments)) {
        QCoreApplication core(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("helpy"));
        QCoreApplication::setApplicationVersion(QStringLiteral(HELPY_VERSION));
        CommandLine commandLine;
        commandLine.parser.process(core); // prints and exits
        return 0;
    }
    QGuiApplication app(argc, argv);
    QGuiApplication::setOrganizationName(QStringLiteral("Helpy"));
    QGuiApplication::setApplicationName(QStringLiteral("helpy"));
    QGuiApplication::setApplicationDisplayName(QStringLiteral("Helpy"));
    QGuiApplication::setApplicationVersion(QStringLiteral(HELPY_VERSION));
    QGuiApplication::setDesktopFileName(QStringLiteral("helpy"));
    QGuiApplication::setWindowIcon(QIcon(QStringLiteral(":/helpy/helpy.png")));

    CommandLine commandLine;
    QCommandLineParser &parser = commandLine.parser;
    const QCommandLineOption &nameOption = commandLine.nameOption;
    const QCommandLineOption &serverOption = commandLine.serverOption;
    const QCommandLineOption &joinOption = commandLine.joinOption;
    const QCommandLineOption &hostOption = commandLine.hostOption;
    const QCommandLineOption &titleOption = commandLine.titleOption;
    const QCommandLineOption &quitOption = commandLine.quitOption;
    parser.process(
        withDefaultHostPort(reclaimArguments(rawArguments, QCoreApplication::arguments())));

    const bool quitAfterLoad = parser.isSet(quitOption);
    if (quitAfterLoad)
        s_previousHandler = qInstallMessageHandler(countingHandler);

    std::optional<quint16> hostPort; // none: the remembered one
    if (parser.isSet(hostOption) && !parser.value(hostOption).isEmpty()) {
        bool ok = false;
        const uint port = parser.value(hostOption).toUInt(&ok);
        if (!ok || port > 65535) {
            std::fprintf(stderr, "helpy: --host expects a port number (0-65535)\n");
            return 2;
        }
        hostPort = quint16(port);
    }
    // What to join: --join LINK, --join CODE --server URL, or a bare helpy:// link.
    QString joinLink;
    if (parser.isSet(joinOption) && InviteLink::looksLikeLink(parser.value(joinOption)))
        joinLink = parser.value(joinOption);
    for (const QString &argument : parser.positionalArguments()) {
        if (!InviteLink::looksLikeLink(argument)) {
            std::fprintf(stderr, "helpy: %s is not an invite link (helpy://HOST:PORT/CODE)\n",
                qPrintable(argument));
            return 2;
        }
        joinLink = argument;
    }
    if (!joinLink.isEmpty()) {
        if (const InviteLink link = InviteLink::parse(joinLink); !link.isValid()) {
            std::fprintf(stderr, "helpy: %s\n", qPrintable(link.errorString()));
            return 2;
        }
    } else if (parser.isSet(joinOption) && !parser.isSet(serverOption)) {
        std::fprintf(stderr,
            "helpy: --join needs an invite link (helpy://HOST:PORT/CODE), or --server "
            "ws://HOST:PORT with a code\n");
        return 2;
    }
    const bool joining = !joinLink.isEmpty() || parser.isSet(joinOption);

    // One window per user and settings: a launch that brings nothing of its own (the menu
    // entry, or the desktop's helpy:// handler with a link) hands its link to the open one.
    // A name, a server or a port of its own is another window on purpose (a second user).
    SingleInstance instance(
        SingleInstance::keyFor(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)));
    const bool ownWindow = quitAfterLoad || parser.isSet(commandLine.newInstanceOption)
        || parser.isSet(nameOption) || parser.isSet(serverOption) || parser.isSet(hostOption);
    if (!ownWindow && instance.forward(joinLink)) {
        std::printf("helpy: Helpy is already open; %s\n",
            joinLink.isEmpty() ? "its window is shown" : "it opens the link");
        return 0;
    }
    if (!quitAfterLoad)
        instance.listen();

    QQuickStyle::setStyle(QStringLiteral("Fusion"));
    applyColorScheme();

    // Both outlive the engine (declared first, destroyed last); QML gets the controller via
    // create(). The host starts listening only when a session is hosted.
    std::unique_ptr<EmbeddedSessionHost> hostPtr = hostPort
        ? std::make_unique<EmbeddedSessionHost>(*hostPort)
        : std::make_unique<EmbeddedSessionHost>();
    EmbeddedSessionHost &host = *hostPtr;
    AppController controller(nullptr);
    controller.setHosting(&host);
    if (parser.isSet(nameOption))
        controller.setDisplayName(parser.value(nameOption));
    if (parser.isSet(titleOption))
        controller.setSessionTitle(parser.value(titleOption));
    controller.setPendingInviteLink(joinLink);

    QObject::connect(&controller, &AppController::hostedSessionReady, &app,
        [&controller](const QString &server, const QString &code) {
            const QString link = controller.inviteLink(code);
            std::printf("Hosting at %s with invite code %s\n"
                        "Invite link: %s\n"
                        "Join from another terminal with:\n"
                        "  helpy --name Ben --join %s\n",
                qPrintable(server), qPrintable(code), qPrintable(link), qPrintable(link));
            std::fflush(stdout);
        });

    QQmlApplicationEngine engine;
    engine.addImportPath(QStringLiteral("qrc:/qt/qml")); // 6.4's default paths lack it
    QObject::connect(
        &engine, &QQmlApplicationEngine::objectCreationFailed, &app,
        [] { QCoreApplication::exit(1); }, Qt::QueuedConnection);
    engine.load(QUrl(QStringLiteral("qrc:/qt/qml/Helpy/Main.qml")));
    if (engine.rootObjects().isEmpty())
        return 1;

    QObject::connect(&instance, &SingleInstance::activationRequested, &app,
        [&engine, &controller](const QString &link) {
            if (auto *window = qobject_cast<QQuickWindow *>(engine.rootObjects().value(0))) {
                window->show();
                window->raise();
                window->requestActivate();
            }
            if (link.isEmpty())
                return;
            if (controller.displayName().isEmpty())
                controller.setPendingInviteLink(link); // the sign-in page's Join box shows it
            else
                controller.joinLink(link);
        });

    if (parser.isSet(hostOption)) {
        if (controller.displayName().isEmpty())
            controller.setDisplayName(qEnvironmentVariable("USER", QStringLiteral("Host")));
        controller.hostSession(parser.value(titleOption));
    } else if (joining) {
        if (controller.displayName().isEmpty()) {
            // The sign-in page asks for the name; a link waits in its Join box.
            std::fprintf(stderr, "helpy: joining needs --name (or a name saved earlier)\n");
        } else if (!joinLink.isEmpty()) {
            controller.joinLink(joinLink);
        } else {
            controller.join(parser.value(serverOption), parser.value(joinOption));
        }
    } else {
        // This computer hosted before: host its sessions again, so their guests come back.
        controller.resumeHosting();
    }

    if (quitAfterLoad) {
        auto *window = qobject_cast<QQuickWindow *>(engine.rootObjects().constFirst());
        const bool waitForSession = parser.isSet(hostOption) || joining;
        auto quitWhenShown = [&controller, waitForSession] {
            GroupSession *session = controller.currentSession();
            if (waitForSession && !(session && session->isLoaded()))
                return;
            // One more event-loop turn, so the page's delegates are created and drawn.
            QTimer::singleShot(0, qApp, [] { QCoreApplication::exit(s_warnings ? 1 : 0); });
        };
        if (window)
            QObject::connect(window, &QQuickWindow::frameSwapped, &app, quitWhenShown);
        QTimer::singleShot(20000, &app, [] {
            std::fprintf(stderr, "helpy: --quit-after-load: not loaded after 20 s\n");
            QCoreApplication::exit(3);
        });
    }

    const int code = QGuiApplication::exec();
    if (quitAfterLoad && s_warnings)
        std::fprintf(stderr, "helpy: %d warning(s) while loading\n", s_warnings);
    return quitAfterLoad && s_warnings && code == 0 ? 1 : code;
}
