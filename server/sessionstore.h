// SPDX-License-Identifier: MIT
#pragma once

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

class QObject;

/**
 * @brief Where the server keeps what must outlive it: identities, sessions, their event
 * logs, invite codes and the answers already given.
 *
 * The event log is the source of truth: a session's state is the replay of its events
 * (each the very text that was fanned out), so storing an event stores the change.
 * Writes between begin() and commit() are one transaction; the server commits before any
 * client sees the event or its ack, so an acknowledged event is durable.
 */
class SessionStore
{
public:
    struct StoredUser
    {
        QString id;
        QString token;
        QString displayName;
    };
    struct StoredSession
    {
        QString id;
        QString title;
        QString epoch;
        QList<QString> events; ///< encoded events, revision 1 first
        QStringList bannedUserIds; ///< kept out of the session (ban_participant)
    };
    /// @brief An invite code and its terms; a revoked, expired or used-up one admits no one.
    struct StoredInvite
    {
        QString code;
        QString sessionId;
        QDateTime expiresAt;
        std::optional<int> maxUses; ///< none: unlimited
        int uses = 0;
        bool revoked = false;

        bool admits(const QDateTime &now) const
        {
            return !revoked && now < expiresAt && (!maxUses || uses < *maxUses);
        }
    };
    struct StoredAnswer
    {
        QString userId;
        QString requestId;
        QString answer;
    };
    /// Everything needed to rebuild the server's memory at start-up.
    struct Contents
    {
        QList<StoredUser> users;
        QList<StoredSession> sessions;
        QList<StoredInvite> invites;
        QList<StoredAnswer> answers; ///< oldest first
    };

    virtual ~SessionStore() = default;

    /// Opens (creating or migrating) the storage; false with a readable error on failure.
    virtual bool open(QString *error) = 0;
    virtual Contents load() = 0;

    virtual void begin() = 0;
    /// False when the transaction could not be made durable (see lastError()).
    virtual bool commit() = 0;
    /// What is still to be done, after commit(), to make what was committed so far durable
    /// (an fsync, or waiting for the thread that writes), as a job that may run on another
    /// thread and returns an error or nothing.
    /// Empty (the default): commit() is durable by itself.
    virtual std::function<QString()> durabilityBarrier() { return {}; }
    /// The same wait without blocking a thread: has `done` called on `context`'s thread
    /// (queued) once what was committed so far is durable, with the error if that failed;
    /// in order of the calls. False (the default): commit() is durable by itself.
    virtual bool notifyWhenDurable(QObject *context, std::function<void(const QString &error)> done)
    {
        Q_UNUSED(context);
        Q_UNUSED(done);
        return false;
    }
    /// Nothing asked by notifyWhenDurable() is posted to `context` any more.
    virtual void cancelDurableNotifications(const QObject *context) { Q_UNUSED(context); }
    /// After a failed commit(): true when it failed because another node changed a session
    /// this transaction read (optimistic concurrency); the caller reloads and retries.
    virtual bool conflicted() const { return false; }
    /// The transaction's decisions depend on this session being at `revision` (the first
    /// call per session counts); a shared store refuses the commit if it moved meanwhile.
    virtual void noteRead(const QString &sessionId, qint64 revision)
    {
        Q_UNUSED(sessionId);
        Q_UNUSED(revision);
    }

    virtual void saveUser(const StoredUser &user) = 0;
    virtual void saveSession(const QString &id, const QString &title, const QString &epoch) = 0;
    virtual void appendEvent(const QString &sessionId, qint64 revision, const QString &event) = 0;
    /// Creates the invite or replaces its terms (a use counted, a revocation).
    virtual void saveInvite(const StoredInvite &invite) = 0;
    /// The session's whole list of banned users, replacing the stored one.
    virtual void saveBans(const QString &sessionId, const QStringList &bannedUserIds) = 0;
    /**
     * The session was deleted by its `deletedRevision` event: forget what it held (every
     * earlier event, so every message; its invites and bans). Its deletion stays, as its only
     * event, so the session stays deleted and says so. A store that cannot forget keeps it.
     */
    virtual void forgetSession(const QString &sessionId, qint64 deletedRevision)
    {
        Q_UNUSED(sessionId);
        Q_UNUSED(deletedRevision);
    }
    virtual void saveAnswer(const QString &userId, const QString &requestId, const QString &answer)
        = 0;

    virtual QString lastError() const = 0;
    virtual QString describe() const = 0;
};
