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
 * DefaultPort. A fragment (e.g. a future `#sha256=…` of the server's certificate) and a
 * trailing slash are ignored, and so is whitespace around the link.
 */
class InviteLink
{
public:
    static constexpr quint16 DefaultPort = 8787;
    static constexpr auto Scheme = "helpy";

    InviteLink() = default;
    InviteLink(const QString &host, quint16 port, const QString &code);

    /// Reads `text`; on failure isValid() is false and errorString() says why, readably.
    static InviteLink parse(const QString &text);
    /// Whether `text` is meant as a link (starts with `helpy:`), valid or not.
    static bool looksLikeLink(const QString &text);

    bool isValid() const { return m_error.isEmpty() && !m_code.isEmpty(); }
    QString errorString() const { return m_error; }
    QString host() const { return m_host; }
    quint16 port() const { return m_port; }
    QString code() const { return m_code; }
    /// The server to connect to: ws://HOST:PORT.
    QUrl serverUrl() const;
    /// `HOST:PORT` (IPv6 in brackets).
    QString address() const;
    /// `helpy://HOST:PORT/CODE` (IPv6 in brackets).
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
    QString m_error;
};
