// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QString>
#include <QUrl>

/**
 * @brief An invite link, `helpy://HOST:PORT/INVITECODE`: where a session is hosted and the
 * code that admits to it, in one string to paste or click.
 *
 * HOST is a name, an IPv4 address or an IPv6 address in brackets; PORT defaults to
 * DefaultPort. The fragment says how to reach the server (docs/protocol.md, "Invite links"):
 * `#sha256=HEX` (the SHA-256 of its self-signed certificate) means wss:// with that
 * certificate pinned from the first byte; `#tls` means wss:// with a CA-signed certificate;
 * none means plain ws://. Other fragments, a query and a trailing slash are ignored, and so
 * is whitespace around the link.
 */
class InviteLink
{
public:
    static constexpr quint16 DefaultPort = 8787;
    static constexpr auto Scheme = "helpy";

    InviteLink() = default;
    InviteLink(const QString &host, quint16 port, const QString &code);
    /// A link to a wss:// server: pinned to `fingerprint` (SHA-256 hex) unless it is empty.
    static InviteLink secure(
        const QString &host, quint16 port, const QString &code, const QString &fingerprint);

    /// Reads `text`; on failure isValid() is false and errorString() says why, readably.
    static InviteLink parse(const QString &text);
    /// Whether `text` is meant as a link (starts with `helpy:`), valid or not.
    static bool looksLikeLink(const QString &text);

    bool isValid() const { return m_error.isEmpty() && !m_code.isEmpty(); }
    QString errorString() const { return m_error; }
    QString host() const { return m_host; }
    quint16 port() const { return m_port; }
    QString code() const { return m_code; }
    /// Whether the server speaks TLS (wss://).
    bool isSecure() const { return m_secure; }
    /// The SHA-256 (lower-case hex) its certificate must have; empty: none named.
    QString fingerprint() const { return m_fingerprint; }
    /// The server to connect to: ws://HOST:PORT, or wss:// when secure.
    QUrl serverUrl() const;
    /// `HOST:PORT` (IPv6 in brackets).
    QString address() const;
    /// `helpy://HOST:PORT/CODE` (IPv6 in brackets), `#sha256=HEX` or `#tls` after it.
    QString toString() const;

    /// This machine's addresses others can reach it at: the up, non-loopback IPv4 ones first,
    /// then 127.0.0.1 (always there, last).
    static QStringList localAddresses();
    /// The address an invite names: the first of localAddresses().
    static QString preferredLocalAddress();

private:
    QString m_host;
    quint16 m_port = DefaultPort;
    QString m_code;
    QString m_fingerprint;
    bool m_secure = false;
    QString m_error;
};
