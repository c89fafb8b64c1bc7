// SPDX-License-Identifier: MIT
#pragma once

#include "protocol.h"

#include <QStringList>

#include <deque>

class Roster;

/**
 * @brief Which Helpys answer a message (docs/helpy.md, "When a Helpy answers").
 *
 * A pure function of the roster, the recent messages and the settings:
 * - only a person's message is answered (never a Helpy's: no bot loops, never its own);
 * - each Helpy mentioned ("@Math Helpy", any case, or the name first: "Math Helpy, …")
 *   answers, in the order of the mentions;
 * - else, a reply to a Helpy's message is answered by that Helpy;
 * - else, when the session's "Helpys answer questions" is on and the message is a question
 *   (it has a "?"), the one Helpy whose subject and name share the most words with it
 *   (ties: the one added first; with a single Helpy, that one), or none when no word matches.
 * Cost: the session's Helpys (at most a handful) and the recent messages (bounded).
 */
namespace TutorCoordinator {

QStringList answerers(const Roster &roster, const Protocol::ChatMessage &message,
    const std::deque<Protocol::ChatMessage> &recent, const Protocol::SessionSettings &settings);

/// Where `name` is mentioned in `text` (-1: not at all).
qsizetype mentionAt(const QString &text, const QString &name);
/// How many distinct words (of 3 letters or more) `text` and `topic` share, case-insensitive.
int overlap(const QString &text, const QString &topic);

} // namespace TutorCoordinator
