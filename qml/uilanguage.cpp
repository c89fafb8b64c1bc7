// SPDX-License-Identifier: MIT
#include "uilanguage.h"

#include <QCoreApplication>
#include <QLocale>
#include <QLoggingCategory>
#include <QTranslator>

Q_LOGGING_CATEGORY(lcLanguage, "helpy.language", QtInfoMsg)

UiLanguage::UiLanguage(QObject *parent)
    : QObject(parent)
{ }

UiLanguage::~UiLanguage()
{
    if (m_translator)
        QCoreApplication::removeTranslator(m_translator.get());
}

QStringList UiLanguage::codes()
{
    return { QString(), QStringLiteral("en"), QStringLiteral("de") };
}

QString UiLanguage::apply(const QString &code)
{
    if (m_translator) {
        QCoreApplication::removeTranslator(m_translator.get());
        m_translator.reset();
    }
    const QLocale locale = code.isEmpty() ? QLocale::system() : QLocale(code);
    QLocale::setDefault(code.isEmpty() ? QLocale::system() : locale);
    m_spoken = QStringLiteral("en");
    if (code == QLatin1String("en"))
        return m_spoken;
    auto translator = std::make_unique<QTranslator>();
    // Tries each of the locale's UI languages in turn (de_AT, de, …): the first file wins.
    if (!translator->load(
            locale, QStringLiteral("helpy"), QStringLiteral("_"), QStringLiteral(":/i18n"))) {
        qCInfo(lcLanguage) << "no translation for" << locale.uiLanguages() << "- English";
        return m_spoken;
    }
    m_spoken = QLocale(translator->language()).name().section(QLatin1Char('_'), 0, 0);
    if (!QCoreApplication::installTranslator(translator.get())) {
        qCWarning(lcLanguage) << "could not install the translation" << translator->filePath();
        m_spoken = QStringLiteral("en");
        return m_spoken;
    }
    m_translator = std::move(translator);
    qCInfo(lcLanguage) << "speaking" << m_spoken << "from" << m_translator->filePath();
    return m_spoken;
}
