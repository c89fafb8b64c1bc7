// SPDX-License-Identifier: MIT
// Helpy tutors that answer: the runtime in the server against a fake chat-completions server.
#include "chatcompletionsclient.h"
#include "fakechatcompletions.h"
#include "protocol.h"
#include "rawclient.h"
#include "roster.h"
#include "serveroptions.h"
#include "sessionserver.h"
#include "sseparser.h"
#include "tutorcoordinator.h"
#include "tutorprompt.h"
#include "tutorruntime.h"

#include <QJsonArray>
#include <QLoggingCategory>
#include <QMutex>
#include <QNetworkAccessManager>
#include <QTcpServer>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace Protocol;
using Failure = ChatCompletionsClient::FailureKind;

namespace {

constexpr auto Key = "sk-test-7f3a9c-SECRET";

bool isMessage(const QJsonObject &f)
{
    return f["type"] == "message";
}

/// Every log line, for the key check.
QStringList g_log;
QMutex g_logMutex;
QtMessageHandler g_previousHandler = nullptr;
void captureLog(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    {
        QMutexLocker lock(&g_logMutex);
        g_log.append(message);
    }
    if (g_previousHandler && type != QtDebugMsg)
        g_previousHandler(type, context, message);
}

} // namespace

class TestTutors : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<FakeChatCompletions> fake;
    std::unique_ptr<SessionServer> server;
    ServerOptions options;
    std::unique_ptr<RawClient> a, b, c;
    QString sessionId;
    QString mathId;

    void start(bool withEndpoint = true)
    {
        fake = std::make_unique<FakeChatCompletions>();
        QVERIFY(fake->listen());
        options.port = 0;
        options.helpyEndpoint = withEndpoint ? fake->baseUrl().toString() : QString();
        options.helpyModel = u"tutor-7b"_s;
        options.helpyApiKey = QString::fromLatin1(Key);
        server = std::make_unique<SessionServer>(options);
        QVERIFY(server->listen());
        a = std::make_unique<RawClient>();
        b = std::make_unique<RawClient>();
        c = std::make_unique<RawClient>();
        QVERIFY(a->signIn(server->url(), u"Ana"_s));
        QVERIFY(b->signIn(server->url(), u"Ben"_s));
        QVERIFY(c->signIn(server->url(), u"Cleo"_s));
        const QJsonObject created
            = a->request({ { "type", "create_session" }, { "title", "Algebra" } });
        sessionId = created["sessionId"].toString();
        QVERIFY(!sessionId.isEmpty());
        QCOMPARE(
            a->request({ { "type", "join_session" }, { "sessionId", sessionId } })["type"], "ack");
        const QString code
            = a->request({ { "type", "create_invite" }, { "sessionId", sessionId } })["inviteCode"]
                  .toString();
        QCOMPARE(b->request({ { "type", "join_session" }, { "inviteCode", code } })["type"], "ack");
        QCOMPARE(c->request({ { "type", "join_session" }, { "inviteCode", code } })["type"], "ack");
        mathId = addHelpy(u"Math Helpy"_s, u"Mathematics: algebra and geometry"_s);
        QVERIFY(!mathId.isEmpty());
    }

    QString addHelpy(const QString &name, const QString &subject)
    {
        const QJsonObject ack = a->request({ { "type", "add_participant" },
            { "sessionId", sessionId }, { "participantType", "helpy" }, { "displayName", name },
            { "subject", subject }, { "instructions", "Use small steps." } });
        return ack["participantId"].toString();
    }

    QString say(RawClient &who, const QString &text, const QString &replyTo = {})
    {
        QJsonObject request { { "type", "send_message" }, { "sessionId", sessionId },
            { "text", text } };
        if (!replyTo.isEmpty())
            request.insert("replyTo", replyTo);
        return who.request(request)["messageId"].toString();
    }

    /// The next message frame from `from` on written by `authorId`.
    std::optional<QJsonObject> messageFrom(
        RawClient &client, const QString &authorId, qsizetype from = 0, int timeoutMs = 5000)
    {
        return client.waitFor(
            [&](const QJsonObject &f) { return isMessage(f) && f["authorId"] == authorId; }, from,
            timeoutMs);
    }

    QList<QJsonObject> framesOf(const RawClient &client, const QString &type, qsizetype from = 0)
    {
        QList<QJsonObject> list;
        for (qsizetype i = from; i < client.frames.size(); ++i) {
            if (client.frames.at(i)["type"] == type)
                list.append(client.frames.at(i));
        }
        return list;
    }

    /// A message every client gets after all that came before (the server keeps order).
    void fence(qsizetype from = 0)
    {
        const QString id = say(*a, u"fence"_s);
        QVERIFY(!id.isEmpty());
        QVERIFY(b->waitFor([&](const QJsonObject &f) { return f["messageId"] == id; }, from));
    }

