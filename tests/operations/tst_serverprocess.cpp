// SPDX-License-Identifier: MIT
// The real helpy-server binary: its config file, its JSON logs and its metrics port.
#include "rawclient.h"

#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <cstring>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

class tst_ServerProcess : public QObject
{
    Q_OBJECT

    QTemporaryDir dir;

    QString writeConfig(const QByteArray &text)
    {
        const QString path = dir.filePath(u"helpy-server.conf"_s);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return {};
        file.write(text);
        return path;
    }

    /// What startServer() read of the server's stdout.
    QByteArray serverOutput;

    /// Starts helpy-server with `arguments` and waits for its "listening on" line; the URL.
    QUrl startServer(QProcess &process, const QStringList &arguments,
        const QByteArray &loggingRules = "helpy.*.debug=false", const QString &notifySocket = {})
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"QT_LOGGING_RULES"_s, QString::fromLatin1(loggingRules));
        if (!notifySocket.isEmpty())
            env.insert(u"NOTIFY_SOCKET"_s, notifySocket);
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(HELPY_SERVER_PATH), arguments);
        if (!process.waitForStarted(5000))
            return {};
        QByteArray &out = serverOutput;
        out.clear();
        const QRegularExpression listening(u"listening on (\\S+)"_s);
        for (QDeadlineTimer deadline(10000); !deadline.hasExpired();) {
            if (process.state() == QProcess::NotRunning)
                return {};
            process.waitForReadyRead(100);
            out += process.readAllStandardOutput();
            const auto match = listening.match(QString::fromUtf8(out));
            if (match.hasMatch())
                return QUrl(match.captured(1));
        }
        return {};
    }

    /// Runs helpy-server to its end (it must exit by itself); its exit code and stderr.
    static std::pair<int, QByteArray> runToEnd(const QStringList &arguments)
    {
        QProcess process;
        process.start(QStringLiteral(HELPY_SERVER_PATH), arguments);
        if (!process.waitForFinished(10000)) {
            process.kill();
            process.waitForFinished();
            return { -1, "did not exit" };
        }
        return { process.exitCode(), process.readAllStandardError() };
    }

    static void stop(QProcess &process)
    {
        process.terminate(); // SIGTERM: the drain
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 0);
    }

