// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>

class QTranslator;

/**
 * @brief The language the UI speaks: installs the app's translation (":/i18n/helpy_LANG.qm",
 * built from translations/helpy_LANG.ts) for a language code, or for the system's languages.
 *
 * The choice itself is kept by AppController (QSettings `ui/language`); this only loads and
 * swaps the translator, and sets the default QLocale so dates and times follow the language.
 */
class UiLanguage : public QObject
{
    Q_OBJECT

public:
    explicit UiLanguage(QObject *parent = nullptr);
    ~UiLanguage() override;

    /// The codes the setting accepts: "" (the system's language), then the languages built in.
    static QStringList codes();
    static bool isValidCode(const QString &code) { return codes().contains(code); }

    /// Speaks `code`'s language ("" follows the system). Returns the language now spoken:
    /// "en" when no translation matched (English is the source language).
    QString apply(const QString &code);
    QString spoken() const { return m_spoken; }

private:
    std::unique_ptr<QTranslator> m_translator;
    QString m_spoken = QStringLiteral("en");
};
