// SPDX-License-Identifier: MIT
#include "tutorcoordinator.h"

#include "roster.h"

#include <QRegularExpression>
#include <QSet>

#include <algorithm>

using namespace Protocol;

namespace TutorCoordinator {

namespace {

bool isWordChar(QChar c)
{
    return c.isLetterOrNumber() || c == QLatin1Char('_');
}

QSet<QString> wordsOf(const QString &text)
{
    static const QRegularExpression separator(QStringLiteral("[^\\p{L}\\p{N}]+"));
    QSet<QString> words;
    for (const QString &word : text.toCaseFolded().split(separator, Qt::SkipEmptyParts)) {
        if (word.size() >= 3)
            words.insert(word);
    }
    return words;
}

} // namespace

qsizetype mentionAt(const QString &text, const QString &name)
{
    if (name.isEmpty())
        return -1;
    // "@Name" anywhere, followed by no more of a word.
    const QString mention = QLatin1Char('@') + name;
    for (qsizetype at = text.indexOf(mention, 0, Qt::CaseInsensitive); at >= 0;
         at = text.indexOf(mention, at + 1, Qt::CaseInsensitive)) {
        const qsizetype after = at + mention.size();
        if (after >= text.size() || !isWordChar(text.at(after)))
            return at;
    }
    // "Name, …" or "Name: …" as the first words.
    const QString trimmed = text.trimmed();
    if (trimmed.startsWith(name, Qt::CaseInsensitive) && trimmed.size() > name.size()) {
        const QChar next = trimmed.at(name.size());
        if (next == QLatin1Char(',') || next == QLatin1Char(':'))
            return text.indexOf(trimmed.left(1));
    }
    return -1;
}

int overlap(const QString &text, const QString &topic)
{
    const QSet<QString> topicWords = wordsOf(topic);
    int shared = 0;
    for (const QString &word : wordsOf(text))
        shared += topicWords.contains(word) ? 1 : 0;
    return shared;
}

QStringList answerers(const Roster &roster, const ChatMessage &message,
    const std::deque<ChatMessage> &recent, const SessionSettings &settings)
{
    const QStringList &helpyIds = roster.helpyIds();
    const Participant *author = roster.find(message.authorId);
    if (helpyIds.isEmpty() || !author || author->type != ParticipantType::User
        || message.kind != MessageKind::Chat)
        return {};

    // The Helpys in join order (a handful: each found in O(log n)).
    QList<const Participant *> helpys;
    for (const QString &id : helpyIds) {
        if (const Participant *helpy = roster.find(id))
            helpys.append(helpy);
    }
    std::sort(helpys.begin(), helpys.end(), [&roster](const Participant *a, const Participant *b) {
        return roster.rowOf(a->id) < roster.rowOf(b->id);
    });

    QList<std::pair<qsizetype, QString>> mentioned;
    for (const Participant *helpy : std::as_const(helpys)) {
        const qsizetype at = mentionAt(message.text, helpy->displayName);
        if (at >= 0)
            mentioned.append({ at, helpy->id });
    }
    std::stable_sort(mentioned.begin(), mentioned.end(),
        [](const auto &a, const auto &b) { return a.first < b.first; });
    QStringList ids;
    for (const auto &m : std::as_const(mentioned))
        ids.append(m.second);
    if (!ids.isEmpty())
        return ids;

    if (!message.replyTo.isEmpty()) {
        const auto replied = std::find_if(recent.crbegin(), recent.crend(),
            [&message](const ChatMessage &m) { return m.messageId == message.replyTo; });
        if (replied != recent.crend()) {
            const Participant *target = roster.find(replied->authorId);
            if (target && target->type == ParticipantType::Helpy)
                return { target->id };
        }
    }

    if (!settings.helpysAnswerQuestions || !message.text.contains(QLatin1Char('?')))
        return {};
    if (helpys.size() == 1)
        return { helpys.first()->id };
    int best = 0;
    QString bestId;
    for (const Participant *helpy : std::as_const(helpys)) {
        const int score
            = overlap(message.text, helpy->subject + QLatin1Char(' ') + helpy->displayName);
        if (score > best) {
            best = score;
            bestId = helpy->id;
        }
    }
    return bestId.isEmpty() ? QStringList() : QStringList { bestId };
}

} // namespace TutorCoordinator
