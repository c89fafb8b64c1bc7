// SPDX-License-Identifier: MIT
// Runs the real helpy executable headless: it must load, host or join, and quit with exit
// code 0. Its --quit-after-load mode turns any warning (QML binding loops, unknown
// properties, failed loads) into exit code 1, and the output is checked as well.
#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

class TestApp : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void help();
    void helpWithoutADisplay();
    void signInPageLoads();
    void hostQuitsCleanly();
    void secondInstanceJoinsTheHost();
    void badHostPortIsRefused();
    void joinsWithAnInviteLink();
    void badInviteLinkIsRefused();
    void aLaterLaunchHandsItsLinkToTheOpenWindow();

private:
    /// A helpy process with its own settings (in `home`, else this test's), headless.
    void prepare(QProcess &process, const QString &home = {});
    /// Starts `helpy --name Ana --host` and returns its invite link (empty on failure).
    QString startHost(QProcess &host);
    static void expectClean(QProcess &process, const QByteArray &stderrText);

    QTemporaryDir m_home;
};

void TestApp::initTestCase()
{
    QVERIFY(m_home.isValid());
    QVERIFY2(QFile::exists(QStringLiteral(HELPY_APP_PATH)), HELPY_APP_PATH);
}

void TestApp::prepare(QProcess &process, const QString &home)
{
    const QDir dir(home.isEmpty() ? m_home.path() : home);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), dir.filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), dir.path());
    env.insert(QStringLiteral("XDG_CACHE_HOME"), dir.filePath(QStringLiteral("cache")));
    env.remove(QStringLiteral("QT_LOGGING_RULES"));
    process.setProcessEnvironment(env);
    process.setProgram(QStringLiteral(HELPY_APP_PATH));
}

void TestApp::expectClean(QProcess &process, const QByteArray &stderrText)
{
    // QML engine warnings look like "qrc:/…qml:12:5: …"; Qt's own carry "Warning"/"warning".
    static const QRegularExpression qmlWarning(QStringLiteral("(\\.qml:\\d+|[Ww]arning|QML )"));
    const QString text = QString::fromLocal8Bit(stderrText);
    QVERIFY2(!qmlWarning.match(text).hasMatch(), qPrintable(text));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QVERIFY2(process.exitCode() == 0, qPrintable(text));
}

void TestApp::help()
{
    QProcess process;
    prepare(process);
    process.setArguments({ QStringLiteral("--help") });
    process.start();
    QVERIFY(process.waitForFinished(20000));
    QCOMPARE(process.exitCode(), 0);
    const QByteArray out = process.readAllStandardOutput();
    for (const char *option : { "--name", "--server", "--join", "--host" })
        QVERIFY2(out.contains(option), option);
}

