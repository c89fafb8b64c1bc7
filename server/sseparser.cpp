// SPDX-License-Identifier: MIT
#include "sseparser.h"

QList<QByteArray> SseParser::feed(QByteArrayView bytes)
{
    QList<QByteArray> events;
    m_buffer.append(bytes);
    qsizetype start = 0; // the current line's first byte
    qsizetype i = m_scanned; // the bytes before were scanned by the last feed: no line end
    while (i < m_buffer.size()) {
        const char c = m_buffer.at(i);
        if (m_skipLineFeed) {
            m_skipLineFeed = false;
            if (c == '\n' && i == start) {
                start = ++i;
                continue;
            }
        }
        if (c == '\n' || c == '\r') {
            takeLine(QByteArrayView(m_buffer).sliced(start, i - start), events);
            m_skipLineFeed = c == '\r';
            start = ++i;
            continue;
        }
        ++i;
    }
    m_buffer.remove(0, start);
    m_scanned = m_buffer.size();
    if (m_buffer.size() > MaxLineBytes) {
        m_buffer.clear();
        m_scanned = 0;
    }
    return events;
}

QByteArray SseParser::finish()
{
    QList<QByteArray> events;
    if (!m_buffer.isEmpty())
        takeLine(m_buffer, events);
    m_buffer.clear();
    m_scanned = 0;
    m_dropping = false;
    if (!m_hasData)
        return {};
    m_hasData = false;
    return std::exchange(m_data, {});
}

void SseParser::takeLine(QByteArrayView line, QList<QByteArray> &events)
{
    if (line.isEmpty()) {
        if (m_hasData)
            events.append(std::exchange(m_data, {}));
        m_hasData = false;
        m_dropping = false;
        return;
    }
    if (m_dropping)
        return;
    if (line.startsWith(':'))
        return;
    const qsizetype colon = line.indexOf(':');
    const QByteArrayView field = colon < 0 ? line : line.first(colon);
    if (field != QByteArrayView("data"))
        return;
    QByteArrayView value = colon < 0 ? QByteArrayView() : line.sliced(colon + 1);
    if (value.startsWith(' '))
        value = value.sliced(1);
    if (m_data.size() + 1 + value.size() > MaxEventBytes) {
        m_data = QByteArray();
        m_hasData = false;
        m_dropping = true;
        return;
    }
    if (m_hasData)
        m_data.append('\n');
    m_data.append(value);
    m_hasData = true;
}
