// SPDX-License-Identifier: MIT
#pragma once

// The codec's direct JSON writer, for the frames the server encodes most (a chat message's
// event, a roster event): the very text QJsonDocument writes (Compact) for the same object,
// without building a QJsonObject. Private to net/.

#include <QString>
#include <QStringView>

namespace Protocol::detail {

/**
 * @brief Writes one JSON object, field by field (and objects nested in it), into a QString.
 *
 * The caller gives the fields in the order QJsonObject keeps them (sorted by key) and
 * leaves out what QJsonObject would not hold, so the text is QJsonDocument's to the
 * character: strings escaped as its writer escapes them (`"`, `\`, the control characters
 * as \b \f \n \r \t or \u00xx, a lone surrogate as \uxxxx), integers in full
 * (tst_protocol::theDirectWriterWritesWhatQJsonDocumentWrites).
 */
class JsonText
{
public:
    explicit JsonText(qsizetype reserve = 256) { m_text.reserve(reserve); }

    void field(QLatin1StringView key, QStringView value)
    {
        name(key);
        string(value);
    }
    /// A field whose name is not a literal: escaped as a value is.
    void field(QStringView key, QStringView value)
    {
        name(key);
        string(value);
    }
    void field(QStringView key, bool value)
    {
        name(key);
        m_text.append(value ? u"true" : u"false");
    }
    void field(QLatin1StringView key, qint64 value)
    {
        name(key);
        m_text.append(QString::number(value));
    }
    /// `"key":{`: the fields that follow are the nested object's, up to endObject().
    void beginObject(QLatin1StringView key)
    {
        name(key);
        m_first = true;
    }
    void endObject()
    {
        m_text.append(m_first ? u"{}" : u"}");
        m_first = false; // the enclosing object has a field now
    }
    QString finish()
    {
        endObject();
        return std::move(m_text);
    }

private:
    /// What comes before a field: `{` for an object's first, `,` for the others.
    void separator()
    {
        m_text.append(m_first ? u'{' : u',');
        m_first = false;
    }
    void name(QStringView key)
    {
        separator();
        string(key);
        m_text.append(u':');
    }
    void name(QLatin1StringView key)
    {
        separator();
        m_text.append(u'"').append(key).append(u"\":");
    }
    void string(QStringView s)
    {
        m_text.append(u'"');
        const char16_t *run = s.utf16();
        const char16_t *p = run;
        const char16_t *const end = p + s.size();
        for (; p < end; ++p) {
            const char16_t u = *p;
            if (u >= 0x20 && u != u'"' && u != u'\\' && !QChar::isSurrogate(u))
                continue;
            if (QChar::isHighSurrogate(u) && p + 1 < end && QChar::isLowSurrogate(p[1])) {
                ++p; // a pair: written as it is
                continue;
            }
            m_text.append(QStringView(run, p - run));
            escape(u);
            run = p + 1;
        }
        m_text.append(QStringView(run, p - run));
        m_text.append(u'"');
    }
    void escape(char16_t u)
    {
        // The characters with a short escape, and that escape's letter.
        static constexpr char16_t Short[][2] = { { u'"', u'"' }, { u'\\', u'\\' }, { 0x08, u'b' },
            { 0x0c, u'f' }, { 0x0a, u'n' }, { 0x0d, u'r' }, { 0x09, u't' } };
        static constexpr char16_t Hex[] = u"0123456789abcdef";
        for (const auto &[character, letter] : Short) {
            if (u == character) {
                const char16_t escaped[] = { u'\\', letter };
                m_text.append(QStringView(escaped, 2));
                return;
            }
        }
        const char16_t escaped[] = { u'\\', u'u', Hex[(u >> 12) & 0xf], Hex[(u >> 8) & 0xf],
            Hex[(u >> 4) & 0xf], Hex[u & 0xf] };
        m_text.append(QStringView(escaped, 6));
    }

    QString m_text;
    bool m_first = true;
};

} // namespace Protocol::detail
