// SPDX-License-Identifier: MIT
#include "configfile.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QSettings>

namespace ConfigFile {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("ConfigFile", text);
}

const QCommandLineOption *optionNamed(const QList<QCommandLineOption> &options, const QString &key)
{
    for (const QCommandLineOption &option : options) {
        if (option.names().contains(key))
            return &option;
    }
    return nullptr;
}

std::optional<bool> boolean(const QString &text)
{
    const QString lower = text.trimmed().toLower();
    if (lower == u"true" || lower == u"yes" || lower == u"on" || lower == u"1")
        return true;
    if (lower == u"false" || lower == u"no" || lower == u"off" || lower == u"0")
        return false;
    return std::nullopt;
}

} // namespace

std::optional<QStringList> merge(QCommandLineParser &parser, const QStringList &arguments,
    const QCommandLineOption &configOption, const QList<QCommandLineOption> &options,
    const QList<QStringList> &exclusive, QString *error)
{
    // Errors on the command line itself are left to the caller's process(), which says them.
    parser.parse(arguments);
    if (!parser.isSet(configOption) || arguments.isEmpty())
        return arguments;
    const QString path = parser.value(configOption);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = tr("cannot read the config file %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    file.close();
    const QSettings settings(path, QSettings::IniFormat);
    if (settings.status() != QSettings::NoError) {
        *error = tr("the config file %1 is not valid INI").arg(path);
        return std::nullopt;
    }
    const auto setOnCommandLine = [&](const QString &name) {
        for (const QStringList &group : exclusive) {
            if (group.contains(name)) {
                return std::any_of(group.cbegin(), group.cend(),
                    [&](const QString &other) { return parser.isSet(other); });
            }
        }
        return parser.isSet(name);
    };
    QStringList fromFile;
    const QStringList keys = settings.allKeys();
    for (const QString &key : keys) {
        const QCommandLineOption *option = optionNamed(options, key);
        if (!option || Reserved.contains(key)) {
            *error = tr("unknown key '%1' in the config file %2 (keys are the long option "
                        "names, without '--', outside any [section])")
                         .arg(key, path);
            return std::nullopt;
        }
        const QVariant raw = settings.value(key);
        // QSettings reads an unquoted a,b as a list: it was one value.
        const QString value = raw.metaType().id() == QMetaType::QStringList
            ? raw.toStringList().join(QLatin1Char(','))
            : raw.toString();
        if (setOnCommandLine(key))
            continue; // the command line wins
        if (option->valueName().isEmpty()) {
            const auto on = boolean(value);
            if (!on) {
                *error = tr("'%1' in the config file %2 is a flag: true or false, not '%3'")
                             .arg(key, path, value);
                return std::nullopt;
            }
            if (*on)
                fromFile.append(QLatin1String("--") + key);
        } else {
            fromFile.append(QLatin1String("--") + key + QLatin1Char('=') + value);
        }
    }
    QStringList merged = arguments;
    for (qsizetype i = 0; i < fromFile.size(); ++i)
        merged.insert(1 + i, fromFile.at(i));
    return merged;
}

} // namespace ConfigFile