private slots:
    void init()
    {
        options = ServerOptions {};
        options.helpyDeltaIntervalMs = 20;
    }

    void cleanup()
    {
        a.reset();
        b.reset();
        c.reset();
        server.reset();
        fake.reset();
    }

    // ------------------------------------------------------------------ pure parts

    void sseParserJoinsSplitLinesAndCharacters()
    {
        const QByteArray stream = "data: {\"t\":\"é😀\"}\r\n\r\n: comment\n"
                                  "event: x\ndata: one\ndata: two\n\ndata: [DONE]\n\n";
        // Every way of cutting it in two, and byte by byte: the same events.
        const QList<QByteArray> expected { "{\"t\":\"é😀\"}", "one\ntwo", "[DONE]" };
        for (qsizetype cut = 0; cut <= stream.size(); ++cut) {
            SseParser parser;
            QList<QByteArray> events = parser.feed(stream.first(cut));
            events += parser.feed(stream.sliced(cut));
            QCOMPARE(events, expected);
        }
        SseParser parser;
        QList<QByteArray> events;
        for (char byte : stream)
            events += parser.feed(QByteArrayView(&byte, 1));
        QCOMPARE(events, expected);
        QCOMPARE(QString::fromUtf8(events.first()), u"{\"t\":\"é😀\"}"_s);
        QCOMPARE(parser.pendingBytes(), 0);
    }

    void sseParserKeepsAnUnfinishedEvent()
    {
        SseParser parser;
        QVERIFY(parser.feed("data: {\"a\":1}\ndata: x").isEmpty());
        QCOMPARE(parser.finish(), QByteArray("{\"a\":1}\nx"));
        QCOMPARE(parser.finish(), QByteArray());
    }

    void sseParserDropsAnEventThatNeverEnds()
    {
        SseParser parser;
        const QByteArray line = "data: " + QByteArray(1000, 'x') + '\n';
        qsizetype held = 0;
        for (int i = 0; i < 8 * 1024; ++i) { // 8 MB of one event's data lines
            QVERIFY(parser.feed(line).isEmpty());
            held = std::max(held, parser.pendingBytes() + parser.pendingEventBytes());
        }
        QVERIFY2(held <= SseParser::MaxEventBytes, QByteArray::number(held));
        // The endless event ends at last: dropped whole; the next one is whole again.
        QCOMPARE(parser.feed("data: tail\n\ndata: next\n\n"), QList<QByteArray> { "next" });
        QCOMPARE(parser.pendingEventBytes(), 0);
    }

    void mentions()
    {
        using TutorCoordinator::mentionAt;
        QCOMPARE(mentionAt(u"@Math Helpy can you explain?"_s, u"Math Helpy"_s), 0);
        QCOMPARE(mentionAt(u"hey @math helpy, why?"_s, u"Math Helpy"_s), 4);
        QCOMPARE(mentionAt(u"Math Helpy, why?"_s, u"Math Helpy"_s), 0);
        QCOMPARE(mentionAt(u"@Math Helpyish why?"_s, u"Math Helpy"_s), -1);
        QCOMPARE(mentionAt(u"Math Helpy is nice"_s, u"Math Helpy"_s), -1);
        QCOMPARE(TutorCoordinator::overlap(u"What is photosynthesis in plants?"_s,
                     u"Biology: plants and photosynthesis"_s),
            2);
    }

    void coordinatorRules()
    {
        Roster roster;
        roster.upsert({ u"u1"_s, ParticipantType::User, u"Ana"_s, Role::Owner });
        Participant math { u"h1"_s, ParticipantType::Helpy, u"Math Helpy"_s };
        math.subject = u"Mathematics: algebra, equations"_s;
        Participant bio { u"h2"_s, ParticipantType::Helpy, u"Bio Helpy"_s };
        bio.subject = u"Biology: plants, cells"_s;
        roster.upsert(math);
        roster.upsert(bio);
        std::deque<ChatMessage> recent;
        ChatMessage answer { u"m1"_s, u"h2"_s, u"Cells divide."_s };
        recent.push_back(answer);
        SessionSettings off;
        SessionSettings on { true };
        const auto from = [](const QString &author, const QString &text) {
            return ChatMessage { u"m9"_s, author, text };
        };
        QCOMPARE(TutorCoordinator::answerers(
                     roster, from(u"u1"_s, u"@Bio Helpy and @Math Helpy?"_s), recent, off),
            QStringList({ u"h2"_s, u"h1"_s }));
        // Never a Helpy's message (no loops), never its own.
        QVERIFY(TutorCoordinator::answerers(roster, from(u"h2"_s, u"@Math Helpy?"_s), recent, on)
                    .isEmpty());
        QVERIFY(TutorCoordinator::answerers(roster, from(u"h1"_s, u"@Math Helpy?"_s), recent, on)
                    .isEmpty());
        ChatMessage reply = from(u"u1"_s, u"why?"_s);
        reply.replyTo = u"m1"_s;
        QCOMPARE(TutorCoordinator::answerers(roster, reply, recent, off), QStringList { u"h2"_s });
        const ChatMessage question = from(u"u1"_s, u"How do plants make cells?"_s);
        QVERIFY(TutorCoordinator::answerers(roster, question, recent, off).isEmpty());
        QCOMPARE(
            TutorCoordinator::answerers(roster, question, recent, on), QStringList { u"h2"_s });
        QCOMPARE(
            TutorCoordinator::answerers(roster, from(u"u1"_s, u"Solve equations?"_s), recent, on),
            QStringList { u"h1"_s });
        QVERIFY(TutorCoordinator::answerers(roster, from(u"u1"_s, u"Any idea?"_s), recent, on)
                    .isEmpty());
        QVERIFY(TutorCoordinator::answerers(roster, from(u"u1"_s, u"Plants."_s), recent, on)
                    .isEmpty()); // not a question
    }

    void promptKeepsTheNewestWithinTheBudget()
    {
        Participant helpy { u"h1"_s, ParticipantType::Helpy, u"Math Helpy"_s };
        helpy.subject = u"Mathematics"_s;
        helpy.instructions = u"Answer in French."_s;
        std::deque<ChatMessage> history;
        for (int i = 0; i < 20; ++i)
            history.push_back({ u"m%1"_s.arg(i), i % 2 ? u"u1"_s : u"h1"_s,
                u"message number %1 "_s.arg(i) + QString(40, u'x') });
        const auto nameOf = [](const QString &id) { return id == u"u1"_s ? u"Ana"_s : QString(); };
        const QString system = TutorPrompt::systemPrompt(helpy);
        QVERIFY(system.contains(u"Math Helpy"_s));
        QVERIFY(system.contains(u"Mathematics"_s));
        QVERIFY(system.contains(u"Answer in French."_s));
        const qsizetype budget = system.size() + 300;
        const QJsonArray messages = TutorPrompt::build(helpy, history, u"m19"_s, nameOf, budget);
        qsizetype total = 0;
        for (const QJsonValue &m : messages)
            total += m["content"].toString().size();
        QVERIFY2(total <= budget, qPrintable(u"%1 > %2"_s.arg(total).arg(budget)));
        QVERIFY(messages.size() > 2 && messages.size() < 21);
        QCOMPARE(messages.first()["role"], "system");
        QVERIFY(messages.last()["content"].toString().startsWith(u"Ana: message number 19"_s));
        QCOMPARE(messages.at(messages.size() - 2)["role"], "assistant");
    }

    void protocolRoundTrips()
    {
        MessageDelta delta { u"s-1"_s, u"m-d"_s, u"h-1"_s, u"(a+b)² ="_s };
        const auto decoded = decodeServerFrame(encode(ServerFrame(delta)).toUtf8());
        const auto *back = std::get_if<MessageDelta>(&std::get<ServerFrame>(decoded));
        QVERIFY(back);
        QCOMPARE(back->text, delta.text);
        QCOMPARE(back->draftId, delta.draftId);

        SessionSettingsEvent settings { u"s-1"_s, u"e"_s, 4, { true }, u"u-1"_s,
            QDateTime::currentDateTimeUtc() };
        const auto settingsBack = decodeServerFrame(encode(ServerFrame(settings)).toUtf8());
        QVERIFY(std::get<SessionSettingsEvent>(std::get<ServerFrame>(settingsBack))
                    .settings.helpysAnswerQuestions);

        const auto json
            = [](const QJsonObject &o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); };
        const QJsonObject update { { "type", "update_helpy" }, { "requestId", "r1" },
            { "sessionId", "s" }, { "participantId", "h" } };
        QJsonObject withSubject = update;
        withSubject.insert("subject", " Physics ");
        const auto decodedUpdate = decodeClientFrame(json(withSubject));
        const auto &u = std::get<UpdateHelpy>(std::get<ClientFrame>(decodedUpdate));
        QCOMPARE(u.subject, std::optional<QString>(u"Physics"_s));
        QVERIFY(!u.displayName && !u.instructions);
        // Nothing to change, an over-long subject: refused with a reason.
        QVERIFY(std::holds_alternative<DecodeError>(decodeClientFrame(json(update))));
        QJsonObject add { { "type", "add_participant" }, { "requestId", "r" }, { "sessionId", "s" },
            { "participantType", "helpy" }, { "displayName", "X" },
            { "subject", QString(101, u'a') } };
        QCOMPARE(
            toString(std::get<DecodeError>(decodeClientFrame(json(add))).code), u"too_large"_s);
        // A user has no subject.
        add.insert("participantType", "user");
        add.insert("participantId", "u");
        add.insert("subject", "x");
        QVERIFY(std::holds_alternative<DecodeError>(decodeClientFrame(json(add))));
        // replyTo and kind on a message.
        ChatMessage m { u"m1"_s, u"h1"_s, u"hi"_s, QDateTime::currentDateTimeUtc(), 3, {}, {},
            u"m0"_s, MessageKind::Notice };
        const auto messageBack
            = decodeServerFrame(encode(ServerFrame(MessageEvent { u"s"_s, u"e"_s, m })).toUtf8());
        const ChatMessage &mb = std::get<MessageEvent>(std::get<ServerFrame>(messageBack)).message;
        QCOMPARE(mb.replyTo, u"m0"_s);
        QCOMPARE(toString(mb.kind), u"notice"_s);
    }

    // ------------------------------------------------------------------ the server

    void mentionStreamsTheSameAnswerToEveryone()
    {
        start();
        fake->answer = u"(a+b)² = a² + 2ab + b². Each term: a·a, twice a·b, b·b."_s;
        const QString question = say(*b, u"@Math Helpy can you explain (a+b)^2?"_s);
        QVERIFY(!question.isEmpty());
        const auto final = messageFrom(*c, mathId);
        QVERIFY(final);
        QCOMPARE((*final)["text"].toString(), fake->answer);
        QCOMPARE((*final)["replyTo"].toString(), question);
        QVERIFY(!(*final).contains("kind"));
        const QString draftId = (*final)["requestId"].toString();
        QVERIFY(!draftId.isEmpty());
        for (RawClient *client : { a.get(), b.get() }) {
            const auto same = messageFrom(*client, mathId);
            QVERIFY(same);
            QCOMPARE(*same, *final);
        }
        // "thinking", then the draft growing, then the final message; then not thinking.
        for (RawClient *client : { a.get(), b.get(), c.get() }) {
            qsizetype typingOn = -1, firstDelta = -1, lastDelta = -1, finalAt = -1, typingOff = -1;
            QString previous;
            for (qsizetype i = 0; i < client->frames.size(); ++i) {
                const QJsonObject &f = client->frames.at(i);
                if (f["type"] == "typing" && f["participantId"] == mathId)
                    (f["typing"].toBool() ? (typingOn < 0 ? typingOn : i) : typingOff) = i;
                if (f["type"] == "message_delta") {
                    QCOMPARE(f["draftId"].toString(), draftId);
                    QCOMPARE(f["participantId"].toString(), mathId);
                    QVERIFY(!f.contains("revision"));
                    const QString text = f["text"].toString();
                    QVERIFY2(text.startsWith(previous) && text != previous, qPrintable(text));
                    previous = text;
                    if (firstDelta < 0)
                        firstDelta = i;
                    lastDelta = i;
                }
                if (isMessage(f) && f["authorId"] == mathId)
                    finalAt = i;
            }
            QVERIFY(typingOn >= 0);
            QVERIFY(firstDelta > typingOn);
            QVERIFY(finalAt > lastDelta);
            QVERIFY(fake->answer.startsWith(previous));
            QTRY_VERIFY(client->waitFor(
                [&](const QJsonObject &f) {
                    return f["type"] == "typing" && f["participantId"] == mathId
                        && !f["typing"].toBool();
                },
                0, 100));
        }
        // A late joiner sees only the final message: no draft, same text.
        RawClient late;
        QVERIFY(late.signIn(server->url(), u"Dan"_s));
        const QString code
            = a->request({ { "type", "create_invite" }, { "sessionId", sessionId } })["inviteCode"]
                  .toString();
        QCOMPARE(
            late.request({ { "type", "join_session" }, { "inviteCode", code } })["type"], "ack");
        const auto snapshot
            = late.waitFor([](const QJsonObject &f) { return f["type"] == "session_snapshot"; });
        QVERIFY(snapshot);
        const QJsonArray messages = (*snapshot)["messages"].toArray();
        QJsonObject answer;
        for (const QJsonValue &m : messages) {
            if (m["authorId"] == mathId)
                answer = m.toObject();
        }
        QCOMPARE(answer["text"], (*final)["text"]);
        QCOMPARE(answer["messageId"], (*final)["messageId"]);
        QVERIFY(framesOf(late, u"message_delta"_s).isEmpty());
        QCOMPARE(fake->requests.size(), 1);
    }

    void bytesSplitMidLineAndMidCharacterGiveTheWholeAnswer()
    {
        start();
        fake->mode = FakeChatCompletions::Mode::SplitBytes;
        fake->answer = u"√(x²) = |x| — für alle x ∈ ℝ 😀"_s;
        say(*b, u"@Math Helpy sqrt?"_s);
        const auto final = messageFrom(*b, mathId);
        QVERIFY(final);
        QCOMPARE((*final)["text"].toString(), fake->answer);
        for (const QJsonObject &delta : framesOf(*b, u"message_delta"_s))
            QVERIFY(fake->answer.startsWith(delta["text"].toString()));
    }

    void aFloodingModelIsReadInBoundedMemory()
    {
        // A stream of 8 MB that never ends an event, then the answer: the flood is dropped,
        // never held, and the answer still arrives whole.
        start();
        fake->mode = FakeChatCompletions::Mode::Flood;
        say(*b, u"@Math Helpy hello?"_s);
        const auto final = messageFrom(*b, mathId);
        QVERIFY(final);
        QVERIFY(!(*final).contains("kind"));
        QCOMPARE((*final)["text"].toString(), fake->answer);
    }

    void anHttpErrorBodyIsKeptUpToItsLimit()
    {
        FakeChatCompletions endpoint;
        QVERIFY(endpoint.listen());
        endpoint.mode = FakeChatCompletions::Mode::HttpError;
        endpoint.status = 503;
        endpoint.errorPaddingBytes = 16 << 20;
        QNetworkAccessManager network;
        ChatCompletionsClient client(network);
        qsizetype held = -1;
        QString detail;
        connect(&client, &ChatCompletionsClient::failed, this,
            [&](ChatCompletionsClient::FailureKind, const QString &why, int) {
                held = client.heldBytes();
                detail = why;
            });
        ChatCompletionsClient::Request request;
        request.endpoint = endpoint.baseUrl();
        request.timeoutMs = 10'000;
        client.start(request);
        QTRY_VERIFY_WITH_TIMEOUT(held >= 0, 10'000);
        QVERIFY2(held <= ChatCompletionsClient::MaxErrorBodyBytes, QByteArray::number(held));
        QVERIFY2(detail.contains(endpoint.errorMessage), qPrintable(detail));
    }

    void theLongestAnswerStopsAtTheMessageLimit()
    {
        // A model that will not stop: the answer ends at what a message may hold (4,000
        // characters), no draft grows past it, and the server goes on serving.
        start();
        fake->pieceIntervalMs = 0;
        fake->answer = QString(6000, u'x');
        say(*b, u"@Math Helpy write a lot"_s);
        const auto final = messageFrom(*b, mathId);
        QVERIFY(final);
        const QString text = (*final)["text"].toString();
        QCOMPARE(text.size(), qsizetype(Limits {}.maxTextLength));
        QVERIFY(fake->answer.startsWith(text));
        for (const QJsonObject &delta : framesOf(*b, u"message_delta"_s))
            QVERIFY(delta["text"].toString().size() <= text.size());
        fence();
    }

    void requestBodyCarriesModelStreamNamesAndBudget()
    {
        options.helpyContextChars = 1500;
        start();
        for (int i = 0; i < 30; ++i)
            QVERIFY(!say(i % 2 ? *b : *c, u"note %1 "_s.arg(i) + QString(60, u'-')).isEmpty());
        say(*b, u"@Math Helpy what is 7 × 8?"_s);
        QVERIFY(messageFrom(*a, mathId));
        QCOMPARE(fake->requests.size(), 1);
        const FakeChatCompletions::Request &request = fake->requests.first();
        QCOMPARE(request.path, QByteArray("/v1/chat/completions"));
        QCOMPARE(request.authorization, QByteArray("Bearer ") + Key);
        QCOMPARE(request.body["model"], "tutor-7b");
        QCOMPARE(request.body["stream"], true);
        const QJsonArray messages = request.body["messages"].toArray();
        QCOMPARE(messages.first()["role"], "system");
        QVERIFY(messages.first()["content"].toString().contains(u"Mathematics"_s));
        QVERIFY(messages.first()["content"].toString().contains(u"Use small steps."_s));
        QCOMPARE(messages.last()["content"].toString(), u"Ben: @Math Helpy what is 7 × 8?"_s);
        QVERIFY(
            messages.at(messages.size() - 2)["content"].toString().startsWith(u"Ben: note 29"_s));
        qsizetype total = 0;
        for (const QJsonValue &m : messages)
            total += m["content"].toString().size();
        QVERIFY2(total <= options.helpyContextChars, qPrintable(QString::number(total)));
        QVERIFY(messages.size() < 31); // the oldest were dropped
        for (const QJsonValue &m : messages)
            QVERIFY(!m["content"].toString().contains(u"note 0 "_s));
    }

    void replyToAHelpyIsAnswered()
    {
        start();
        say(*b, u"@Math Helpy what is a prime?"_s);
        const auto first = messageFrom(*b, mathId);
        QVERIFY(first);
        const qsizetype from = b->frames.size();
        const QString followUp
            = say(*b, u"and why is 1 not one?"_s, (*first)["messageId"].toString());
        const auto second = messageFrom(*b, mathId, from);
        QVERIFY(second);
        QCOMPARE((*second)["replyTo"].toString(), followUp);
        QCOMPARE(fake->requests.size(), 2);
        // An ordinary message (no mention, no reply, setting off) is not answered.
        const qsizetype after = b->frames.size();
        say(*b, u"thanks all?"_s);
        fence(after);
        QCOMPARE(fake->requests.size(), 2);
    }

    void twoHelpysAnswerInOrderOneAtATime()
    {
        start();
        const QString physicsId = addHelpy(u"Physics Helpy"_s, u"Physics"_s);
        fake->pieceIntervalMs = 5;
        say(*b, u"@Physics Helpy and @Math Helpy: what is energy?"_s);
        const auto physics = messageFrom(*b, physicsId);
        const auto math = messageFrom(*b, mathId);
        QVERIFY(physics && math);
        QVERIFY((*physics)["revision"].toInteger() < (*math)["revision"].toInteger());
        QCOMPARE(fake->requests.size(), 2);
        QVERIFY(fake->requests.at(0).body["messages"][0]["content"].toString().contains(
            u"Physics Helpy"_s));
        QVERIFY(fake->requests.at(1).body["messages"][0]["content"].toString().contains(
            u"Math Helpy"_s));
        // One at a time: the second draft starts after the first answer.
        qsizetype physicsFinal = -1, firstMathDelta = -1;
        for (qsizetype i = 0; i < b->frames.size(); ++i) {
            const QJsonObject &f = b->frames.at(i);
            if (isMessage(f) && f["authorId"] == physicsId)
                physicsFinal = i;
            if (f["type"] == "message_delta" && f["participantId"] == mathId && firstMathDelta < 0)
                firstMathDelta = i;
        }
        QVERIFY(firstMathDelta > physicsFinal);
    }

    void helpysDoNotAnswerEachOther()
    {
        start();
        addHelpy(u"Physics Helpy"_s, u"Physics"_s);
        fake->answer = u"@Physics Helpy, over to you?"_s;
        say(*b, u"@Math Helpy start please"_s);
        QVERIFY(messageFrom(*b, mathId));
        const qsizetype from = b->frames.size();
        fake->answer = u"Again."_s;
        say(*b, u"@Math Helpy again"_s);
        QVERIFY(messageFrom(*b, mathId, from));
        QCOMPARE(fake->requests.size(), 2);
        QVERIFY(fake->requests.at(1).body["messages"][0]["content"].toString().contains(
            u"Math Helpy"_s));
    }

    void failuresBecomeOneReadableNotice_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QString>("notice");
        using Mode = FakeChatCompletions::Mode;
        QTest::newRow("400 context") << int(Mode::HttpError) << 400
                                     << u"This model's maximum context length is 4096 tokens"_s
                                     << TutorRuntime::noticeFor(Failure::ContextTooLong, 0);
        QTest::newRow("404 model") << int(Mode::HttpError) << 404 << u"model not found"_s
                                   << TutorRuntime::noticeFor(Failure::Rejected, 0);
        QTest::newRow("429") << int(Mode::HttpError) << 429 << u"slow down"_s
                             << TutorRuntime::noticeFor(Failure::RateLimited, 7);
        QTest::newRow("500") << int(Mode::HttpError) << 500 << u"boom"_s
                             << TutorRuntime::noticeFor(Failure::ServerError, 0);
        QTest::newRow("mid-stream error") << int(Mode::MidStreamError) << 0 << QString()
                                          << TutorRuntime::noticeFor(Failure::Interrupted, 0);
        QTest::newRow("no [DONE]") << int(Mode::NoDone) << 0 << QString()
                                   << TutorRuntime::noticeFor(Failure::Interrupted, 0);
        QTest::newRow("never answers")
            << int(Mode::Silent) << 0 << QString() << TutorRuntime::noticeFor(Failure::Timeout, 0);
    }

    void failuresBecomeOneReadableNotice()
    {
        QFETCH(int, mode);
        QFETCH(int, status);
        QFETCH(QString, message);
        QFETCH(QString, notice);
        options.helpyTimeoutSeconds = 1;
        start();
        fake->mode = FakeChatCompletions::Mode(mode);
        fake->status = status;
        fake->errorMessage = message;
        const QString question = say(*b, u"@Math Helpy help?"_s);
        const auto got = messageFrom(*c, mathId);
        QVERIFY(got);
        QCOMPARE((*got)["kind"], "notice");
        QCOMPARE((*got)["text"].toString(), notice);
        QCOMPARE((*got)["replyTo"].toString(), question);
        QVERIFY(notice.contains(u' ') && !notice.contains(u"HTTP"_s));
        fence(c->frames.size());
        // Only one notice, and the server keeps serving: the next question is answered.
        QCOMPARE(framesOf(*c, u"message"_s).size(), 3); // question, notice, fence
        fake->mode = FakeChatCompletions::Mode::Stream;
        const qsizetype from = c->frames.size();
        say(*b, u"@Math Helpy and now?"_s);
        const auto answered = messageFrom(*c, mathId, from);
        QVERIFY(answered);
        QVERIFY(!(*answered).contains("kind"));
    }

    void unreachableEndpointIsANotice()
    {
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
        const quint16 port = closed.serverPort();
        closed.close();
        start();
        server.reset();
        options.helpyEndpoint = u"http://127.0.0.1:%1/v1"_s.arg(port);
        server = std::make_unique<SessionServer>(options);
        QVERIFY(server->listen());
        RawClient ana;
        QVERIFY(ana.signIn(server->url(), u"Ana"_s));
        sessionId = ana.request({ { "type", "create_session" }, { "title", "T" } })["sessionId"]
                        .toString();
        ana.request({ { "type", "join_session" }, { "sessionId", sessionId } });
        const QString helpy
            = ana.request({ { "type", "add_participant" }, { "sessionId", sessionId },
                { "participantType", "helpy" }, { "displayName", "Math Helpy" } })["participantId"]
                  .toString();
        say(ana, u"@Math Helpy hello?"_s);
        const auto got = messageFrom(ana, helpy);
        QVERIFY(got);
        QCOMPARE((*got)["kind"], "notice");
        QCOMPARE((*got)["text"].toString(), TutorRuntime::noticeFor(Failure::Unreachable, 0));
    }

    void noEndpointSaysSoOnce()
    {
        start(false);
        say(*b, u"@Math Helpy hello?"_s);
        const auto got = messageFrom(*c, mathId);
        QVERIFY(got);
        QCOMPARE((*got)["kind"], "notice");
        QCOMPARE((*got)["text"].toString(), TutorRuntime::notConnectedNotice());
        say(*b, u"@Math Helpy hello again?"_s);
        fence();
        int notices = 0;
        for (const QJsonObject &f : framesOf(*b, u"message"_s))
            notices += f["authorId"] == mathId ? 1 : 0;
        QCOMPARE(notices, 1);
        QCOMPARE(fake->requests.size(), 0);
    }

    void queueHoldsFiveQuestions()
    {
        options.helpyTimeoutSeconds = 30;
        start();
        fake->mode = FakeChatCompletions::Mode::Silent; // the first one stays in flight
        say(*b, u"@Math Helpy q0?"_s);
        QTRY_COMPARE(fake->requests.size(), 1);
        for (int i = 1; i <= 6; ++i)
            say(*b, u"@Math Helpy q%1?"_s.arg(i));
        // Six waiting, five kept: the oldest waiting (q1) is refused.
        const auto refused = b->waitFor([&](const QJsonObject &f) {
            return isMessage(f) && f["authorId"] == mathId && f["kind"] == "notice";
        });
        QVERIFY(refused);
        QVERIFY((*refused)["text"].toString().contains(u"q1?"_s));
        fence();
        int notices = 0;
        for (const QJsonObject &f : framesOf(*b, u"message"_s))
            notices += f["authorId"] == mathId ? 1 : 0;
        QCOMPARE(notices, 1);
    }

    void answersPerMinuteAreBounded()
    {
        options.helpyAnswersPerMinute = 2;
        start();
        fake->pieceIntervalMs = 1;
        for (int i = 0; i < 4; ++i)
            say(*b, u"@Math Helpy question %1?"_s.arg(i));
        QTRY_COMPARE(framesOf(*b, u"message"_s).size() >= 4 + 3, true);
        fence(b->frames.size());
        int answers = 0, notices = 0;
        for (const QJsonObject &f : framesOf(*b, u"message"_s)) {
            if (f["authorId"] == mathId)
                (f["kind"] == "notice" ? notices : answers) += 1;
        }
        QCOMPARE(answers, 2);
        QCOMPARE(notices, 1); // one notice a minute, not one per refused question
        QCOMPARE(fake->requests.size(), 2);
    }

    void theKeyNeverAppearsInTheLog()
    {
        QLoggingCategory::setFilterRules(u"helpy.*=true"_s);
        {
            QMutexLocker lock(&g_logMutex);
            g_log.clear();
        }
        g_previousHandler = qInstallMessageHandler(captureLog);
        start();
        say(*b, u"@Math Helpy one?"_s);
        QVERIFY(messageFrom(*b, mathId));
        fake->mode = FakeChatCompletions::Mode::HttpError;
        fake->status = 401;
        fake->errorMessage = u"Incorrect API key provided"_s;
        const qsizetype from = b->frames.size();
        say(*b, u"@Math Helpy two?"_s);
        QVERIFY(messageFrom(*b, mathId, from));
        qInstallMessageHandler(g_previousHandler);
        QLoggingCategory::setFilterRules(u"helpy.*.debug=false"_s);
        QMutexLocker lock(&g_logMutex);
        QVERIFY(!g_log.isEmpty());
        QVERIFY(g_log.join(u'\n').contains(u"Incorrect API key provided"_s)); // the detail is
        for (const QString &line : std::as_const(g_log))
            QVERIFY2(!line.contains(QLatin1String(Key)), qPrintable(line));
    }

    void updateHelpyAndSettingsAreEvents()
    {
        start();
        const qsizetype from = b->frames.size();
        QCOMPARE(a->request({ { "type", "update_helpy" }, { "sessionId", sessionId },
                     { "participantId", mathId }, { "subject", "Geometry" } })["type"],
            "ack");
        const auto updated = b->waitFor(
            [](const QJsonObject &f) { return f["type"] == "participant_updated"; }, from);
        QVERIFY(updated);
        QCOMPARE((*updated)["participant"]["subject"], "Geometry");
        QCOMPARE((*updated)["participant"]["instructions"], "Use small steps.");
        QCOMPARE(b->request({ { "type", "update_helpy" }, { "sessionId", sessionId },
                     { "participantId", mathId }, { "subject", "Art" } })["code"],
            "forbidden");
        QCOMPARE(a->request({ { "type", "update_helpy" }, { "sessionId", sessionId },
                     { "participantId", b->userId }, { "subject", "Art" } })["code"],
            "bad_request");

        QCOMPARE(b->request({ { "type", "set_session_settings" }, { "sessionId", sessionId },
                     { "helpysAnswerQuestions", true } })["code"],
            "forbidden");
        QCOMPARE(a->request({ { "type", "set_session_settings" }, { "sessionId", sessionId },
                     { "helpysAnswerQuestions", true } })["type"],
            "ack");
        const auto changed = c->waitFor(
            [](const QJsonObject &f) { return f["type"] == "session_settings_changed"; });
        QVERIFY(changed);
        QCOMPARE((*changed)["helpysAnswerQuestions"], true);
        QVERIFY((*changed)["revision"].toInteger() > 0);
        // Now a question on the subject is answered without a mention.
        const qsizetype before = c->frames.size();
        say(*b, u"Who can explain geometry proofs?"_s);
        QVERIFY(messageFrom(*c, mathId, before));
        // And a late joiner's snapshot carries the setting.
        RawClient late;
        QVERIFY(late.signIn(server->url(), u"Dan"_s));
        const QString code
            = a->request({ { "type", "create_invite" }, { "sessionId", sessionId } })["inviteCode"]
                  .toString();
        late.request({ { "type", "join_session" }, { "inviteCode", code } });
        const auto snapshot
            = late.waitFor([](const QJsonObject &f) { return f["type"] == "session_snapshot"; });
        QVERIFY(snapshot);
        QCOMPARE((*snapshot)["settings"]["helpysAnswerQuestions"], true);
    }
};

QTEST_GUILESS_MAIN(TestTutors)
#include "tst_tutors.moc"
