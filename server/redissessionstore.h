// SPDX-License-Identifier: MIT
#pragma once

#include "protocol.h"
#include "redisreply.h"
#include "sessionstore.h"

#include <QJsonArray>
#include <QSet>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>

class RedisAsyncConnection;
class RedisProbe;

/**
 * @brief SessionStore shared by several server nodes through one Redis (hiredis).
 *
 * Keys live under `helpy:` (see docs/architecture.md). A transaction's writes are buffered
 * and committed by one Lua script (EVALSHA) that first compares, for every session the
 * transaction read or changed, the stored revision with the one this node's state was at
 * (optimistic concurrency), and only then appends the events, bumps the revisions, writes
 * the other keys and PUBLISHes each event on `helpy:events`. Redis runs scripts one at a
 * time, so each session gets one total order of events whichever node produced them.
 *
 * Commits and request-path look-ups (a session, user or answer another node created) use a
 * synchronous connection; the event channel is read by an asynchronous one driven by the Qt
 * event loop (RedisAsyncConnection), which calls the event handler for every event, and
 * what needs no answer (PUBLISH of typing and drafts) goes out on a second asynchronous one.
 *
 * Outages (a circuit breaker): every synchronous call has a short time-out (CallTimeoutMs).
 * The first call that fails for want of Redis (time-out, refused, cut) marks Redis
 * unavailable, and so does the publisher's watchdog (a PING every WatchdogMs without an
 * answer, or the connection cut), which blocks nothing: from then on every call
 * fails at once without touching the network, so a paused Redis costs the event loop at most
 * one time-out, not one per call. A RedisProbe meanwhile waits, asynchronously and with
 * backoff, for answers to PING and the script load; its connection becomes the synchronous
 * one (nothing blocks on reconnecting) and the available handler runs (the node catches up
 * from the logs).
 *
 * The server reaches it through ClusterSync (makeRedisClusterSync()), never by name.
 */
class RedisSessionStore final : public SessionStore
{
public:
    static constexpr int AnswerTtlSeconds = 24 * 3600;
    static constexpr const char *EventChannel = "helpy:events";
    /// The longest a synchronous call may block the event loop.
    static constexpr int CallTimeoutMs = 200;
    /// Connecting at start-up (blocking: the node serves nothing before).
    static constexpr int ConnectTimeoutMs = 300;
    /// The asynchronous connections are opened again this long after they closed.
    static constexpr int ReconnectMs = 500;
    /// The publisher PINGs this often, and Redis is unavailable when it has no answer (or
    /// the connection is cut) within WatchdogTimeoutMs: an outage is seen without a request.
    /// (Generous: a request's own call finds an outage within CallTimeoutMs; a loaded
    /// machine, eight nodes on two cores, left a PING unanswered for 500 ms and refused
    /// changes for nothing.)
    static constexpr int WatchdogMs = 1000;
    static constexpr int WatchdogTimeoutMs = 2000;
    /// Races lost in a row after which a node claims the session's next turn (see commit).
    static constexpr int ClaimTurnAfter = 2;
    /// How long a claimed turn lasts if its node does not commit (it died).
    static constexpr int TurnMs = 300;

    /// url: redis://HOST:PORT
    RedisSessionStore(QString url, QString nodeId);
    ~RedisSessionStore() override;

    bool open(QString *error) override;
    /// Nothing is preloaded: a node looks sessions and users up when it first needs them.
    Contents load() override { return {}; }
    void begin() override;
    bool commit() override;
    bool conflicted() const override { return m_conflicted; }
    /// The last commit was refused because another node holds the turn of a session.
    bool waitingForTurn() const { return m_waitingForTurn; }
    void noteRead(const QString &sessionId, qint64 revision) override;
    void saveUser(const StoredUser &user) override;
    void saveSession(const QString &id, const QString &title, const QString &epoch) override;
    void appendEvent(const QString &sessionId, qint64 revision, const QString &event) override;
    void saveInvite(const StoredInvite &invite) override;
    void saveBans(const QString &sessionId, const QStringList &bannedUserIds) override;
    void forgetSession(const QString &sessionId, qint64 deletedRevision) override;
    void saveAnswer(
        const QString &userId, const QString &requestId, const QString &answer) override;
    QString lastError() const override { return m_lastError; }
    QString describe() const override;

