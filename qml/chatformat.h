// SPDX-License-Identifier: MIT
#pragma once

#include <QDate>
#include <QLocale>
#include <QObject>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

/**
 * @brief What the chat's QML asks of C++ about shown text: a day's separator label
 * ("Today", "Yesterday", else the locale's date), whether a link may be opened, and the
 * clipboard.
 *
 * `today` changes at local midnight (one single-shot timer, nothing while idle), so the
 * separators of an open chat say "Yesterday" the morning after.
 */
class ChatFormat : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    /// The local date as "yyyy-MM-dd" (what dateSection is compared with).
    Q_PROPERTY(QString today READ todayText NOTIFY todayChanged)

public:
    explicit ChatFormat(QObject *parent = nullptr);

    QString todayText() const { return m_today.toString(Qt::ISODate); }

    /// The separator for the local day `isoDay` ("yyyy-MM-dd", the model's dateSection) as
    /// seen on `today` (also "yyyy-MM-dd": a binding on `today` updates at midnight).
    Q_INVOKABLE QString sectionLabel(const QString &isoDay, const QString &today) const;
    /// "Today", "Yesterday", else `day` in `locale`'s long date format.
    static QString dayLabel(QDate day, QDate today, const QLocale &locale = {});
    /// Whether the chat opens `url` when clicked: http and https only.
    Q_INVOKABLE bool isWebLink(const QString &url) const;
    /// Where the "@name" being typed before `cursor` starts (its '@'), or -1 (Mentions).
    Q_INVOKABLE int mentionStart(const QString &text, int cursor) const;
    /// Puts `text` on the clipboard (a copied message).
    Q_INVOKABLE void copyText(const QString &text) const;

Q_SIGNALS:
    void todayChanged();

private:
    void scheduleMidnight();

    QDate m_today;
    QTimer m_midnight;
};
