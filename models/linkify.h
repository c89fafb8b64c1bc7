// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QString>

/**
 * @brief A message's plain text made safe to show as Qt's StyledText: everything escaped,
 * then web links (http and https only) made clickable and mentions of the reader in bold.
 *
 * Nothing the author typed can become markup: "<b>" stays the four characters "<b>" and
 * "javascript:…" or "file:…" stays text. Spaces and line breaks are kept as typed.
 */
namespace Linkify {

/// @brief Where one link starts in the text and how long it is.
struct Range
{
    qsizetype start = 0;
    qsizetype length = 0;
    friend bool operator==(const Range &, const Range &) = default;
};

/// The web links in `text`: "http://" or "https://" and what follows up to a space, less
/// a closing punctuation mark ("see https://x.org." links "https://x.org").
QList<Range> links(const QString &text);
/// `text` as StyledText: escaped, links as <a href>, "@highlightName" mentions in <b>.
QString toStyledText(const QString &text, const QString &highlightName = {});
/// Whether `url` is one the app opens: an http or https URL with a host.
bool isWebLink(const QString &url);

} // namespace Linkify
