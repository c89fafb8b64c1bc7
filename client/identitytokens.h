// SPDX-License-Identifier: MIT
#pragma once

#include <QSettings>
#include <QString>
#include <QUrl>

class SessionHosting;

/**
 * @brief The identity tokens servers gave this app, kept in QSettings per server and
 * display name.
 *
 * One identity per server and name: two instances with different names on one machine are
 * two users, and the same name comes back to a server as the same user.
 */
class IdentityTokens
{
public:
    IdentityTokens() = default;

    /// The server this app hosts (may be null); see key().
    void setHosting(const SessionHosting *hosting) { m_hosting = hosting; }

    /// The token remembered for `displayName` on `server`; empty when there is none.
    QString token(const QUrl &server, const QString &displayName) const;
    void remember(const QUrl &server, const QString &displayName, const QString &token);

private:
    QString key(const QUrl &server, const QString &displayName) const;

    QSettings m_settings;
    const SessionHosting *m_hosting = nullptr;
};
