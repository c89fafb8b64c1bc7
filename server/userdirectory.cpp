// SPDX-License-Identifier: MIT
#include "userdirectory.h"

#include "identifiers.h"
#include "logging.h"

UserDirectory::UserDirectory(AnswerBudget budget)
    : m_budget(budget)
{ }

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

std::optional<QString> UserDirectory::answerFor(const User &user, const QString &requestId) const
{
    const auto it = user.answers.constFind(requestId);
    if (it == user.answers.cend())
        return std::nullopt;
    return (*it)->text;
}

void UserDirectory::rememberAnswer(User &user, const QString &requestId, const QString &answer)
{
    if (user.answers.contains(requestId))
        return;
    const qint64 bytes = qint64(answer.size() + requestId.size()) * qint64(sizeof(QChar));
    if (bytes > m_budget.bytesPerUser || bytes > m_budget.bytesTotal || m_budget.perUser < 1) {
        qCWarning(lcServer) << "an answer of" << bytes << "bytes to" << user.id
                            << "is over the budget; a retry would not find it";
        return;
    }
    while (!user.answerOrder.empty()
        && (qsizetype(user.answerOrder.size()) >= m_budget.perUser
            || user.answerBytes + bytes > m_budget.bytesPerUser))
        forgetOldest(user);
    while (!m_answers.empty() && m_answerBytes + bytes > m_budget.bytesTotal) {
        // The oldest of everybody's is its user's oldest too (each user's are in order).
        User *owner = find(m_answers.front().userId);
        if (!owner || owner->answerOrder.empty()) { // cannot happen; never loop on it
            m_answerBytes -= m_answers.front().bytes;
            m_answers.pop_front();
            continue;
        }
        forgetOldest(*owner);
    }
    m_answers.push_back({ user.id, requestId, answer, bytes });
    const auto entry = std::prev(m_answers.end());
    user.answers.insert(requestId, entry);
    user.answerOrder.push_back(entry);
    user.answerBytes += bytes;
    m_answerBytes += bytes;
}

void UserDirectory::forgetOldest(User &user)
{
    const RememberedAnswers::iterator oldest = user.answerOrder.front();
    user.answerOrder.pop_front();
    user.answers.remove(oldest->requestId);
    user.answerBytes -= oldest->bytes;
    m_answerBytes -= oldest->bytes;
    m_answers.erase(oldest);
}

void UserDirectory::forgetAll(User &user)
{
    while (!user.answerOrder.empty())
        forgetOldest(user);
}

User &UserDirectory::restore(const QString &id, const QString &token, const QString &displayName)
{
    if (User *known = find(id))
        forgetAll(*known); // its entries in m_answers must not outlive it
    User user;
    user.id = id;
    user.token = token;
    user.displayName = displayName;
    m_idByToken.insert(token, id);
    return m_users.insert_or_assign(id, std::move(user)).first->second;
}
