// SPDX-License-Identifier: MIT
#include "notificationpolicy.h"

#include "mentions.h"

#include <QCoreApplication>
#include <QLocale>

namespace NotificationPolicy {

bool shouldNotify(const QString &text, const QString &myName, const Situation &situation)
{
    if (!situation.enabled || situation.muted)
        return false;
    return !situation.beingRead || Mentions::mentions(text, myName);
}

QString relativeTime(const QDateTime &then, const QDateTime &now)
{
    if (!then.isValid())
        return {};
    const qint64 seconds = then.secsTo(now);
    if (seconds < 60)
        return QCoreApplication::translate("RelativeTime", "now");
    if (seconds < 60 * 60) {
        // (An expression in the call makes Qt 6.4's lupdate loop for ever: a variable.)
        const int minutes = int(seconds / 60);
        return QCoreApplication::translate("RelativeTime", "%n min", "", minutes);
    }
    const QDate day = then.toLocalTime().date();
    const QDate today = now.toLocalTime().date();
    const QLocale locale;
    if (day == today)
        return locale.toString(then.toLocalTime().time(), QLocale::ShortFormat);
    if (day.addDays(1) == today)
        return QCoreApplication::translate("RelativeTime", "Yesterday");
    return locale.toString(day, QLocale::ShortFormat);
}

} // namespace NotificationPolicy
