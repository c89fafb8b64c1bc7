// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QUrl>

/**
 * @brief A WebSocket client written on a bare QTcpSocket, for what QWebSocket will not do:
 * stop reading (a slow or frozen peer) and ignore pings (a dead one).
 *
 * It frames its own (masked) text frames and parses the server's unmasked ones.
 */
class RawTcpWebSocket
{
public:
    struct Frame
    {
        int opcode = 0;
        QByteArray payload;
    };

    bool open(const QUrl &url)
    {
        // The server may live on this thread: wait by running the event loop, never blocking.
        socket.connectToHost(url.host(), quint16(url.port()));
        if (!QTest::qWaitFor(
                [this] { return socket.state() == QAbstractSocket::ConnectedState; }, 5000))
            return false;
        const QByteArray request = "GET " + url.path().toLatin1() + " HTTP/1.1\r\nHost: "
            + url.host().toLatin1() + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        socket.write(request);
        const bool answered = QTest::qWaitFor(
            [this] {
                m_buffer += socket.readAll();
                return m_buffer.contains("\r\n\r\n");
            },
            5000);
        if (!answered)
            return false;
        const qsizetype end = m_buffer.indexOf("\r\n\r\n") + 4;
        const bool upgraded = m_buffer.startsWith("HTTP/1.1 101");
        m_buffer.remove(0, end);
        return upgraded;
    }

    void sendText(const QJsonObject &object)
    {
        const QByteArray payload = QJsonDocument(object).toJson(QJsonDocument::Compact);
        QByteArray frame;
        frame.append(char(0x81)); // FIN + text
        if (payload.size() < 126) {
            frame.append(char(0x80 | payload.size()));
        } else {
            frame.append(char(0x80 | 126));
            frame.append(char((payload.size() >> 8) & 0xff));
            frame.append(char(payload.size() & 0xff));
        }
        const quint32 mask = QRandomGenerator::global()->generate();
        const char key[4] = { char(mask >> 24), char(mask >> 16), char(mask >> 8), char(mask) };
        frame.append(key, 4);
        for (qsizetype i = 0; i < payload.size(); ++i)
            frame.append(char(payload[i] ^ key[i % 4]));
        socket.write(frame);
    }

    /// Stops taking bytes from the kernel: the server's writes back up.
    void stopReading() { socket.setReadBufferSize(1); }
    void resumeReading() { socket.setReadBufferSize(0); }

    /// Parses every complete frame read so far (reading what is available first).
    QList<Frame> takeFrames()
    {
        m_buffer += socket.readAll();
        QList<Frame> frames;
        for (;;) {
            if (m_buffer.size() < 2)
                break;
            const auto *data = reinterpret_cast<const uchar *>(m_buffer.constData());
            qsizetype header = 2;
            quint64 length = data[1] & 0x7f;
            if (length == 126) {
                if (m_buffer.size() < 4)
                    break;
                length = (quint64(data[2]) << 8) | data[3];
                header = 4;
            } else if (length == 127) {
                if (m_buffer.size() < 10)
                    break;
                length = 0;
                for (int i = 2; i < 10; ++i)
                    length = (length << 8) | data[i];
                header = 10;
            }
            if (quint64(m_buffer.size()) < header + length)
                break;
            frames.append({ data[0] & 0x0f, m_buffer.mid(header, qsizetype(length)) });
            m_buffer.remove(0, header + qsizetype(length));
        }
        return frames;
    }

    QTcpSocket socket;

private:
    QByteArray m_buffer;
};
