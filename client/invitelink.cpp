// SPDX-License-Identifier: MIT
#include "invitelink.h"

#include "certificatepins.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QNetworkInterface>
#include <QRegularExpression>

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("InviteLink", text);
}

bool isHostName(QStringView host)
{
    static const QRegularExpression name(
        QStringLiteral("^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$"));
    return name.match(host).hasMatch();
}

bool isInviteCode(QStringView code)
{
    static const QRegularExpression allowed(QStringLiteral("^[A-Za-z0-9_-]{1,64}$"));
    return allowed.match(code).hasMatch();
}

} // namespace

InviteLink::InviteLink(const QString &host, quint16 port, const QString &code)
    : m_host(host)
    , m_port(port)
    , m_code(code)
{ }

InviteLink InviteLink::secure(
    const QString &host, quint16 port, const QString &code, const QString &fingerprint)
{
    InviteLink link(host, port, code);
    link.m_secure = true;
    link.m_fingerprint = CertificatePins::normalized(fingerprint);
    return link;
}

bool InviteLink::looksLikeLink(const QString &text)
{
    return text.trimmed().startsWith(QLatin1String("helpy:"), Qt::CaseInsensitive);
}

InviteLink InviteLink::parse(const QString &text)
{
    InviteLink link;
    const QString trimmed = text.trimmed();
    const QString example = QStringLiteral("helpy://192.168.1.5:8787/K7PQ2M");
    const QLatin1String prefix("helpy://");
    if (trimmed.isEmpty()) {
        link.m_error = tr("Paste an invite link, e.g. %1.").arg(example);
        return link;
    }
    if (!trimmed.startsWith(prefix, Qt::CaseInsensitive)) {
        link.m_error = tr("“%1” is not an invite link; one looks like %2.").arg(trimmed, example);
        return link;
    }
    QStringView rest = QStringView(trimmed).mid(prefix.size());
    QStringView fragment;
    if (const qsizetype hash = rest.indexOf(QLatin1Char('#')); hash >= 0) {
        fragment = rest.mid(hash + 1);
        rest = rest.left(hash);
    }
    // A query is not ours to read (yet).
    if (const qsizetype query = rest.indexOf(QLatin1Char('?')); query >= 0)
        rest = rest.left(query);
    const QLatin1String sha256("sha256=");
    if (fragment.startsWith(sha256, Qt::CaseInsensitive)) {
        link.m_fingerprint = CertificatePins::normalized(fragment.mid(sha256.size()).toString());
        if (link.m_fingerprint.isEmpty()) {
            link.m_error = tr("The invite link's certificate fingerprint (after #sha256=) is "
                              "not 64 hexadecimal digits: ask for the link again.");
            return link;
        }
        link.m_secure = true;
    } else if (fragment.compare(QLatin1String("tls"), Qt::CaseInsensitive) == 0) {
        link.m_secure = true;
    }
    const qsizetype slash = rest.indexOf(QLatin1Char('/'));
    const QStringView authority = slash < 0 ? rest : rest.left(slash);
    QStringView path = slash < 0 ? QStringView() : rest.mid(slash + 1);
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);

    QStringView host;
    QStringView portText;
    if (authority.startsWith(QLatin1Char('['))) {
        const qsizetype close = authority.indexOf(QLatin1Char(']'));
        if (close < 0) {
            link.m_error = tr("The invite link's address lacks its closing “]”.");
            return link;
        }
        host = authority.mid(1, close - 1);
        const QStringView after = authority.mid(close + 1);
        if (!after.isEmpty() && !after.startsWith(QLatin1Char(':'))) {
            link.m_error
                = tr("The invite link has text after its address: “%1”.").arg(after.toString());
            return link;
        }
        portText = after.mid(1);
        const QHostAddress address(host.toString());
        if (address.protocol() != QAbstractSocket::IPv6Protocol) {
            link.m_error = tr("“%1” in brackets is not an IPv6 address.").arg(host.toString());
            return link;
        }
    } else {
        if (authority.count(QLatin1Char(':')) > 1) {
            link.m_error = tr("An IPv6 address in an invite link goes in brackets: "
                              "helpy://[ADDRESS]:PORT/CODE.");
            return link;
        }
        const qsizetype colon = authority.indexOf(QLatin1Char(':'));
        host = colon < 0 ? authority : authority.left(colon);
        portText = colon < 0 ? QStringView() : authority.mid(colon + 1);
        if (host.isEmpty()) {
            link.m_error = tr("The invite link names no computer: it looks like %1.").arg(example);
            return link;
        }
        if (!isHostName(host)) {
            link.m_error = tr("“%1” is not a computer's name or address.").arg(host.toString());
            return link;
        }
    }
    quint16 port = DefaultPort;
    if (!portText.isEmpty() || authority.endsWith(QLatin1Char(':'))) {
        bool ok = false;
        const uint value = portText.toUInt(&ok);
        if (!ok || value == 0 || value > 65535) {
            link.m_error = tr("“%1” is not a port number (1–65535).").arg(portText.toString());
            return link;
        }
        port = quint16(value);
    }
    if (path.isEmpty()) {
        link.m_error = tr("The invite link has no invite code after the address.");
        return link;
    }
    if (!isInviteCode(path)) {
        link.m_error = tr("“%1” is not an invite code.").arg(path.toString());
        return link;
    }
    link.m_host = host.toString();
    link.m_port = port;
    link.m_code = path.toString();
    return link;
}

QUrl InviteLink::serverUrl() const
{
    if (!isValid())
        return {};
    QUrl url;
    url.setScheme(m_secure ? QStringLiteral("wss") : QStringLiteral("ws"));
    url.setHost(m_host);
    url.setPort(m_port);
    return url;
}

QString InviteLink::address() const
{
    const bool ipv6 = m_host.contains(QLatin1Char(':'));
    const QString host = ipv6 ? QLatin1Char('[') + m_host + QLatin1Char(']') : m_host;
    return QStringLiteral("%1:%2").arg(host).arg(m_port);
}

QString InviteLink::toString() const
{
    const QString link = QStringLiteral("helpy://%1/%2").arg(address(), m_code);
    if (!m_fingerprint.isEmpty())
        return link + QStringLiteral("#sha256=") + m_fingerprint;
    return m_secure ? link + QStringLiteral("#tls") : link;
}

QStringList InviteLink::localAddresses()
{
    QStringList addresses;
    const auto interfaces = QNetworkInterface::allInterfaces();
    for (const QNetworkInterface &interface : interfaces) {
        const auto flags = interface.flags();
        if (!flags.testFlag(QNetworkInterface::IsUp)
            || !flags.testFlag(QNetworkInterface::IsRunning)
            || flags.testFlag(QNetworkInterface::IsLoopBack))
            continue;
        const auto entries = interface.addressEntries();
        for (const QNetworkAddressEntry &entry : entries) {
            const QHostAddress &address = entry.ip();
            if (address.protocol() == QAbstractSocket::IPv4Protocol && !address.isLoopback()
                && !address.isLinkLocal())
                addresses << address.toString();
        }
    }
    addresses.removeDuplicates();
    addresses << QStringLiteral("127.0.0.1");
    return addresses;
}

QString InviteLink::preferredLocalAddress()
{
    return localAddresses().constFirst();
}
