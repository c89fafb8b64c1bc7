// SPDX-License-Identifier: MIT
#pragma once

#include <QHash>
#include <QObject>

/**
 * @brief Shows desktop notifications for messages, and says when one was clicked.
 *
 * notify() always emits notificationRequested() (tests spy on it), then show() puts it on
 * the desktop. activated() names the session of a notification the user clicked.
 */
class Notifier : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

    void notify(const QString &sessionId, const QString &title, const QString &body);

Q_SIGNALS:
    void notificationRequested(const QString &sessionId, const QString &title, const QString &body);
    /// The user clicked the notification of this session.
    void activated(const QString &sessionId);

protected:
    virtual void show(const QString &sessionId, const QString &title, const QString &body) = 0;
};

/**
 * @brief Freedesktop notifications (org.freedesktop.Notifications) over the session D-Bus:
 * what GNOME, KDE, XFCE and the other Linux desktops show, with a default action that tells
 * us which notification was clicked. (QSystemTrayIcon::showMessage needs QtWidgets, a
 * QApplication and a tray, and does not say which message was clicked.) Without a session
 * bus or a notification service it only logs.
 */
class DesktopNotifier : public Notifier
{
    Q_OBJECT

public:
    explicit DesktopNotifier(QObject *parent = nullptr);

protected:
    void show(const QString &sessionId, const QString &title, const QString &body) override;

private Q_SLOTS:
    void onActionInvoked(uint id, const QString &action);
    void onClosed(uint id, uint reason);

private:
    QHash<uint, QString> m_sessionOf; ///< notifications shown, by the server's id
    QHash<QString, uint> m_shownFor; ///< the one notification per session, replaced by the next
    bool m_connected = false;
};
