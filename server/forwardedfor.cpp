// SPDX-License-Identifier: MIT
#include "forwardedfor.h"

#include <QString>

namespace {

/// An address as proxies write it ("1.2.3.4", "2001:db8::1", "[2001:db8::1]"); IPv4 mapped
/// into IPv6 (as a dual-stack socket reports a v4 peer) compares as the IPv4 address.
QHostAddress readAddress(QByteArrayView text)
{
    QString s = QString::fromLatin1(text).trimmed();
    if (s.startsWith(QLatin1Char('[')) && s.endsWith(QLatin1Char(']')))
        s = s.mid(1, s.size() - 2);
    return QHostAddress(s);
}

bool isTrusted(const QHostAddress &address, const QList<QHostAddress> &trusted)
{
    for (const QHostAddress &proxy : trusted) {
        if (proxy.isEqual(address, QHostAddress::TolerantConversion))
            return true;
    }
    return false;
}

} // namespace

namespace ForwardedFor {

QHostAddress clientAddress(const QHostAddress &peer, const QByteArray &xForwardedFor,
    const QList<QHostAddress> &trustedProxies)
{
    if (trustedProxies.isEmpty() || !isTrusted(peer, trustedProxies))
        return peer;
    QHostAddress client = peer;
    const QList<QByteArray> hops = xForwardedFor.split(',');
    for (auto hop = hops.crbegin(); hop != hops.crend(); ++hop) {
        const QHostAddress address = readAddress(*hop);
        if (address.isNull())
            return client; // unreadable: the last hop we could believe
        client = address;
        if (!isTrusted(address, trustedProxies))
            return client;
    }
    return client;
}

bool parseList(const QString &text, QList<QHostAddress> *addresses, QString *bad)
{
    addresses->clear();
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QHostAddress address = readAddress(part.toLatin1());
        if (address.isNull()) {
            *bad = part.trimmed();
            return false;
        }
        addresses->append(address);
    }
    return true;
}

} // namespace ForwardedFor