    // Shared state written outside the CAS (or read) on the request path.
    void setMembership(const QString &userId, const QString &sessionId, bool member);
    std::optional<StoredUser> userById(const QString &id);
    std::optional<StoredUser> userByToken(const QString &token);
    /// Title and epoch of a session plus its whole event log (replayed by the caller).
    std::optional<StoredSession> session(const QString &id);
    /// The stored events after `sinceRevision`, revision sinceRevision+1 first.
    QStringList eventsSince(const QString &sessionId, qint64 sinceRevision);
    qint64 logLength(const QString &sessionId);
    std::optional<StoredInvite> invite(const QString &code);
    QStringList bannedUserIds(const QString &sessionId);
    std::optional<QString> answer(const QString &userId, const QString &requestId);
    QStringList sessionsOf(const QString &userId);
    /// See ClusterSync::holdHelpyLease (key `helpy:helpys:<session>`, the holder's node id).
    bool holdHelpyLease(const QString &sessionId, int ttlMs);
    /// See ClusterSync::restoreSession.
    bool restoreSession(const StoredSession &session, const QStringList &memberIds);

    /// This node holds (Online) or just lost (Reconnecting) the user's connections.
    void setPresence(const QString &userId, Protocol::Presence presence, int ttlMs);
    void clearPresence(const QString &userId);
    /// The strongest presence any node reports for the user (Offline: none does).
    Protocol::Presence presence(const QString &userId);

    /// Called for each event published by any node (this one's own echoes included).
    using EventHandler
        = std::function<void(const QString &sessionId, qint64 revision, const QString &event)>;
    void setEventHandler(EventHandler handler) { m_onEvent = std::move(handler); }
    /// Publishes an ephemeral frame for the session's followers on the other nodes (on the
    /// event channel with revision 0 and this node's id; fails silently while unavailable).
    void broadcast(const QString &sessionId, const QString &text);
    using BroadcastHandler = std::function<void(const QString &sessionId, const QString &text)>;
    void setBroadcastHandler(BroadcastHandler handler) { m_onBroadcast = std::move(handler); }
    /// Called when the event subscription was (re-)established: events may have been missed.
    void setResubscribedHandler(std::function<void()> handler)
    {
        m_onResubscribed = std::move(handler);
    }

    /// False from the first call that failed for want of Redis until a probe got a PONG and
    /// the connection was made again: meanwhile every call fails at once.
    bool available() const { return m_available; }
    /// Called when Redis is reachable again after an outage (events may have been missed).
    void setAvailableHandler(std::function<void()> handler) { m_onAvailable = std::move(handler); }
    /// Outages seen so far, and the longest a single synchronous call blocked (µs).
    int outageCount() const { return m_outages; }
    qint64 longestCallMicros() const { return m_longestCallMicros; }

    /// Wall time spent in synchronous Redis calls, for the cost per mutation.
    qint64 syncCallCount() const { return m_syncCalls; }
    qint64 syncCallMicros() const { return m_syncMicros; }

private:
    RedisReply command(const QList<QByteArray> &args);
    bool connectSync(QString *error);
    /// Takes a connected redisContext as the synchronous connection (with its time-out).
    void adoptSync(void *context);
    /// Opens the subscriber (and SUBSCRIBEs) and the publisher, where they are closed.
    void openAsync();
    /// The call failed for want of Redis: open the breaker and probe until it answers.
    void markUnavailable(const QString &why);
    void onReachable(int descriptor, const QList<RedisReply> &greeting);
    void onMessage(const QByteArray &payload);

    QString m_url;
    QString m_host;
    int m_port = 6379;
    QString m_nodeId;
    void *m_sync = nullptr; // redisContext
    std::unique_ptr<RedisAsyncConnection> m_subscriber;
    std::unique_ptr<RedisAsyncConnection> m_publisher;
    QTimer m_reconnect;
    QTimer m_watchdog;
    bool m_subscribed = false;
    bool m_everSubscribed = false; ///< a confirmation after the first one is news
    QByteArray m_commitSha;
    QString m_lastError;
    bool m_conflicted = false;
    bool m_waitingForTurn = false;
    int m_conflictStreak = 0; ///< commits refused in a row (a retry follows each at once)
    EventHandler m_onEvent;
    BroadcastHandler m_onBroadcast;
    std::function<void()> m_onResubscribed;
    std::function<void()> m_onAvailable;
    std::unique_ptr<RedisProbe> m_probe;
    bool m_available = true;
    int m_outages = 0;
    qint64 m_longestCallMicros = 0;
    qint64 m_syncCalls = 0;
    qint64 m_syncMicros = 0;

    // The open transaction.
    QHash<QString, qint64> m_reads; // session → revision first seen
    QJsonArray m_newSessions;
    QJsonArray m_events;
    QJsonArray m_sets; // [key, value, ttlSeconds]
    QJsonArray m_absent; // keys that must not exist (answers: a retry is applied once)
    QJsonArray m_members; // [set key, member, 1 add / 0 remove]
    QJsonArray m_forget; // [session, revision of its deletion]
};
