// SPDX-License-Identifier: MIT
#include "identitytokens.h"

#include "sessionhosting.h"

#include <QCryptographicHash>

QString IdentityTokens::token(const QUrl &server, const QString &displayName) const
{
    return m_settings.value(key(server, displayName)).toString();
}

void IdentityTokens::remember(const QUrl &server, const QString &displayName, const QString &token)
{
    m_settings.setValue(key(server, displayName), token);
}

QString IdentityTokens::key(const QUrl &server, const QString &displayName) const
{
    // The server this app hosts keeps its sessions on disk whatever port it gets this time,
    // so its identities are kept under one name too.
    const bool hosted = m_hosting && m_hosting->isListening() && server.port() == m_hosting->port();
    const QByteArray serverKey
        = hosted ? QByteArray("embedded") : server.adjusted(QUrl::RemovePath).toString().toUtf8();
    const QByteArray id = serverKey + '\n' + displayName.toUtf8();
    return QStringLiteral("tokens/")
        + QString::fromLatin1(QCryptographicHash::hash(id, QCryptographicHash::Sha1).toHex());
}
