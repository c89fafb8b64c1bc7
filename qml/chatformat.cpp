// SPDX-License-Identifier: MIT
#include "chatformat.h"

#include "linkify.h"
#include "mentions.h"

#include <QClipboard>
#include <QDateTime>
#include <QGuiApplication>

ChatFormat::ChatFormat(QObject *parent)
    : QObject(parent)
    , m_today(QDate::currentDate())
{
    m_midnight.setSingleShot(true);
    connect(&m_midnight, &QTimer::timeout, this, [this] {
        const QDate now = QDate::currentDate();
        if (now != m_today) {
            m_today = now;
            Q_EMIT todayChanged();
        }
        scheduleMidnight();
    });
    scheduleMidnight();
}

void ChatFormat::scheduleMidnight()
{
    const QDateTime now = QDateTime::currentDateTime();
    const QDateTime midnight(now.date().addDays(1), QTime(0, 0));
    // A second past it, so the date has turned when the timer fires.
    m_midnight.start(std::chrono::milliseconds(now.msecsTo(midnight) + 1000));
}

QString ChatFormat::sectionLabel(const QString &isoDay, const QString &today) const
{
    const QDate day = QDate::fromString(today, Qt::ISODate);
    return dayLabel(QDate::fromString(isoDay, Qt::ISODate), day.isValid() ? day : m_today);
}

QString ChatFormat::dayLabel(QDate day, QDate today, const QLocale &locale)
{
    if (!day.isValid())
        return {};
    if (day == today)
        return tr("Today");
    if (day == today.addDays(-1))
        return tr("Yesterday");
    return locale.toString(day, QLocale::LongFormat);
}

bool ChatFormat::isWebLink(const QString &url) const
{
    return Linkify::isWebLink(url);
}

int ChatFormat::mentionStart(const QString &text, int cursor) const
{
    const QString partial = Mentions::partialAt(text, cursor);
    return partial.isNull() ? -1 : int(cursor - partial.size() - 1);
}

void ChatFormat::copyText(const QString &text) const
{
    if (QClipboard *clipboard = QGuiApplication::clipboard())
        clipboard->setText(text);
}
