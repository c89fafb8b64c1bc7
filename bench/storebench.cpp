// SPDX-License-Identifier: MIT
// The durable store alone under the many-rooms load (issue 16): what the SQLite writer costs
// per chat message, and how long a commit waits to be durable, without sockets or a load
// generator in the way. Each message is what a send_message writes: its event (a frame of
// about 250 bytes) in a random session's log and its sender's answer (about 100 bytes).
//
//   helpy-storebench [--sessions 2000] [--users 10000] [--rate 2000] [--seconds 20]
//                    [--per-group 4] [--deletes-per-second 0] [--commit-spacing-ms 8]
//                    [--dir DIR]
//
// A group of --per-group messages is committed every per-group/rate seconds (4 every 2 ms
// = 2,000 a second), as the event loop commits what one pass changed. Prints one JSON line:
// messages, the process's CPU time per message (the writer thread is nearly all of it), the
// time from commit() to "durable" (p50/p99/max) and the bytes the database and its
// write-ahead log hold at the end. With --deletes-per-second, that many sessions a second are
// deleted meanwhile (each a commit of its own, counted in the durable times): each starts the
// writer's sweep of the event log, whose steps ride along with the messages' transactions.
#include "serveroptions.h"
#include "sqlitesessionstore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTimer>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace {

