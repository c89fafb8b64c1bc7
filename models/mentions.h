// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QString>

/**
 * @brief The one reading of "@Name" in a message: who a text mentions and where.
 *
 * A mention is '@' and a participant's display name (any case), not followed by more of a
 * word: "@Ana," and "@ana" mention Ana, "@Anabel" does not. The bubbles highlight it and
 * notifications ask it; both through here, so they cannot disagree.
 */
class Mentions
{
public:
    /// @brief Where one mention starts in the text and how long it is (the '@' included).
    struct Range
    {
        qsizetype start = 0;
        qsizetype length = 0;
        friend bool operator==(const Range &, const Range &) = default;
    };

    /// Whether `text` mentions `displayName` ("@displayName", any case, a whole name).
    static bool mentions(const QString &text, const QString &displayName);
    /// Every mention of `displayName` in `text`, in order, not overlapping.
    static QList<Range> ranges(const QString &text, const QString &displayName);
    /// The "@word" being typed just before `cursor` in `text` (without the '@'), or a null
    /// string when the cursor is not in one: what the composer's completion filters by.
    static QString partialAt(const QString &text, qsizetype cursor);
};
