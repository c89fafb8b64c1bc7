// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>

/**
 * @brief Who a connection is from when it came through a reverse proxy we trust
 * (`--trusted-proxy`): the address the proxy put in `X-Forwarded-For`.
 *
 * Each proxy appends the address it received the request from, so the header is read from
 * the right: entries that are themselves trusted proxies are skipped, and the first other
 * one is the client. Everything to its left was written by the client and is not believed.
 * A connection whose peer is not a trusted proxy is its peer, whatever it sends; so is one
 * whose header is missing or unreadable where it matters.
 */
namespace ForwardedFor {

QHostAddress clientAddress(const QHostAddress &peer, const QByteArray &xForwardedFor,
    const QList<QHostAddress> &trustedProxies);

/// "10.0.0.1, 10.0.0.2" → the addresses; false (with `bad` set) on an unreadable one.
bool parseList(const QString &text, QList<QHostAddress> *addresses, QString *bad);

} // namespace ForwardedFor
