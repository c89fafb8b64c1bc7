// SPDX-License-Identifier: MIT
#include "appsettings.h"

#include "logging.h"

#include <QSettings>

namespace {
const auto ThemeKey = QStringLiteral("ui/theme");
const auto NotificationsKey = QStringLiteral("notifications/enabled");
const auto LanguageKey = QStringLiteral("ui/language");
} // namespace

AppSettings::AppSettings(QObject *parent)
    : QObject(parent)
{
    const QSettings settings;
    m_theme = settings.value(ThemeKey, QStringLiteral("system")).toString();
    if (!themes().contains(m_theme))
        m_theme = QStringLiteral("system");
    m_notificationsEnabled = settings.value(NotificationsKey, true).toBool();
    m_language = settings.value(LanguageKey, QString()).toString();
    if (!languages().contains(m_language))
        m_language.clear();
}

QStringList AppSettings::themes()
{
    return { QStringLiteral("system"), QStringLiteral("light"), QStringLiteral("dark") };
}

QStringList AppSettings::languages()
{
    return { QString(), QStringLiteral("en"), QStringLiteral("de") };
}

void AppSettings::setTheme(const QString &theme)
{
    if (!themes().contains(theme)) {
        qCWarning(lcClient) << "unknown theme" << theme << "(system, light or dark)";
        return;
    }
    if (m_theme == theme)
        return;
    m_theme = theme;
    QSettings().setValue(ThemeKey, theme);
    Q_EMIT themeChanged();
}

void AppSettings::setNotificationsEnabled(bool enabled)
{
    if (m_notificationsEnabled == enabled)
        return;
    m_notificationsEnabled = enabled;
    QSettings().setValue(NotificationsKey, enabled);
    Q_EMIT notificationsEnabledChanged();
}

void AppSettings::setLanguage(const QString &language)
{
    if (!languages().contains(language)) {
        qCWarning(lcClient) << "unknown language" << language << "(\"\", en or de)";
        return;
    }
    if (m_language == language)
        return;
    m_language = language;
    QSettings().setValue(LanguageKey, language);
    Q_EMIT languageChanged();
}
