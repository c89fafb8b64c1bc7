// SPDX-License-Identifier: MIT
#include "notifier.h"

#include "logging.h"

#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>

namespace {
const auto Service = QStringLiteral("org.freedesktop.Notifications");
const auto Path = QStringLiteral("/org/freedesktop/Notifications");
const auto Interface = QStringLiteral("org.freedesktop.Notifications");
} // namespace

void Notifier::notify(const QString &sessionId, const QString &title, const QString &body)
{
    Q_EMIT notificationRequested(sessionId, title, body);
    show(sessionId, title, body);
}

DesktopNotifier::DesktopNotifier(QObject *parent)
    : Notifier(parent)
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    m_connected = bus.isConnected();
    if (!m_connected) {
        qCInfo(lcClient) << "no session D-Bus: desktop notifications are off";
        return;
    }
    bus.connect(Service, Path, Interface, QStringLiteral("ActionInvoked"), this,
        SLOT(onActionInvoked(uint, QString)));
    bus.connect(Service, Path, Interface, QStringLiteral("NotificationClosed"), this,
        SLOT(onClosed(uint, uint)));
}

void DesktopNotifier::show(const QString &sessionId, const QString &title, const QString &body)
{
    if (!m_connected)
        return;
    QDBusMessage call
        = QDBusMessage::createMethodCall(Service, Path, Interface, QStringLiteral("Notify"));
    // One notification per session: a new message replaces the session's last one.
    const uint replaces = m_shownFor.value(sessionId, 0);
    call << QStringLiteral("Helpy") << replaces << QStringLiteral("helpy") << title << body
         << QStringList { QStringLiteral("default"), tr("Open") }
         << QVariantMap { { QStringLiteral("category"), QStringLiteral("im.received") },
                { QStringLiteral("desktop-entry"), QStringLiteral("helpy") } }
         << int(-1);
    // Asynchronous: a slow or missing notification service never holds up the window.
    auto *watcher
        = new QDBusPendingCallWatcher(QDBusConnection::sessionBus().asyncCall(call), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this, watcher, sessionId] {
        watcher->deleteLater();
        const QDBusPendingReply<uint> reply = *watcher;
        if (reply.isError()) {
            qCInfo(lcClient) << "notification not shown:" << reply.error().message();
            return;
        }
        m_sessionOf.insert(reply.value(), sessionId);
        m_shownFor.insert(sessionId, reply.value());
    });
}

void DesktopNotifier::onActionInvoked(uint id, const QString &action)
{
    const QString sessionId = m_sessionOf.value(id);
    if (sessionId.isEmpty() || action != QLatin1String("default"))
        return;
    Q_EMIT activated(sessionId);
}

void DesktopNotifier::onClosed(uint id, uint reason)
{
    Q_UNUSED(reason)
    const QString sessionId = m_sessionOf.take(id);
    if (!sessionId.isEmpty() && m_shownFor.value(sessionId) == id)
        m_shownFor.remove(sessionId);
}
