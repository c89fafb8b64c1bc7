// SPDX-License-Identifier: MIT
#include "tutorruntime.h"

#include "identifiers.h"
#include "logging.h"
#include "serveroptions.h"
#include "session.h"
#include "tutorcoordinator.h"
#include "tutorprompt.h"

#include <QMetaEnum>
#include <QNetworkAccessManager>

using namespace Protocol;
using Failure = ChatCompletionsClient::FailureKind;

namespace {
constexpr qint64 MinuteMs = 60'000;
/// "typing: true" is repeated this often while a Helpy works (clients forget it after 8 s).
constexpr int TypingRefreshMs = 4000;

QString excerpt(const QString &text)
{
    const QString line = text.simplified();
    return line.size() > 60 ? line.left(57) + QStringLiteral("…") : line;
}
} // namespace

/// @brief The answer a session's Helpy is writing now.
struct TutorRuntime::Answer
{
    QString helpyId;
    QString questionId;
    QString draftId;
    std::unique_ptr<ChatCompletionsClient> client;
    QTimer deltaTimer; ///< coalesces the drafts: at most one per helpyDeltaIntervalMs
    QTimer typingTimer;
    QString lastSent; ///< the draft as last sent
};

TutorRuntime::TutorRuntime(const ServerOptions &options, TutorHost &host, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_host(host)
{
    m_clock.start();
}

TutorRuntime::~TutorRuntime() = default;

QString TutorRuntime::notConnectedNotice()
{
    return tr("I'm not connected to a tutor model, so I can't answer yet. The person hosting "
              "this session can connect one: in the Helpy app under Helpy tutors settings, or "
              "by starting helpy-server with --helpy-endpoint (see docs/helpy.md).");
}

QString TutorRuntime::noticeFor(Failure kind, int retryAfterSeconds)
{
    switch (kind) {
    case Failure::Unreachable:
        return tr("I can't reach my tutor model right now (it isn't answering). Please try "
                  "again later, or ask the host to check that it is running.");
    case Failure::Timeout:
        return tr("I took too long to think and gave up. Please ask again, perhaps a shorter "
                  "question.");
    case Failure::RateLimited:
        return retryAfterSeconds > 0
            ? tr("My tutor model is busy with too many questions. Please ask again in %n "
                 "second(s).",
                nullptr, retryAfterSeconds)
            : tr("My tutor model is busy with too many questions. Please ask again in a "
                 "minute.");
    case Failure::ContextTooLong:
        return tr("This conversation is too long for my tutor model to read. Please ask a "
                  "shorter question.");
    case Failure::Rejected:
        return tr("My tutor model refused the question. The host may need to check the "
                  "model settings.");
    case Failure::ServerError:
        return tr("My tutor model had a problem of its own. Please try again in a moment.");
    case Failure::Interrupted:
        return tr("My answer was cut off before I finished. Please ask again.");
    }
    return {};
}

void TutorRuntime::messagePosted(const QString &sessionId, const ChatMessage &message)
{
    Session *session = m_host.tutorSession(sessionId);
    if (!session || session->roster().helpyIds().isEmpty())
        return;
    const QStringList helpyIds = TutorCoordinator::answerers(
        session->roster(), message, session->recentMessages(), session->settings());
    if (helpyIds.isEmpty())
        return;
    if (m_options.helpyEndpoint.isEmpty()) {
        // Honest, and once: a session is told, not flooded.
        if (!m_toldNotConnected.contains(sessionId)) {
            m_toldNotConnected.insert(sessionId);
            qCInfo(lcTutors) << "no --helpy-endpoint: telling" << sessionId
                             << "that its Helpys are not connected";
            notice(*session, helpyIds.first(), notConnectedNotice(), message.messageId);
        }
        return;
    }
    SessionTutors &tutors = m_sessions[sessionId];
    for (const QString &helpyId : helpyIds) {
        tutors.queue.push_back({ helpyId, message.messageId, message.text });
        const int limit = std::max(1, m_options.helpyQueueSize);
        while (qsizetype(tutors.queue.size()) > limit) {
            const Question refused = tutors.queue.front();
            tutors.queue.pop_front();
            qCInfo(lcTutors) << sessionId << "queue full: refusing question" << refused.messageId;
            notice(*session, refused.helpyId,
                tr("Too many questions are waiting, so I skipped “%1”. Please ask it again "
                   "in a moment.")
                    .arg(excerpt(refused.text)),
                refused.messageId);
        }
    }
    pump(sessionId);
}

void TutorRuntime::pump(const QString &sessionId)
{
    auto it = m_sessions.find(sessionId);
    if (it == m_sessions.end() || it->second.current)
        return;
    SessionTutors &tutors = it->second;
    const qint64 now = m_clock.elapsed();
    while (!tutors.answerStarts.empty() && now - tutors.answerStarts.front() >= MinuteMs)
        tutors.answerStarts.pop_front();
    Session *session = m_host.tutorSession(sessionId);
    while (session && !tutors.queue.empty()) {
        const Question question = tutors.queue.front();
        tutors.queue.pop_front();
        if (!session->roster().contains(question.helpyId))
            continue; // removed meanwhile
        if (qsizetype(tutors.answerStarts.size()) >= m_options.helpyAnswersPerMinute) {
            qCInfo(lcTutors) << sessionId << "answered" << tutors.answerStarts.size()
                             << "questions this minute; refusing" << question.messageId;
            if (tutors.rateNoticeAt < 0 || now - tutors.rateNoticeAt >= MinuteMs) {
                tutors.rateNoticeAt = now;
                notice(*session, question.helpyId,
                    tr("This session has had %n answer(s) in the last minute, the most it "
                       "gets. Please wait a moment and ask again.",
                        nullptr, m_options.helpyAnswersPerMinute),
                    question.messageId);
            }
            continue;
        }
        tutors.answerStarts.push_back(now);
        start(sessionId, tutors, question);
        return;
    }
    if (tutors.queue.empty() && tutors.answerStarts.empty() && tutors.rateNoticeAt < 0)
        m_sessions.erase(it);
}

void TutorRuntime::start(const QString &sessionId, SessionTutors &tutors, const Question &question)
{
    Session *session = m_host.tutorSession(sessionId);
    const Participant *helpy = session->roster().find(question.helpyId);
    auto answer = std::make_unique<Answer>();
    answer->helpyId = question.helpyId;
    answer->questionId = question.messageId;
    answer->draftId = Identifiers::messageId();
    if (!m_network) // made on first use: a server whose Helpys never ask pays nothing
        m_network = std::make_unique<QNetworkAccessManager>();
    answer->client = std::make_unique<ChatCompletionsClient>(*m_network);

    ChatCompletionsClient::Request request;
    request.endpoint = QUrl(m_options.helpyEndpoint);
    request.model = m_options.helpyModel;
    request.apiKey = m_options.helpyApiKey;
    request.timeoutMs = std::max(1, m_options.helpyTimeoutSeconds) * 1000;
    request.maxAnswerChars = m_options.limits.maxTextLength;
    const Roster &roster = session->roster();
    request.messages = TutorPrompt::build(
        *helpy, session->recentMessages(), question.messageId,
        [&roster](const QString &id) {
            const Participant *p = roster.find(id);
            return p ? p->displayName : QString();
        },
        m_options.helpyContextChars);

    answer->deltaTimer.setSingleShot(true);
    answer->deltaTimer.setInterval(std::max(1, m_options.helpyDeltaIntervalMs));
    connect(
        &answer->deltaTimer, &QTimer::timeout, this, [this, sessionId] { sendDelta(sessionId); });
    answer->typingTimer.setInterval(TypingRefreshMs);
    connect(&answer->typingTimer, &QTimer::timeout, this, [this, sessionId] {
        const auto it = m_sessions.find(sessionId);
        Session *session = m_host.tutorSession(sessionId);
        if (it != m_sessions.end() && it->second.current && session)
            setTyping(*session, it->second.current->helpyId, true);
    });
    ChatCompletionsClient *client = answer->client.get();
    connect(client, &ChatCompletionsClient::textGrew, this, [this, sessionId] {
        const auto it = m_sessions.find(sessionId);
        if (it != m_sessions.end() && it->second.current
            && !it->second.current->deltaTimer.isActive())
            it->second.current->deltaTimer.start();
    });
    connect(client, &ChatCompletionsClient::finished, this,
        [this, sessionId](const QString &text) { finish(sessionId, text, MessageKind::Chat); });
    connect(client, &ChatCompletionsClient::failed, this,
        [this, sessionId, helpyName = helpy->displayName](
            Failure kind, const QString &detail, int retryAfter) {
            // The detail names the endpoint's answer, never the request's headers (the key).
            qCWarning(lcTutors).noquote()
                << QStringLiteral("%1 in %2 could not answer (%3): %4")
                       .arg(helpyName, sessionId,
                           QString::fromLatin1(
                               QMetaEnum::fromType<Failure>().valueToKey(int(kind))),
                           detail);
            finish(sessionId, noticeFor(kind, retryAfter), MessageKind::Notice);
        });

    qCInfo(lcTutors) << helpy->id << "answers" << question.messageId << "in" << sessionId;
    setTyping(*session, helpy->id, true);
    answer->typingTimer.start();
    tutors.current = std::move(answer);
    client->start(request);
}

void TutorRuntime::sendDelta(const QString &sessionId)
{
    const auto it = m_sessions.find(sessionId);
    Session *session = m_host.tutorSession(sessionId);
    if (it == m_sessions.end() || !it->second.current || !session)
        return;
    Answer &answer = *it->second.current;
    const QString &text = answer.client->text();
    if (text == answer.lastSent)
        return;
    answer.lastSent = text;
    m_host.broadcastToSession(
        *session, encode(MessageDelta { sessionId, answer.draftId, answer.helpyId, text }));
}

void TutorRuntime::finish(
    const QString &sessionId, const QString &text, std::optional<MessageKind> kind)
{
    const auto it = m_sessions.find(sessionId);
    if (it == m_sessions.end() || !it->second.current)
        return;
    std::unique_ptr<Answer> answer = std::move(it->second.current);
    answer->deltaTimer.stop();
    answer->typingTimer.stop();
    // Not deleted inside its own signal.
    answer->client.release()->deleteLater();
    if (Session *session = m_host.tutorSession(sessionId);
        session && session->roster().contains(answer->helpyId)) {
        setTyping(*session, answer->helpyId, false);
        if (kind == MessageKind::Chat && text.trimmed().isEmpty()) {
            qCWarning(lcTutors) << answer->helpyId << "in" << sessionId
                                << "got an empty answer from the model";
            notice(*session, answer->helpyId, noticeFor(Failure::Interrupted, 0),
                answer->questionId, answer->draftId);
        } else if (kind == MessageKind::Notice) {
            notice(*session, answer->helpyId, text, answer->questionId, answer->draftId);
        } else {
            ChatMessage message;
            message.messageId = Identifiers::messageId();
            message.authorId = answer->helpyId;
            message.text = text;
            message.requestId = answer->draftId; // replaces the draft the clients show
            message.replyTo = answer->questionId;
            m_host.postAsHelpy(*session, message);
            qCInfo(lcTutors) << answer->helpyId << "answered" << answer->questionId << "in"
                             << sessionId << "with" << text.size() << "characters";
        }
    }
    // The next question, once this call stack (a network reply's signal) is done.
    QMetaObject::invokeMethod(
        this, [this, sessionId] { pump(sessionId); }, Qt::QueuedConnection);
}

void TutorRuntime::notice(Session &session, const QString &helpyId, const QString &text,
    const QString &replyTo, const QString &draftId)
{
    ChatMessage message;
    message.messageId = Identifiers::messageId();
    message.authorId = helpyId;
    message.text = text;
    message.kind = MessageKind::Notice;
    message.replyTo = replyTo;
    message.requestId = draftId;
    m_host.postAsHelpy(session, message);
}

void TutorRuntime::setTyping(const Session &session, const QString &helpyId, bool typing)
{
    m_host.broadcastToSession(session, encode(TypingEvent { session.id(), helpyId, typing }));
}
