// SPDX-License-Identifier: MIT
#include "notificationpolicy.h"

#include <QCoreApplication>
#include <QLocale>

namespace NotificationPolicy {

namespace {
bool isNameCharacter(QChar c)
{
    return c.isLetterOrNumber() || c == u'_' || c == u'-';
}
} // namespace

bool mentions(const QString &text, const QString &name)
{
    const QString wanted = name.trimmed();
    if (wanted.isEmpty())
        return false;
    const QString needle = QLatin1Char('@') + wanted;
    for (qsizetype at = text.indexOf(needle, 0, Qt::CaseInsensitive); at >= 0;
         at = text.indexOf(needle, at + 1, Qt::CaseInsensitive)) {
        const qsizetype end = at + needle.size();
        const bool startsWord = at == 0 || !isNameCharacter(text.at(at - 1));
        const bool endsWord = end == text.size() || !isNameCharacter(text.at(end));
        if (startsWord && endsWord)
            return true;
    }
    return false;
}

bool shouldNotify(const QString &text, const QString &myName, const Situation &situation)
{
    if (!situation.enabled || situation.muted)
        return false;
    return !situation.beingRead || mentions(text, myName);
}

QString relativeTime(const QDateTime &then, const QDateTime &now)
{
    if (!then.isValid())
        return {};
    const qint64 seconds = then.secsTo(now);
    if (seconds < 60)
        return QCoreApplication::translate("RelativeTime", "now");
    if (seconds < 60 * 60)
        return QCoreApplication::translate("RelativeTime", "%n min", nullptr, int(seconds / 60));
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
