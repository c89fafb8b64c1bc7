// SPDX-License-Identifier: MIT
// helpy-soak: well-behaved clients chatting in one session while hostile and careless ones
// run against the same server (issue 11), printing every 10 s the latency the well-behaved
// ones see. Loopback only, bounded in time; scripts/soak.sh starts a server and runs it.
//
// The mix, all at once after the set-up:
//   chat       N clients, each sends a message every 500 ms and times its own echo (p50/p99)
//   lister     one user in many sessions asks list_sessions 40 times a second
//   flapper    one user reconnects (open, hello, join, close) as fast as it can
//   guesser    one user tries random invite codes 20 times a second
//   nonreaders 10 connections in the session that never read a byte
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>
#include <vector>

namespace {

QElapsedTimer s_clock;

/// One protocol client: hello, requests with their one answer, every other frame to onFrame.
class Peer : public QObject
{
public:
    explicit Peer(QString name)
        : m_name(std::move(name))
    {
        connect(&socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
            const QJsonObject frame = QJsonDocument::fromJson(text.toUtf8()).object();
            const QString type = frame[QLatin1String("type")].toString();
            if (type == QLatin1String("welcome")) {
                userId = frame[QLatin1String("userId")].toString();
                token = frame[QLatin1String("token")].toString();
                if (auto then = std::exchange(m_onWelcome, {}))
                    then();
                return;
            }
            const QString requestId = frame[QLatin1String("requestId")].toString();
            if ((type == QLatin1String("ack") || type == QLatin1String("error"))
                && m_pending.contains(requestId)) {
                m_pending.take(requestId)(frame);
                return;
            }
            if (onFrame)
                onFrame(frame);
        });
    }

    void signIn(const QUrl &url, std::function<void()> then)
    {
        m_onWelcome = std::move(then);
        connect(&socket, &QWebSocket::connected, this, [this] {
            send({ { "type", "hello" }, { "protocol", 1 }, { "displayName", m_name },
                { "token", token } });
        });
        socket.open(url);
    }

    void send(const QJsonObject &frame)
    {
        socket.sendTextMessage(
            QString::fromUtf8(QJsonDocument(frame).toJson(QJsonDocument::Compact)));
    }

    /// Returns the requestId it gave the frame.
    QString request(QJsonObject frame, std::function<void(const QJsonObject &)> onAnswer = {})
    {
        const QString requestId = m_name + QLatin1Char('-') + QString::number(++m_counter);
        frame.insert(QLatin1String("requestId"), requestId);
        m_pending.insert(
            requestId, onAnswer ? std::move(onAnswer) : [](const QJsonObject &) {});
        send(frame);
        return requestId;
    }

    QWebSocket socket;
    QString userId;
    QString token;
    std::function<void(const QJsonObject &)> onFrame;

private:
    QString m_name;
    quint64 m_counter = 0;
    std::function<void()> m_onWelcome;
    QHash<QString, std::function<void(const QJsonObject &)>> m_pending;
};

/// A connection that says hello, joins, and then never reads: the server's writes back up.
class NonReader : public QObject
{
public:
    NonReader(const QUrl &url, const QString &inviteCode)
    {
        connect(&m_socket, &QTcpSocket::connected, this, [this, url] {
            m_socket.write("GET " + url.path().toLatin1()
                + " HTTP/1.1\r\nHost: " + url.host().toLatin1()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: "
                  "13\r\n\r\n");
        });
        connect(&m_socket, &QTcpSocket::readyRead, this, [this, inviteCode] {
            if (m_upgraded)
                return; // never read again
            m_buffer += m_socket.readAll();
            if (!m_buffer.contains("\r\n\r\n"))
                return;
            m_upgraded = true;
            sendText({ { "type", "hello" }, { "protocol", 1 }, { "displayName", "Quiet" } });
            sendText({ { "type", "join_session" }, { "requestId", "q1" },
                { "inviteCode", inviteCode } });
            m_socket.setReadBufferSize(1);
        });
        connect(&m_socket, &QTcpSocket::disconnected, this, [this] { closed = true; });
        m_socket.connectToHost(url.host(), quint16(url.port()));
    }
    bool closed = false;

private:
    void sendText(const QJsonObject &object)
    {
        const QByteArray payload = QJsonDocument(object).toJson(QJsonDocument::Compact);
        QByteArray frame;
        frame.append(char(0x81));
        frame.append(char(0x80 | 126));
        frame.append(char((payload.size() >> 8) & 0xff));
        frame.append(char(payload.size() & 0xff));
        const char key[4] = { 1, 2, 3, 4 };
        frame.append(key, 4);
        for (qsizetype i = 0; i < payload.size(); ++i)
            frame.append(char(payload[i] ^ key[i % 4]));
        m_socket.write(frame);
    }