private Q_SLOTS:
    void helpSaysWhereDefaultsComeFrom()
    {
        QProcess process;
        process.start(QStringLiteral(HELPY_SERVER_PATH), { u"--help"_s });
        QVERIFY(process.waitForFinished(10000));
        const QByteArray help = process.readAllStandardOutput();
        QVERIFY2(help.contains("--config"), help.constData());
        QVERIFY(help.contains("--metrics"));
        QVERIFY(help.contains("--log-format"));
        QVERIFY(help.contains("else from the --config file"));
    }

    void configFileValueApplies()
    {
        // Without the file, --listen's default 127.0.0.1:8787 would be used.
        const QString config = writeConfig("# a comment\nlisten = 127.0.0.1:0\nmemory = true\n"
                                           "metrics = 127.0.0.1:0\n");
        QProcess process;
        const QUrl url = startServer(process, { u"--config"_s, config });
        QVERIFY2(url.isValid(), process.readAllStandardError().constData());
        QVERIFY(url.port() != 8787);
        RawClient client;
        QVERIFY(client.signIn(url, u"Ana"_s));
        stop(process);
    }

    void exampleConfigIsAccepted()
    {
        // resources/helpy-server.conf, as installed, with the paths and ports of a test.
        QProcess process;
        const QUrl url = startServer(process,
            { u"--config"_s, QStringLiteral(HELPY_EXAMPLE_CONFIG), u"--listen=127.0.0.1:0"_s,
                u"--metrics=127.0.0.1:0"_s, u"--data"_s, dir.filePath(u"example.sqlite"_s) });
        QVERIFY2(url.isValid(), process.readAllStandardError().constData());
        stop(process);
        // Its log-format = json applied.
        const QByteArray firstLine = process.readAllStandardError().split('\n').constFirst();
        QVERIFY2(QJsonDocument::fromJson(firstLine).isObject(), firstLine.constData());
    }

    void commandLineWins()
    {
        // The file's listen is unusable: the server starts only if the command line's wins.
        const QString config = writeConfig("listen = nonsense\ndata = /nonexistent/x.sqlite\n");
        QProcess process;
        const QUrl url = startServer(
            process, { u"--config"_s, config, u"--listen=127.0.0.1:0"_s, u"--memory"_s });
        QVERIFY2(url.isValid(), process.readAllStandardError().constData());
        stop(process);
    }

    void badConfigFilesAreRefused_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QByteArray>("error");
        QTest::newRow("unknown key") << QByteArray("memory = true\nlisten-on = 1\n")
                                     << QByteArray("unknown key 'listen-on'");
        QTest::newRow("key in a section")
            << QByteArray("[server]\nmemory = true\n") << QByteArray("unknown key 'server/memory'");
        QTest::newRow("config in config")
            << QByteArray("config = /etc/passwd\n") << QByteArray("unknown key 'config'");
        QTest::newRow("flag not boolean")
            << QByteArray("memory = maybe\n") << QByteArray("'memory' in the config file");
        QTest::newRow("bad value") << QByteArray("max-participants = many\nmemory = true\n")
                                   << QByteArray("non-negative integer");
    }
    void badConfigFilesAreRefused()
    {
        QFETCH(QByteArray, text);
        QFETCH(QByteArray, error);
        const auto [code, stderrText] = runToEnd({ u"--config"_s, writeConfig(text) });
        QCOMPARE(code, 2);
        QVERIFY2(stderrText.contains(error), stderrText.constData());
    }

    void unreadableConfigFileIsAnError()
    {
        const auto [code, stderrText]
            = runToEnd({ u"--config"_s, dir.filePath(u"missing.conf"_s), u"--memory"_s });
        QCOMPARE(code, 2);
        QVERIFY2(stderrText.contains("cannot read the config file"), stderrText.constData());
    }

    void jsonLogsCarryTheRequest()
    {
        QProcess process;
        const QUrl url = startServer(process,
            { u"--memory"_s, u"--listen=127.0.0.1:0"_s, u"--log-format=json"_s },
            "helpy.*.debug=true");
        QVERIFY(url.isValid());
        RawClient client;
        QVERIFY(client.signIn(url, u"Ana"_s));
        const QJsonObject refused = client.request(
            { { "type", "join_session" }, { "sessionId", "s-nope" }, { "requestId", "r-42" } });
        QCOMPARE(refused["code"], "not_found");
        stop(process);

        const QList<QByteArray> lines = process.readAllStandardError().split('\n');
        int parsed = 0;
        bool sawListening = false;
        bool sawRequest = false;
        for (const QByteArray &line : lines) {
            if (line.isEmpty())
                continue;
            QJsonParseError error;
            const QJsonObject object = QJsonDocument::fromJson(line, &error).object();
            QVERIFY2(error.error == QJsonParseError::NoError, line.constData());
            ++parsed;
            QVERIFY(QDateTime::fromString(object["time"].toString(), Qt::ISODateWithMs).isValid());
            QVERIFY(!object["level"].toString().isEmpty());
            QVERIFY(!object["category"].toString().isEmpty());
            if (object["category"] == "helpy.server" && object["level"] == "info"
                && object["message"].toString().contains("listening on")) {
                qInfo("the listening line: %s", line.constData());
                sawListening = true;
            }
            if (object["request"] == "r-42") {
                QCOMPARE(object["user"].toString(), client.userId);
                QCOMPARE(object["session"], "s-nope");
                if (!sawRequest)
                    qInfo("a request's line: %s", line.constData());
                sawRequest = true;
            }
        }
        QVERIFY(parsed >= 2);
        QVERIFY(sawListening);
        QVERIFY(sawRequest);
    }

    void unknownLogFormatIsAnError()
    {
        const auto [code, stderrText] = runToEnd({ u"--memory"_s, u"--log-format=xml"_s });
        QCOMPARE(code, 2);
        QVERIFY(stderrText.contains("--log-format expects text or json"));
    }

    void metricsPortOfTheBinary()
    {
        QProcess process;
        const QUrl url = startServer(
            process, { u"--memory"_s, u"--listen=127.0.0.1:0"_s, u"--metrics=127.0.0.1:0"_s });
        QVERIFY(url.isValid());
        QByteArray out = serverOutput;
        QRegularExpressionMatch match;
        const QRegularExpression metricsLine(u"metrics on http://127.0.0.1:(\\d+)/metrics"_s);
        QTRY_VERIFY((out += process.readAllStandardOutput(),
            match = metricsLine.match(QString::fromUtf8(out)), match.hasMatch()));
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, quint16(match.captured(1).toUInt()));
        QVERIFY(socket.waitForConnected(5000));
        socket.write("GET /healthz HTTP/1.1\r\n\r\n");
        QByteArray response;
        QTRY_VERIFY((response += socket.readAll(), response.endsWith("ok\n")));
        QVERIFY(response.startsWith("HTTP/1.1 200 OK"));
        stop(process);
    }

    void tellsSystemdWhenReadyAndStopping()
    {
        // What systemd does for Type=notify: a datagram socket named by $NOTIFY_SOCKET.
        const QByteArray path = QFile::encodeName(dir.filePath(u"notify"_s));
        const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        QVERIFY(fd >= 0);
        const auto closeFd = qScopeGuard([fd] { ::close(fd); });
        sockaddr_un address {};
        address.sun_family = AF_UNIX;
        std::memcpy(address.sun_path, path.constData(), size_t(path.size()));
        QVERIFY(::bind(fd, reinterpret_cast<const sockaddr *>(&address), sizeof address) == 0);
        QByteArray received;
        const auto receive = [&] {
            char buffer[512];
            const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
            if (n > 0)
                received += QByteArray(buffer, qsizetype(n)) + '\n';
            return received;
        };

        QProcess process;
        const QUrl url = startServer(process, { u"--memory"_s, u"--listen=127.0.0.1:0"_s },
            "helpy.*.debug=false", QString::fromLocal8Bit(path));
        QVERIFY(url.isValid());
        QTRY_VERIFY(receive().contains("READY=1"));
        QVERIFY(received.contains("STATUS=listening on " + url.toString().toUtf8()));
        stop(process);
        QTRY_VERIFY(receive().contains("STOPPING=1"));
    }

    void badMetricsAddressIsAnError()
    {
        const auto [code, stderrText]
            = runToEnd({ u"--memory"_s, u"--listen=127.0.0.1:0"_s, u"--metrics=nowhere"_s });
        QCOMPARE(code, 2);
        QVERIFY(stderrText.contains("--metrics expects HOST:PORT"));
    }
};

QTEST_GUILESS_MAIN(tst_ServerProcess)
#include "tst_serverprocess.moc"
