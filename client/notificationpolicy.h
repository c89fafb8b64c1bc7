// SPDX-License-Identifier: MIT
#pragma once

#include <QDateTime>
#include <QString>

/// @brief When a message becomes a desktop notification, and how times read in the list.
namespace NotificationPolicy {

/// @brief What decides a notification besides the message.
struct Situation
{
    bool enabled = true; ///< the user's setting
    bool muted = false; ///< the session is muted
    bool beingRead = false; ///< its page is open and the window active
};

/**
 * A message by someone else notifies unless notifications are off or its session is muted;
 * in the session being read only when it mentions you (you see the others there).
 */
bool shouldNotify(const QString &text, const QString &myName, const Situation &situation);

/// "now", "5 min", the time today, "Yesterday", or the date, in the locale's format.
QString relativeTime(const QDateTime &then, const QDateTime &now);

} // namespace NotificationPolicy
