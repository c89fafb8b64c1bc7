// SPDX-License-Identifier: MIT
#pragma once

#include "chatcompletionsclient.h"
#include "protocol.h"
#include "stringmap.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <deque>
#include <memory>

class QNetworkAccessManager;
class Session;
struct ServerOptions;

/// @brief What the tutor runtime needs of the server: sessions, posting and broadcasting.
class TutorHost
{
public:
    virtual ~TutorHost() = default;
    /// The session, or null (a closed one counts as none).
    virtual Session *tutorSession(const QString &sessionId) = 0;
    /// Publishes a Helpy's message as a revisioned event (its own transaction).
    virtual void postAsHelpy(Session &session, const Protocol::ChatMessage &message) = 0;
    /// An ephemeral frame (typing, message_delta) to every follower of the session.
    virtual void broadcastToSession(const Session &session, const QString &text) = 0;
};

/**
 * @brief The Helpys' answering, server-side (docs/helpy.md): a question is queued for the
 * Helpys that answer it (TutorCoordinator), one answer at a time per session (so at most one
 * in flight per Helpy, and several Helpys answer a message in order), streamed from the
 * tutor model as `message_delta` frames and then posted as one ordinary message.
 *
 * While a Helpy works, the session sees it typing ("thinking"). A failure is one notice
 * message from the Helpy in a student's words, with the detail in the log. Limits: the
 * overall deadline, a queue of helpyQueueSize questions per session (the oldest waiting is
 * refused with a notice), helpyAnswersPerMinute per session.
 *
 * Only messages handed to messagePosted() are answered: never the history replayed at
 * start-up. On a cluster, ServerCore hands over the messages of a session (taken by this
 * node or applied from another) only while this node holds the session's Helpy lease
 * (ClusterSync::holdHelpyLease), so exactly one node answers.
 */
class TutorRuntime : public QObject
{
    Q_OBJECT
public:
    TutorRuntime(const ServerOptions &options, TutorHost &host, QObject *parent = nullptr);
    ~TutorRuntime() override;

    /// A person's message was committed in the session: the Helpys it addresses answer.
    void messagePosted(const QString &sessionId, const Protocol::ChatMessage &message);

    /// The words a Helpy says when it cannot answer (public for the tests and docs).
    static QString noticeFor(ChatCompletionsClient::FailureKind kind, int retryAfterSeconds);
    static QString notConnectedNotice();

private:
    struct Question
    {
        QString helpyId;
        QString messageId;
        QString text; ///< for the notice when it is refused
    };
    struct Answer;
    struct SessionTutors
    {
        std::deque<Question> queue;
        std::unique_ptr<Answer> current;
        std::deque<qint64> answerStarts; ///< ms of m_clock, the last minute's
        qint64 rateNoticeAt = -1; ///< when the last "too many questions" notice went out
    };

    void pump(const QString &sessionId);
    void start(const QString &sessionId, SessionTutors &tutors, const Question &question);
    void sendDelta(const QString &sessionId);
    void finish(
        const QString &sessionId, const QString &text, std::optional<Protocol::MessageKind> kind);
    void notice(Session &session, const QString &helpyId, const QString &text,
        const QString &replyTo = {}, const QString &draftId = {});
    void setTyping(const Session &session, const QString &helpyId, bool typing);

    const ServerOptions &m_options;
    TutorHost &m_host;
    std::unique_ptr<QNetworkAccessManager> m_network;
    StringMap<SessionTutors> m_sessions; ///< sessions with questions waiting or answered
    QSet<QString> m_toldNotConnected; ///< sessions told there is no tutor model
    QElapsedTimer m_clock;
};
