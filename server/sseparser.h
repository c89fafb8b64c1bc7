// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QList>

/**
 * @brief Server-sent events read from a byte stream, as a chat-completions stream sends them.
 *
 * Bytes are buffered until a whole line is there, so a chunk may end anywhere: inside a line,
 * between "\r" and "\n", or inside a UTF-8 character (a line is only decoded by the caller,
 * whole). Only `data:` fields matter here; an event ends at an empty line, and its data lines
 * are joined with "\n". Comments (": …") and other fields are skipped.
 */
class SseParser
{
public:
    /// Feeds the next bytes; returns the data of each event they complete, in order.
    QList<QByteArray> feed(QByteArrayView bytes);
    /// The data of an event the stream ended inside (no empty line after it); may be empty.
    QByteArray finish();
    /// Bytes held for an incomplete line.
    qsizetype pendingBytes() const { return m_buffer.size(); }

    /// Bytes held for the current event's data (lines seen, no empty line yet).
    qsizetype pendingEventBytes() const { return m_data.size(); }

    /// A line longer than this is dropped (a stream that never ends a line is not buffered).
    static constexpr qsizetype MaxLineBytes = 1 << 20;
    /// An event whose data grows past this is dropped whole, up to the empty line that ends
    /// it (a stream of data lines that never ends an event is not buffered either).
    static constexpr qsizetype MaxEventBytes = 1 << 20;

private:
    void takeLine(QByteArrayView line, QList<QByteArray> &events);

    QByteArray m_buffer;
    qsizetype m_scanned = 0; ///< bytes of m_buffer already split into lines
    QByteArray m_data; ///< the current event's data so far
    bool m_hasData = false;
    bool m_dropping = false; ///< the current event outgrew MaxEventBytes: skip to its end
    bool m_skipLineFeed = false; ///< the last chunk ended with "\r": a "\n" next belongs to it
};