// On a terminal with no display (ssh, a container) --help and --version still answer.
void TestApp::helpWithoutADisplay()
{
    for (const QString &argument : { QStringLiteral("--help"), QStringLiteral("--version") }) {
        QProcess process;
        prepare(process);
        QProcessEnvironment env = process.processEnvironment();
        for (const char *name : { "QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY" })
            env.remove(QString::fromLatin1(name));
        process.setProcessEnvironment(env);
        process.setArguments({ argument });
        process.start();
        QVERIFY(process.waitForFinished(20000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 0);
        const QByteArray out = process.readAllStandardOutput();
        QVERIFY2(out.contains(argument == u"--help" ? "--server" : "helpy"), out.constData());
    }
}

void TestApp::signInPageLoads()
{
    QProcess process;
    prepare(process);
    process.setArguments({ QStringLiteral("--quit-after-load") });
    process.start();
    QVERIFY(process.waitForFinished(30000));
    expectClean(process, process.readAllStandardError());
}

void TestApp::hostQuitsCleanly()
{
    QProcess process;
    prepare(process);
    process.setArguments({ QStringLiteral("--name"), QStringLiteral("Ana"),
        QStringLiteral("--host"), QStringLiteral("0"), QStringLiteral("--quit-after-load") });
    process.start();
    QVERIFY(process.waitForFinished(30000));
    const QByteArray err = process.readAllStandardError();
    expectClean(process, err);
    // It hosted: a session was created and an invite code announced (or the session page
    // loaded before the code came back; then at least the server was listening).
    QVERIFY2(err.contains("hosting on"), err.constData());
}

void TestApp::secondInstanceJoinsTheHost()
{
    QProcess host;
    prepare(host);
    host.setArguments(
        { QStringLiteral("--name"), QStringLiteral("Ana"), QStringLiteral("--host") });
    host.start();
    QVERIFY(host.waitForStarted());
    auto stopHost = qScopeGuard([&] {
        host.kill();
        host.waitForFinished();
    });

    // "Hosting at ws://127.0.0.1:PORT/v1 with invite code CODE"
    static const QRegularExpression announce(
        QStringLiteral("Hosting at (\\S+) with invite code (\\S+)"));
    QByteArray out;
    QRegularExpressionMatch match;
    QTRY_VERIFY_WITH_TIMEOUT((out += host.readAllStandardOutput(),
                                 match = announce.match(QString::fromUtf8(out)), match.hasMatch()),
        20000);

    QProcess guest;
    prepare(guest);
    guest.setArguments({ QStringLiteral("--name"), QStringLiteral("Ben"),
        QStringLiteral("--server"), match.captured(1), QStringLiteral("--join"), match.captured(2),
        QStringLiteral("--quit-after-load") });
    guest.start();
    QVERIFY(guest.waitForFinished(30000));
    const QByteArray err = guest.readAllStandardError();
    expectClean(guest, err);
    QVERIFY2(err.contains("welcome as"), err.constData());
}

void TestApp::badHostPortIsRefused()
{
    QProcess process;
    prepare(process);
    process.setArguments(
        { QStringLiteral("--host"), QStringLiteral("http"), QStringLiteral("--quit-after-load") });
    process.start();
    QVERIFY(process.waitForFinished(20000));
    QCOMPARE(process.exitCode(), 2);
}

// The link the host prints is all a guest needs: `--join LINK`, or the link alone, as the
// desktop's helpy:// handler passes it (Exec=helpy %u).
void TestApp::joinsWithAnInviteLink()
{
    QProcess host;
    prepare(host);
    host.setArguments(
        { QStringLiteral("--name"), QStringLiteral("Ana"), QStringLiteral("--host") });
    host.start();
    QVERIFY(host.waitForStarted());
    auto stopHost = qScopeGuard([&] {
        host.kill();
        host.waitForFinished();
    });
    static const QRegularExpression announce(QStringLiteral("Invite link: (helpy://\\S+)"));
    QByteArray out;
    QRegularExpressionMatch match;
    QTRY_VERIFY_WITH_TIMEOUT((out += host.readAllStandardOutput(),
                                 match = announce.match(QString::fromUtf8(out)), match.hasMatch()),
        20000);
    const QString link = match.captured(1);

    for (const QStringList &how :
        { QStringList { QStringLiteral("--join"), link }, QStringList { link } }) {
        QProcess guest;
        prepare(guest);
        guest.setArguments(QStringList { QStringLiteral("--name"), QStringLiteral("Ben") } + how
            + QStringList { QStringLiteral("--quit-after-load") });
        guest.start();
        QVERIFY(guest.waitForFinished(30000));
        const QByteArray err = guest.readAllStandardError();
        expectClean(guest, err);
        QVERIFY2(err.contains("welcome as"), err.constData());
    }
}

void TestApp::badInviteLinkIsRefused()
{
    for (const QStringList &arguments :
        { QStringList { QStringLiteral("helpy://10.0.0.2:99999/K7PQ2M") },
            QStringList { QStringLiteral("--join"), QStringLiteral("helpy://10.0.0.2") },
            QStringList { QStringLiteral("not-a-link") } }) {
        QProcess process;
        prepare(process);
        process.setArguments(arguments + QStringList { QStringLiteral("--quit-after-load") });
        process.start();
        QVERIFY(process.waitForFinished(20000));
        QCOMPARE(process.exitCode(), 2);
        QVERIFY(!process.readAllStandardError().isEmpty());
    }
}

QString TestApp::startHost(QProcess &host)
{
    prepare(host);
    host.setArguments(
        { QStringLiteral("--name"), QStringLiteral("Ana"), QStringLiteral("--host") });
    host.start();
    if (!host.waitForStarted())
        return {};
    static const QRegularExpression announce(QStringLiteral("Invite link: (helpy://\\S+)"));
    QByteArray out;
    QRegularExpressionMatch match;
    QElapsedTimer waited;
    waited.start();
    while (
        !(match = announce.match(QString::fromUtf8(out))).hasMatch() && waited.elapsed() < 20000) {
        host.waitForReadyRead(500);
        out += host.readAllStandardOutput();
    }
    return match.captured(1);
}

// The desktop's helpy:// handler runs `helpy LINK`. With Helpy already open, that launch
// hands the link to the open window, which joins, and ends; it also finds a window whose
// predecessor crashed (its socket left behind).
void TestApp::aLaterLaunchHandsItsLinkToTheOpenWindow()
{
    QProcess host;
    auto stopHost = qScopeGuard([&] {
        host.kill();
        host.waitForFinished();
    });
    const QString link = startHost(host);
    QVERIFY(!link.isEmpty());

    QTemporaryDir bensHome; // Ben's own computer, as far as settings go
    QVERIFY(bensHome.isValid());
    for (int round = 0; round < 2; ++round) {
        QProcess open;
        prepare(open, bensHome.path());
        open.setArguments({ QStringLiteral("--name"), QStringLiteral("Ben") });
        open.start();
        QVERIFY(open.waitForStarted());
        auto stopOpen = qScopeGuard([&] {
            open.kill(); // SIGKILL: round 0 leaves its socket behind for round 1
            open.waitForFinished();
        });
        QByteArray openErr;
        QTRY_VERIFY_WITH_TIMEOUT((openErr += open.readAllStandardError(),
                                     openErr.contains("opens the links of later launches")),
            20000);

        QProcess launch;
        prepare(launch, bensHome.path());
        launch.setArguments({ link });
        launch.start();
        QVERIFY(launch.waitForFinished(10000));
        const QByteArray said = launch.readAllStandardOutput();
        QCOMPARE(launch.exitCode(), 0);
        QVERIFY2(said.contains("already open; it opens the link"), said.constData());
        // The open window joined: as Ben, with the code of the link.
        QTRY_VERIFY_WITH_TIMEOUT(
            (openErr += open.readAllStandardError(), openErr.contains("welcome as")), 20000);
        QVERIFY2(openErr.contains("a later launch handed over"), openErr.constData());
    }
}

QTEST_GUILESS_MAIN(TestApp)
#include "tst_app.moc"