    QTcpSocket m_socket;
    QByteArray m_buffer;
    bool m_upgraded = false;
};

struct Counts
{
    int answered = 0;
    int refused = 0;
};

QString percentile(std::vector<qint64> samples, double p)
{
    if (samples.empty())
        return QStringLiteral("-");
    std::sort(samples.begin(), samples.end());
    const size_t at = std::min(samples.size() - 1, size_t(p * double(samples.size())));
    return QString::number(double(samples[at]) / 1000.0, 'f', 1);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Hostile and careless clients against one "
                                                    "Helpy server, with chat latency printed."));
    parser.addHelpOption();
    const QCommandLineOption urlOption(QStringLiteral("url"),
        QStringLiteral("Server, ws://127.0.0.1:PORT/v1."), QStringLiteral("url"));
    const QCommandLineOption secondsOption(QStringLiteral("seconds"),
        QStringLiteral("How long the mix runs (default 120)."), QStringLiteral("seconds"),
        QStringLiteral("120"));
    const QCommandLineOption clientsOption(QStringLiteral("clients"),
        QStringLiteral("Well-behaved chat clients (default 20)."), QStringLiteral("count"),
        QStringLiteral("20"));
    const QCommandLineOption calmOption(QStringLiteral("calm"),
        QStringLiteral("Only the chat clients: the baseline to compare the mix with."));
    parser.addOptions({ urlOption, secondsOption, clientsOption, calmOption });
    parser.process(app);
    const QUrl url(parser.value(urlOption));
    const int seconds = parser.value(secondsOption).toInt();
    const int clientCount = parser.value(clientsOption).toInt();
    const bool calm = parser.isSet(calmOption);
    if (!url.isValid() || url.host() != QLatin1String("127.0.0.1") || seconds <= 0) {
        std::fprintf(stderr, "helpy-soak: --url ws://127.0.0.1:PORT/v1 and --seconds N > 0\n");
        return 2;
    }
    s_clock.start();

    std::vector<std::unique_ptr<Peer>> chat;
    auto owner = std::make_unique<Peer>(QStringLiteral("owner"));
    auto lister = std::make_unique<Peer>(QStringLiteral("lister"));
    auto guesser = std::make_unique<Peer>(QStringLiteral("guesser"));
    std::unique_ptr<Peer> flapper;
    QString flapToken;
    std::vector<std::unique_ptr<NonReader>> quiet;
    QString sessionId, inviteCode;
    std::vector<qint64> latencyUs; // of this 10 s window
    QHash<QString, qint64> sentAt; // requestId → µs
    Counts chatCounts, listCounts, guessCounts;
    int flaps = 0;
    QList<QTimer *> timers;

    auto every = [&](int ms, std::function<void()> tick) {
        auto *timer = new QTimer(&app);
        QObject::connect(timer, &QTimer::timeout, &app, std::move(tick));
        timer->start(ms);
        timers.append(timer);
    };

    std::function<void()> flap = [&] {
        // Open, hello with the same identity, join, and close a moment later, again and again.
        flapper = std::make_unique<Peer>(QStringLiteral("flapper"));
        flapper->token = flapToken;
        flapper->signIn(url, [&] {
            flapToken = flapper->token;
            flapper->request({ { "type", "join_session" }, { "sessionId", sessionId } },
                [&](const QJsonObject &) {
                    ++flaps;
                    QTimer::singleShot(200, &app, [&] {
                        flapper->socket.close();
                        QTimer::singleShot(50, &app, flap);
                    });
                });
        });
    };

    auto startTheAttacks = [&] {
        for (int i = 0; i < 10; ++i)
            quiet.push_back(std::make_unique<NonReader>(url, inviteCode));
        every(25, [&] {
            lister->request({ { "type", "list_sessions" } }, [&](const QJsonObject &answer) {
                ++(answer[QLatin1String("type")] == QLatin1String("ack") ? listCounts.answered
                                                                         : listCounts.refused);
            });
        });
        every(50, [&] {
            QString code;
            for (int i = 0; i < 8; ++i)
                code += QLatin1Char(
                    "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"[QRandomGenerator::global()->bounded(32)]);
            guesser->request({ { "type", "join_session" }, { "inviteCode", code } },
                [&](const QJsonObject &answer) {
                    ++(answer[QLatin1String("code")] == QLatin1String("rate_limited")
                            ? guessCounts.refused
                            : guessCounts.answered);
                });
        });
        flap();
    };

    auto printWindow = [&](qint64 start) {
        int closed = 0;
        for (const auto &q : quiet)
            closed += q->closed;
        std::printf("t=%3llds  chat p50 %s ms p99 %s ms (%zu msgs, %d refused)", //
            (long long)((s_clock.elapsed() - start) / 1000), qPrintable(percentile(latencyUs, 0.5)),
            qPrintable(percentile(latencyUs, 0.99)), latencyUs.size(), chatCounts.refused);
        if (!calm)
            std::printf("  list_sessions %d answered %d refused  flaps %d  guesses %d answered "
                        "%d throttled  non-readers closed %d/%zu",
                listCounts.answered, listCounts.refused, flaps, guessCounts.answered,
                guessCounts.refused, closed, quiet.size());
        std::printf("\n");
        std::fflush(stdout);
        latencyUs.clear();
        chatCounts = {};
        listCounts = {};
        guessCounts = {};
        flaps = 0;
    };

    auto startTheMix = [&] {
        std::printf("set-up done at %.1f s: %d chat clients in %s; %s for %d s\n",
            double(s_clock.elapsed()) / 1000.0, clientCount, qPrintable(sessionId),
            calm ? "alone (--calm)" : "with the hostile mix", seconds);
        std::fflush(stdout);
        for (size_t i = 0; i < chat.size(); ++i) {
            Peer *peer = chat[i].get();
            const bool talker = i == 0; // one long-winded client: the non-readers fill up
            every(500, [&, peer, talker] {
                const QString text = talker ? QString(3000, QLatin1Char('x'))
                                            : QStringLiteral("ping %1").arg(s_clock.elapsed());
                QJsonObject frame { { "type", "send_message" }, { "sessionId", sessionId },
                    { "text", text } };
                const QString id = peer->request(frame, [&](const QJsonObject &answer) {
                    if (answer[QLatin1String("type")] == QLatin1String("error"))
                        ++chatCounts.refused;
                });
                sentAt.insert(id, s_clock.nsecsElapsed() / 1000); // the echo closes it
            });
        }
        if (!calm)
            startTheAttacks();
        const qint64 start = s_clock.elapsed();
        every(10000, [&, start] { printWindow(start); });
        QTimer::singleShot(seconds * 1000 + 100, &app, [] { QCoreApplication::quit(); });
    };

    auto joinChat = [&] {
        int *joined = new int(0);
        for (int i = 0; i < clientCount; ++i) {
            chat.push_back(std::make_unique<Peer>(QStringLiteral("chat%1").arg(i)));
            Peer *peer = chat.back().get();
            peer->onFrame = [&, peer](const QJsonObject &frame) {
                if (frame[QLatin1String("type")] != QLatin1String("message"))
                    return;
                const auto it = sentAt.find(frame[QLatin1String("requestId")].toString());
                if (it == sentAt.end() || frame[QLatin1String("authorId")] != peer->userId)
                    return;
                latencyUs.push_back(s_clock.nsecsElapsed() / 1000 - *it);
                sentAt.erase(it);
            };
            peer->signIn(url, [&, peer, joined] {
                peer->request({ { "type", "join_session" }, { "inviteCode", inviteCode } },
                    [&, joined](const QJsonObject &) {
                        if (++*joined == clientCount)
                            startTheMix();
                    });
            });
        }
    };
    QObject::connect(&app, &QCoreApplication::aboutToQuit, &app, [&] {
        for (QTimer *timer : std::as_const(timers))
            timer->stop();
    });

    owner->signIn(url, [&] {
        owner->request(
            { { "type", "create_session" }, { "title", "Soak" } }, [&](const QJsonObject &created) {
                sessionId = created[QLatin1String("sessionId")].toString();
                owner->request({ { "type", "join_session" }, { "sessionId", sessionId } });
                owner->request({ { "type", "create_invite" }, { "sessionId", sessionId } },
                    [&](const QJsonObject &invite) {
                        inviteCode = invite[QLatin1String("inviteCode")].toString();
                        // The flapper is a member, so its joins by id are accepted.
                        flapper = std::make_unique<Peer>(QStringLiteral("flapper"));
                        flapper->signIn(url, [&] {
                            flapToken = flapper->token;
                            flapper->request(
                                { { "type", "join_session" }, { "inviteCode", inviteCode } },
                                [&](const QJsonObject &) { joinChat(); });
                        });
                    });
            });
    });
    lister->signIn(url, [&] {
        // A user in many sessions: every list_sessions answer is as large as the server allows.
        for (int i = 0; i < 300; ++i)
            lister->request({ { "type", "create_session" }, { "title", "Lister" } });
    });
    guesser->signIn(url, [] {});

    QTimer::singleShot(20000, &app, [&] {
        if (sessionId.isEmpty() || chat.size() < size_t(clientCount)) {
            std::fprintf(stderr, "helpy-soak: set-up did not finish in 20 s\n");
            QCoreApplication::exit(1);
        }
    });
    return QCoreApplication::exec();
}