double cpuSeconds()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
        + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    return values[std::min(values.size() - 1, size_t(p * double(values.size())))];
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption sessionsOption(QStringLiteral("sessions"), QStringLiteral("sessions"),
        QStringLiteral("n"), QStringLiteral("2000"));
    const QCommandLineOption usersOption(QStringLiteral("users"), QStringLiteral("users"),
        QStringLiteral("n"), QStringLiteral("10000"));
    const QCommandLineOption rateOption(QStringLiteral("rate"), QStringLiteral("messages a second"),
        QStringLiteral("n"), QStringLiteral("2000"));
    const QCommandLineOption secondsOption(QStringLiteral("seconds"), QStringLiteral("run time"),
        QStringLiteral("s"), QStringLiteral("20"));
    const QCommandLineOption groupOption(QStringLiteral("per-group"),
        QStringLiteral("messages per commit"), QStringLiteral("n"), QStringLiteral("4"));
    const QCommandLineOption deletesOption(QStringLiteral("deletes-per-second"),
        QStringLiteral("sessions deleted a second"), QStringLiteral("n"), QStringLiteral("0"));
    const QCommandLineOption dirOption(QStringLiteral("dir"),
        QStringLiteral("directory for the database (default: a temporary one)"),
        QStringLiteral("dir"));
    const QCommandLineOption spacingOption(QStringLiteral("commit-spacing-ms"),
        QStringLiteral("least time from one commit to the next (helpy-server's default)"),
        QStringLiteral("ms"), QString::number(ServerOptions().commitSpacingMs));
    parser.addOptions({ sessionsOption, usersOption, rateOption, secondsOption, groupOption,
        deletesOption, dirOption, spacingOption });
    parser.process(app);
    const int sessions = std::max(1, parser.value(sessionsOption).toInt());
    const int users = std::max(1, parser.value(usersOption).toInt());
    const int rate = std::max(1, parser.value(rateOption).toInt());
    const int seconds = std::max(1, parser.value(secondsOption).toInt());
    const int perGroup = std::max(1, parser.value(groupOption).toInt());
    const int deletesPerSecond = std::max(0, parser.value(deletesOption).toInt());
    const int spacingMs = std::max(0, parser.value(spacingOption).toInt());

    QTemporaryDir temporary;
    const QString dir = parser.isSet(dirOption) ? parser.value(dirOption) : temporary.path();
    const QString path = QDir(dir).filePath(QStringLiteral("storebench.sqlite"));
    QFile::remove(path);
    SqliteSessionStore store(path);
    store.setCommitSpacing(std::chrono::milliseconds(spacingMs));
    QString error;
    if (!store.open(&error)) {
        std::fprintf(stderr, "cannot open %s: %s\n", qPrintable(path), qPrintable(error));
        return 1;
    }

    // The rooms' set-up: every user and session, one commit.
    QStringList userIds, sessionIds;
    store.begin();
    for (int u = 0; u < users; ++u) {
        userIds.append(QStringLiteral("u-%1-0123456789abcdef").arg(u));
        store.saveUser(
            { userIds.last(), QStringLiteral("token-%1-0123456789abcdef0123456789").arg(u),
                QStringLiteral("User %1").arg(u) });
    }
    for (int s = 0; s < sessions; ++s) {
        sessionIds.append(QStringLiteral("s-%1-0123456789abcdef").arg(s));
        store.saveSession(sessionIds.last(), QStringLiteral("Room %1").arg(s),
            QStringLiteral("epoch-0123456789"));
    }
    if (!store.commit() || !store.durabilityBarrier() || !store.durabilityBarrier()().isEmpty()) {
        std::fprintf(stderr, "set-up commit failed: %s\n", qPrintable(store.lastError()));
        return 1;
    }

    std::vector<qint64> revisions(size_t(sessions), 1);
    std::vector<bool> deleted(size_t(sessions), false);
    int deletions = 0;
    const qint64 deleteIntervalNs = deletesPerSecond ? 1'000'000'000 / deletesPerSecond : 0;
    qint64 nextDeleteNs = deleteIntervalNs;
    QRandomGenerator random(16);
    const QString text(60, QLatin1Char('x'));
    std::vector<double> durableMs;
    QElapsedTimer clock;
    qint64 messages = 0;
    int outstanding = 0;
    bool failed = false;
    const double cpuBefore = cpuSeconds();
    const qint64 intervalNs = qint64(perGroup) * 1'000'000'000 / rate;
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    tick.setInterval(1);
    qint64 nextGroupNs = 0;
    QObject context;
    QObject::connect(&tick, &QTimer::timeout, &context, [&] {
        const qint64 now = clock.nsecsElapsed();
        if (now >= qint64(seconds) * 1'000'000'000) {
            tick.stop();
            if (outstanding == 0)
                app.quit();
            return;
        }
        const auto committed = [&] {
            if (!store.commit()) {
                failed = true;
                app.quit();
                return false;
            }
            const qint64 committedAt = clock.nsecsElapsed();
            ++outstanding;
            store.notifyWhenDurable(&context, [&, committedAt](const QString &writeError) {
                --outstanding;
                if (!writeError.isEmpty())
                    failed = true;
                durableMs.push_back(double(clock.nsecsElapsed() - committedAt) / 1e6);
                if (!tick.isActive() && outstanding == 0)
                    app.quit();
            });
            return true;
        };
        while (deleteIntervalNs && nextDeleteNs <= now && deletions < sessions / 2) {
            nextDeleteNs += deleteIntervalNs;
            int s = int(random.bounded(sessions));
            while (deleted[size_t(s)])
                s = (s + 1) % sessions;
            deleted[size_t(s)] = true;
            ++deletions;
            store.begin();
            const qint64 revision = ++revisions[size_t(s)];
            store.appendEvent(sessionIds.at(s), revision,
                QStringLiteral(R"({"type":"session_deleted","sessionId":"%1","revision":%2})")
                    .arg(sessionIds.at(s))
                    .arg(revision));
            store.forgetSession(sessionIds.at(s), revision);
            if (!committed())
                return;
        }
        while (nextGroupNs <= now) { // catch up after a late tick: the rate is kept
            nextGroupNs += intervalNs;
            store.begin();
            for (int m = 0; m < perGroup; ++m) {
                int s = int(random.bounded(sessions));
                while (deleted[size_t(s)])
                    s = (s + 1) % sessions;
                const QString &user = userIds.at(int(random.bounded(users)));
                const qint64 revision = ++revisions[size_t(s)];
                const QString requestId = QStringLiteral("r-%1").arg(messages);
                store.appendEvent(sessionIds.at(s), revision,
                    QStringLiteral(
                        R"({"type":"message","sessionId":"%1","epoch":"epoch-0123456789",)"
                        R"("revision":%2,"timestamp":"2026-12-03T04:00:00.000Z",)"
                        R"("message":{"id":"m-%3","authorId":"%4","text":"%5"}})")
                        .arg(sessionIds.at(s))
                        .arg(revision)
                        .arg(messages)
                        .arg(user, text));
                store.saveAnswer(user, requestId,
                    QStringLiteral(R"({"type":"ack","requestId":"%1","revision":%2,"ok":true})")
                        .arg(requestId)
                        .arg(revision));
                ++messages;
            }
            if (!committed())
                return;
        }
    });
    clock.start();
    tick.start();
    app.exec();
    const double cpu = cpuSeconds() - cpuBefore;
    const auto fileBytes = [&](const QString &suffix) { return QFileInfo(path + suffix).size(); };
    std::printf("{\"kind\":\"store\",\"sessions\":%d,\"users\":%d,\"rate\":%d,\"per_group\":%d,"
                "\"deletions\":%d,\"commit_spacing_ms\":%d,\"transactions\":%llu,\"messages\":%lld,"
                "\"cpu_s\":%.3f,\"cpu_per_message_us\":%.1f,"
                "\"durable_p50_ms\":%.2f,\"durable_p99_ms\":%.2f,\"durable_max_ms\":%.2f,"
                "\"db_bytes\":%lld,\"wal_bytes\":%lld,\"failed\":%s}\n",
        sessions, users, rate, perGroup, deletions, spacingMs,
        static_cast<unsigned long long>(store.writtenTransactions()), messages, cpu,
        cpu * 1e6 / double(std::max<qint64>(1, messages)), percentile(durableMs, 0.5),
        percentile(durableMs, 0.99), percentile(durableMs, 1.0), fileBytes(QString()),
        fileBytes(QStringLiteral("-wal")), failed ? "true" : "false");
    return failed ? 1 : 0;
}
