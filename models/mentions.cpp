// SPDX-License-Identifier: MIT
#include "mentions.h"

namespace {

bool isWordChar(QChar c)
{
    return c.isLetterOrNumber() || c == QLatin1Char('_');
}

} // namespace

bool Mentions::mentions(const QString &text, const QString &displayName)
{
    return !ranges(text, displayName).isEmpty();
}

QList<Mentions::Range> Mentions::ranges(const QString &text, const QString &displayName)
{
    QList<Range> found;
    const QString name = displayName.trimmed();
    if (name.isEmpty())
        return found;
    const QString mention = QLatin1Char('@') + name;
    qsizetype from = 0;
    while (from < text.size()) {
        const qsizetype at = text.indexOf(mention, from, Qt::CaseInsensitive);
        if (at < 0)
            break;
        const qsizetype after = at + mention.size();
        // "a@Ana" is an address, not a mention; "@Anabel" names someone else.
        const bool startsWord = at == 0 || !isWordChar(text.at(at - 1));
        const bool endsWord = after >= text.size() || !isWordChar(text.at(after));
        if (startsWord && endsWord) {
            found.append({ at, mention.size() });
            from = after;
        } else {
            from = at + 1;
        }
    }
    return found;
}

QString Mentions::partialAt(const QString &text, qsizetype cursor)
{
    if (cursor < 0 || cursor > text.size())
        return {};
    // Back from the cursor to the '@', over word characters and single spaces (names have
    // spaces: "@Math He"); a line break or a second space ends the search.
    for (qsizetype at = cursor - 1; at >= 0 && cursor - at <= 64; --at) {
        const QChar c = text.at(at);
        if (c == QLatin1Char('@')) {
            if (at > 0 && isWordChar(text.at(at - 1)))
                return {};
            return text.mid(at + 1, cursor - at - 1);
        }
        if (c == QLatin1Char('\n') || c == QLatin1Char('\t'))
            return {};
        if (c == QLatin1Char(' ') && at > 0 && text.at(at - 1) == QLatin1Char(' '))
            return {};
    }
    return {};
}
