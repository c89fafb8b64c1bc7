// SPDX-License-Identifier: MIT
#include "linkify.h"

#include "mentions.h"

#include <QRegularExpression>
#include <QUrl>

namespace Linkify {

namespace {

/// One piece of plain text, escaped, its spaces and line breaks kept (StyledText, as HTML,
/// would fold a run of spaces into one and a line break into a space).
void appendEscaped(QString &out, QStringView text)
{
    bool afterSpace = false;
    for (const QChar c : text) {
        switch (c.unicode()) {
        case '<':
            out += QLatin1String("&lt;");
            break;
        case '>':
            out += QLatin1String("&gt;");
            break;
        case '&':
            out += QLatin1String("&amp;");
            break;
        case '"':
            out += QLatin1String("&quot;");
            break;
        case '\n':
            out += QLatin1String("<br>");
            break;
        case '\t':
        case ' ':
            // The first space of a run may wrap; the ones after it are kept.
            out += afterSpace ? QLatin1String("&nbsp;") : QLatin1String(" ");
            afterSpace = true;
            continue;
        default:
            out += c;
        }
        afterSpace = c == QLatin1Char('\n');
    }
}

} // namespace

QList<Range> links(const QString &text)
{
    static const QRegularExpression url(
        QStringLiteral("\\bhttps?://[^\\s<>\"]+"), QRegularExpression::CaseInsensitiveOption);
    QList<Range> found;
    for (auto it = url.globalMatch(text); it.hasNext();) {
        const auto match = it.next();
        QStringView link = match.capturedView();
        // A sentence's punctuation after a link is not part of it; a ')' only when the link
        // opened none ("(see https://x.org/a)" vs "https://en.wikipedia.org/wiki/C_(language)").
        while (!link.isEmpty()) {
            const QChar last = link.back();
            const bool unbalanced = last == QLatin1Char(')')
                && link.count(QLatin1Char('(')) < link.count(QLatin1Char(')'));
            if (!QStringLiteral(".,;:!?'").contains(last) && !unbalanced)
                break;
            link.chop(1);
        }
        if (isWebLink(link.toString()))
            found.append({ match.capturedStart(), link.size() });
    }
    return found;
}

QString toStyledText(const QString &text, const QString &highlightName)
{
    struct Span
    {
        qsizetype start;
        qsizetype length;
        bool isLink;
    };
    QList<Span> spans;
    const QList<Range> linkRanges = links(text);
    for (const Range &link : linkRanges)
        spans.append({ link.start, link.length, true });
    // A mention inside a link ("https://x.org/@Ana") stays part of the link.
    const auto mentions = Mentions::ranges(text, highlightName);
    for (const auto &mention : mentions) {
        const bool inLink
            = std::any_of(linkRanges.cbegin(), linkRanges.cend(), [&](const Range &link) {
                  return mention.start < link.start + link.length
                      && link.start < mention.start + mention.length;
              });
        if (!inLink)
            spans.append({ mention.start, mention.length, false });
    }
    std::sort(
        spans.begin(), spans.end(), [](const Span &a, const Span &b) { return a.start < b.start; });

    QString out;
    out.reserve(text.size() + text.size() / 8);
    qsizetype at = 0;
    for (const Span &span : std::as_const(spans)) {
        appendEscaped(out, QStringView(text).mid(at, span.start - at));
        const QStringView shown = QStringView(text).mid(span.start, span.length);
        if (span.isLink) {
            // A link has no space, quote or angle bracket (see links()): it is safe in the
            // attribute as it is, and StyledText reads attributes without decoding entities.
            out += QLatin1String("<a href=\"");
            out += shown;
            out += QLatin1String("\">");
            appendEscaped(out, shown);
            out += QLatin1String("</a>");
        } else {
            out += QLatin1String("<b>");
            appendEscaped(out, shown);
            out += QLatin1String("</b>");
        }
        at = span.start + span.length;
    }
    appendEscaped(out, QStringView(text).mid(at));
    return out;
}

bool isWebLink(const QString &url)
{
    const QUrl parsed(url);
    const QString scheme = parsed.scheme().toLower();
    return parsed.isValid() && (scheme == QLatin1String("http") || scheme == QLatin1String("https"))
        && !parsed.host().isEmpty();
}

} // namespace Linkify
