// SPDX-License-Identifier: MIT
#pragma once

#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>

/**
 * A redis-server of the test's own, on a port nobody else uses. Without persistence by
 * default; persistent() keeps an append-only file (fsync on every write) in a directory of
 * its own, so that crash() and restart() on the same port and directory lose nothing
 * acknowledged. pause()/resume() stop and continue the process (SIGSTOP/SIGCONT).
 */
class RedisProcess
{
public:
    ~RedisProcess()
    {
        resume();
        stop();
    }

    static QString executable()
    {
        return QStandardPaths::findExecutable(QStringLiteral("redis-server"));
    }

    bool start(bool persistent = false)
    {
        QTcpServer probe; // the OS picks a free port; redis-server takes it over
        if (!probe.listen(QHostAddress::LocalHost, 0))
            return false;
        m_port = probe.serverPort();
        probe.close();
        m_arguments = { QStringLiteral("--port"), QString::number(m_port), QStringLiteral("--bind"),
            QStringLiteral("127.0.0.1"), QStringLiteral("--save"), QString() };
        if (persistent) {
            m_dir = std::make_unique<QTemporaryDir>();
            m_arguments << QStringLiteral("--dir") << m_dir->path()
                        << QStringLiteral("--appendonly") << QStringLiteral("yes")
                        << QStringLiteral("--appendfsync") << QStringLiteral("always");
        } else {
            m_arguments << QStringLiteral("--appendonly") << QStringLiteral("no");
        }
        return launch();
    }

    /// Starts it again on the same port and directory (after crash() or stop()).
    bool restart() { return launch(); }

    void stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.terminate();
        if (!m_process.waitForFinished(5000))
            m_process.kill();
        m_process.waitForFinished(2000);
    }
    /// SIGKILL: gone at once, with only what its append-only file has.
    void crash()
    {
        m_process.kill();
        m_process.waitForFinished(2000);
    }
    void pause() { signal(SIGSTOP); }
    void resume() { signal(SIGCONT); }

    bool ping()
    {
        if (m_process.state() != QProcess::Running)
            return false;
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        if (!socket.waitForConnected(200))
            return false;
        socket.write("PING\r\n");
        return socket.waitForReadyRead(500) && socket.readAll().startsWith("+PONG");
    }

    /// The first line of Redis's answer to an inline command (`GET key` → `$3`, then it):
    /// for a bulk string, its value.
    QByteArray query(const QByteArray &command)
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_port);
        if (!socket.waitForConnected(1000))
            return {};
        socket.write(command + "\r\n");
        QByteArray answer;
        while (socket.waitForReadyRead(1000)) {
            answer += socket.readAll();
            if (answer.startsWith('$') && answer.count("\r\n") < 2 && !answer.startsWith("$-1"))
                continue;
            break;
        }
        const QList<QByteArray> lines = answer.split('\n');
        return (answer.startsWith('$') ? lines.value(1) : lines.value(0)).trimmed();
    }

    QString url() const { return QStringLiteral("redis://127.0.0.1:%1").arg(m_port); }
    QByteArray output() { return m_process.readAll(); }

private:
    bool launch()
    {
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.start(executable(), m_arguments);
        if (!m_process.waitForStarted(5000))
            return false;
        // Ready when it answers PING (polled on the event loop, not slept on).
        return QTest::qWaitFor([this] { return ping(); }, 10000);
    }
    void signal(int number)
    {
        if (m_process.state() == QProcess::Running)
            ::kill(pid_t(m_process.processId()), number);
    }

    QProcess m_process;
    QStringList m_arguments;
    std::unique_ptr<QTemporaryDir> m_dir;
    quint16 m_port = 0;
};
