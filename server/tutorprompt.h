// SPDX-License-Identifier: MIT
#pragma once

#include "protocol.h"

#include <QJsonArray>

#include <deque>
#include <functional>

/**
 * @brief The messages a tutor model is sent: a system prompt from the Helpy's name, subject
 * and instructions, then the session's last messages with each speaker's name in the text.
 *
 * The whole fits `budgetChars` characters: the oldest messages are dropped first; the
 * question itself (the last message) is kept, cut if it alone is too long. The Helpy's own
 * messages are the `assistant`'s, everybody else's the `user`'s ("Ana: …").
 */
namespace TutorPrompt {

QString systemPrompt(const Protocol::Participant &helpy);

/// `nameOf` gives a speaker's display name by id (empty: not in the session any more).
QJsonArray build(const Protocol::Participant &helpy,
    const std::deque<Protocol::ChatMessage> &history, const QString &questionId,
    const std::function<QString(const QString &authorId)> &nameOf, qsizetype budgetChars);

} // namespace TutorPrompt
