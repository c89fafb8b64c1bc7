// SPDX-License-Identifier: MIT
#include "tutorprompt.h"

#include <QJsonObject>

using namespace Protocol;

namespace TutorPrompt {

QString systemPrompt(const Participant &helpy)
{
    QString prompt = QStringLiteral("You are %1, an AI tutor taking part in a group study chat. ")
                         .arg(helpy.displayName);
    if (!helpy.subject.isEmpty())
        prompt += QStringLiteral("Your subject is %1. ").arg(helpy.subject);
    prompt += QStringLiteral(
        "Each message shows its speaker's name before a colon. Answer the latest question "
        "addressed to you, clearly and briefly, so that students learn; explain steps rather "
        "than only giving results. Do not start your answer with your own name.");
    if (!helpy.instructions.isEmpty())
        prompt += QStringLiteral("\n\nInstructions from the session's organisers:\n")
            + helpy.instructions;
    return prompt;
}

QJsonArray build(const Participant &helpy, const std::deque<ChatMessage> &history,
    const QString &questionId, const std::function<QString(const QString &)> &nameOf,
    qsizetype budgetChars)
{
    const QString system = systemPrompt(helpy);
    qsizetype left = std::max<qsizetype>(0, budgetChars - system.size());

    // Newest first, up to the question: what fits, the oldest dropped first.
    auto end = history.cend();
    for (auto it = history.cbegin(); it != history.cend(); ++it) {
        if (it->messageId == questionId) {
            end = std::next(it);
            break;
        }
    }
    QList<QJsonObject> kept;
    for (auto it = end; it != history.cbegin();) {
        --it;
        if (it->kind == MessageKind::Notice)
            continue; // a Helpy's "I cannot answer" is not conversation
        const bool own = it->authorId == helpy.id;
        QString content = it->text;
        if (!own) {
            const QString name = nameOf(it->authorId);
            content = (name.isEmpty() ? QStringLiteral("Someone") : name) + QStringLiteral(": ")
                + content;
        }
        if (content.size() > left) {
            if (!kept.isEmpty())
                break;
            content.truncate(left); // the question alone is too long: its start
        }
        left -= content.size();
        kept.prepend({ { QStringLiteral("role"),
                           own ? QStringLiteral("assistant") : QStringLiteral("user") },
            { QStringLiteral("content"), content } });
        if (left == 0)
            break;
    }
    QJsonArray messages { QJsonObject { { QStringLiteral("role"), QStringLiteral("system") },
        { QStringLiteral("content"), system } } };
    for (const QJsonObject &message : std::as_const(kept))
        messages.append(message);
    return messages;
}

} // namespace TutorPrompt
