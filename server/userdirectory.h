// SPDX-License-Identifier: MIT
#pragma once

#include <QHash>
#include <QSet>
#include <QString>

#include <deque>
#include <optional>
#include <unordered_map>

class ClientConnection;

/// @brief A known identity: the user behind one or more connections.
struct User
{
    QString id;
    QString token;
    QString displayName;
    QList<ClientConnection *> connections;
    QSet<QString> sessionIds; ///< sessions this user is a participant of

    /// Answers already given, by requestId, so a retried request is answered, not re-applied.
    QHash<QString, QString> answers;
    std::deque<QString> answerOrder;
};

/**
 * @brief Users by id and by identity token, and their remembered answers.
 */
class UserDirectory
{
public:
    static constexpr qsizetype AnswersKept = 1024;

    /// The user whose token this is, or a new user (new id and token) when it is unknown.
    User &signIn(const QString &token, const QString &displayName);
    /// Brings back a user kept by the storage.
    User &restore(const QString &id, const QString &token, const QString &displayName);
    User *find(const QString &userId);
    User *findByToken(const QString &token);

    static std::optional<QString> answerFor(const User &user, const QString &requestId);
    static void rememberAnswer(User &user, const QString &requestId, const QString &answer);

private:
    std::unordered_map<QString, User> m_users; // by id; references stay valid on insert
    QHash<QString, QString> m_idByToken;
};
