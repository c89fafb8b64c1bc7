// SPDX-License-Identifier: MIT
#pragma once

#include "protocol.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QtQml/qqmlregistration.h>

#include <optional>

class WebSocketService;

/**
 * @brief What the user has read, per session, on this device: the last-read revision, the
 * unread count (messages by others since), the mute flag and the latest message known.
 *
 * It learns of messages from every session the connection hears of: `message` events of
 * the sessions it follows, `session_activity` of the others, snapshots, and the
 * `list_sessions` rows (setSessions). A session is being read while it is the one viewed and
 * the window is active: its messages are read as they come.
 *
 * Kept in QSettings per user (`unread/<userId>/<sessionId>/…`): read state is per device,
 * like a mail client's without IMAP flags (docs/protocol.md, "Unread and activity", says
 * why the server does not keep it).
 */
class UnreadTracker : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by the AppController")
    Q_PROPERTY(int total READ total NOTIFY totalChanged)

public:
    explicit UnreadTracker(WebSocketService *service, QObject *parent = nullptr);

    /// Unread messages over all sessions (muted ones included: they are unread too).
    int total() const { return m_total; }
    Q_INVOKABLE int unreadCount(const QString &sessionId) const;
    /// The last revision read (0: nothing read on this device yet).
    qint64 lastReadRevision(const QString &sessionId) const;
    Q_INVOKABLE bool isMuted(const QString &sessionId) const;
    Q_INVOKABLE void setMuted(const QString &sessionId, bool muted);
    /// The newest chat message known (from a row, a snapshot, an event or an activity).
    std::optional<Protocol::MessagePreview> lastMessage(const QString &sessionId) const;

    /// The rows of the session list: a last message newer than what was read counts as
    /// (at least) one unread. A session seen for the first time on this device is read; one
    /// no longer listed is forgotten.
    void setSessions(const QList<Protocol::SessionSummary> &sessions);
    /// The session whose page is open (empty: none).
    void setViewing(const QString &sessionId);
    void setWindowActive(bool active);
    /// Everything known of the session is read now.
    void markRead(const QString &sessionId);
    /// Forgets a session (deleted, or left).
    void forget(const QString &sessionId);

Q_SIGNALS:
    void totalChanged();
    /// A session's unread count, mute or last message changed.
    void sessionChanged(const QString &sessionId);
    /// A message by someone else, new to this device, as it arrives. `beingRead`: its
    /// session was the one viewed with the window active.
    void messageArrived(
        const QString &sessionId, const Protocol::MessagePreview &message, bool beingRead);

private:
    struct State
    {
        qint64 lastRead = 0;
        qint64 seen = 0; ///< the newest message revision taken into account
        int unread = 0;
        bool muted = false;
        bool stored = false; ///< known on this device before
        std::optional<Protocol::MessagePreview> last;
    };

    void onWelcomed();
    void onMessage(const QString &sessionId, const Protocol::MessagePreview &message);
    State &stateOf(const QString &sessionId);
    void save(const QString &sessionId, const State &state);
    QString keyOf(const QString &sessionId, const char *field) const;
    bool isBeingRead(const QString &sessionId) const;
    void updateTotal();

    QPointer<WebSocketService> m_service;
    QString m_userId;
    QString m_viewing;
    bool m_windowActive = true;
    mutable QHash<QString, State> m_states;
    int m_total = 0;
};
