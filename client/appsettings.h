// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QtQml/qqmlregistration.h>

/**
 * @brief The user's preferences, kept in QSettings: theme (`ui/theme`: "system", "light" or
 * "dark"), desktop notifications (`notifications/enabled`) and language (`ui/language`: ""
 * for the system's, "en" or "de"; whoever loads translations reads it). The display name is
 * the AppController's.
 */
class AppSettings : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by the AppController")
    Q_PROPERTY(QString theme READ theme WRITE setTheme NOTIFY themeChanged)
    Q_PROPERTY(bool notificationsEnabled READ notificationsEnabled WRITE setNotificationsEnabled
            NOTIFY notificationsEnabledChanged)
    Q_PROPERTY(QString language READ language WRITE setLanguage NOTIFY languageChanged)

public:
    explicit AppSettings(QObject *parent = nullptr);

    static QStringList themes();
    static QStringList languages();

    QString theme() const { return m_theme; }
    /// An unknown theme is refused (logged), the current one kept.
    void setTheme(const QString &theme);
    bool notificationsEnabled() const { return m_notificationsEnabled; }
    void setNotificationsEnabled(bool enabled);
    QString language() const { return m_language; }
    /// An unknown language is refused (logged), the current one kept.
    void setLanguage(const QString &language);

Q_SIGNALS:
    void themeChanged();
    void notificationsEnabledChanged();
    void languageChanged();

private:
    QString m_theme;
    bool m_notificationsEnabled = true;
    QString m_language;
};
