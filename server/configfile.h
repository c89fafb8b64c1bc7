// SPDX-License-Identifier: MIT
#pragma once

#include <QCommandLineOption>
#include <QList>
#include <QStringList>

#include <optional>

class QCommandLineParser;

/**
 * @brief `--config FILE`: every command-line option may also be given in an INI file, as
 * `name = value` (flags: `name = true`), the command line winning.
 *
 * The file's options become arguments placed before the command line's, so that a value
 * given on both is the command line's (QCommandLineParser keeps the last one) and one
 * parser checks them all alike. An unknown key, a value for a flag that is not a boolean,
 * or a file that cannot be read is an error, not a silent default.
 */
namespace ConfigFile {

/// Keys that name no option: the file's own meta-options.
inline const QStringList Reserved { QStringLiteral("config"), QStringLiteral("help"),
    QStringLiteral("version") };

/**
 * The arguments to process: `arguments` with those from the file named by `configOption`
 * (when set) put right after the program name. `options` are those a file may set;
 * options in one of `exclusive` (e.g. --data, --memory, --redis) are taken from the file
 * only when the command line sets none of their group. `parser` must know every option;
 * it is used to look at the command line only. Null, with `error` set, on a bad file.
 */
std::optional<QStringList> merge(QCommandLineParser &parser, const QStringList &arguments,
    const QCommandLineOption &configOption, const QList<QCommandLineOption> &options,
    const QList<QStringList> &exclusive, QString *error);

} // namespace ConfigFile
