// SPDX-License-Identifier: MIT
#include "userdirectory.h"

#include "identifiers.h"

User &UserDirectory::signIn(const QString &token, const QString &displayName)
{
    const auto known = m_idByToken.constFind(token);
    if (!token.isEmpty() && known != m_idByToken.cend()) {
        User &user = m_users.at(*known);
        user.displayName = displayName;
        return user;
    }
    User user;
    do {
        user.id = Identifiers::userId();
    } while (m_users.count(user.id));
    user.token = Identifiers::secretToken();
    user.displayName = displayName;
    m_idByToken.insert(user.token, user.id);
    const QString id = user.id;
    return m_users.emplace(id, std::move(user)).first->second;
}

User *UserDirectory::find(const QString &userId)
{
    const auto it = m_users.find(userId);
    return it == m_users.end() ? nullptr : &it->second;
}

User *UserDirectory::findByToken(const QString &token)
{
    const auto known = m_idByToken.constFind(token);
    return known == m_idByToken.cend() ? nullptr : find(*known);
}

std::optional<QString> UserDirectory::answerFor(const User &user, const QString &requestId)
{
    const auto it = user.answers.constFind(requestId);
    if (it == user.answers.cend())
        return std::nullopt;
    return *it;
}

void UserDirectory::rememberAnswer(User &user, const QString &requestId, const QString &answer)
{
    if (user.answers.contains(requestId))
        return;
    user.answers.insert(requestId, answer);
    user.answerOrder.push_back(requestId);
    while (qsizetype(user.answerOrder.size()) > AnswersKept) {
        user.answers.remove(user.answerOrder.front());
        user.answerOrder.pop_front();
    }
}

User &UserDirectory::restore(const QString &id, const QString &token, const QString &displayName)
{
    User user;
    user.id = id;
    user.token = token;
    user.displayName = displayName;
    m_idByToken.insert(token, id);
    return m_users.insert_or_assign(id, std::move(user)).first->second;
}
