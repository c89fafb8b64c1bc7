// SPDX-License-Identifier: MIT
#pragma once

#include "stringmap.h"

#include <QHash>
#include <QString>

#include <list>
#include <optional>
#include <set>

class ClientConnection;

/// @brief An answer kept so that a retried request is answered, not applied again.
struct RememberedAnswer
{
    QString userId;
    QString requestId;
    QString text;
    qint64 bytes = 0; ///< what it holds: the UTF-16 of text and requestId
};
using RememberedAnswers = std::list<RememberedAnswer>;

/// @brief A known identity: the user behind one or more connections.
struct User
{
    QString id;
    QString token;
    QString displayName;
    QList<ClientConnection *> connections;
    /// Sessions this user is a participant of, in id order: list_sessions pages through it.
    std::set<QString> sessionIds;

    /// This user's remembered answers by requestId, and the same oldest first (entries of
    /// UserDirectory's list of everybody's).
    QHash<QString, RememberedAnswers::iterator> answers;
    /// (A QList, not a std::deque: an empty one allocates nothing, where a deque takes
    /// about 600 bytes, for every user signed in.)
    QList<RememberedAnswers::iterator> answerOrder;
    qint64 answerBytes = 0;
};

/**
 * @brief Users by id and by identity token, and their remembered answers.
 *
 * Remembered answers are bounded three ways (AnswerBudget): a count and bytes per user, and
 * bytes over all users. Past a bound the oldest go first (the user's own for a per-user
 * bound, anybody's for the total): a retry comes soon after its request, or not at all.
 */
class UserDirectory
{
public:
    struct AnswerBudget
    {
        int perUser = 1024;
        qint64 bytesPerUser = 256 * 1024;
        qint64 bytesTotal = 64 * 1024 * 1024;
    };

    explicit UserDirectory(AnswerBudget budget);
    Q_DISABLE_COPY_MOVE(UserDirectory)

    /// The user whose token this is, or a new user (new id and token) when it is unknown.
    User &signIn(const QString &token, const QString &displayName);
    /// Brings back a user kept by the storage.
    User &restore(const QString &id, const QString &token, const QString &displayName);
    User *find(const QString &userId);
    User *findByToken(const QString &token);

    std::optional<QString> answerFor(const User &user, const QString &requestId) const;
    void rememberAnswer(User &user, const QString &requestId, const QString &answer);
    /// Bytes all remembered answers hold (what AnswerBudget::bytesTotal bounds).
    qint64 answerBytes() const { return m_answerBytes; }

private:
    /// Forgets the user's oldest remembered answer.
    void forgetOldest(User &user);
    void forgetAll(User &user);

    AnswerBudget m_budget;
    StringMap<User> m_users; // by id; references stay valid on insert
    QHash<QString, QString> m_idByToken;
    RememberedAnswers m_answers; ///< everybody's, oldest first
    qint64 m_answerBytes = 0;
};
