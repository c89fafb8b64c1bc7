// SPDX-License-Identifier: MIT
#include "redisclustersync.h"

#include "redissessionstore.h"

namespace {

/// ClusterSync through a RedisSessionStore: the store is also where the other verbs go.
class RedisClusterSync final : public ClusterSync
{
public:
    RedisClusterSync(const QString &url, const QString &nodeId)
        : m_redis(url, nodeId)
    { }
    Q_DISABLE_COPY_MOVE(RedisClusterSync)

    bool open(QString *error) override { return m_redis.open(error); }
    SessionStore &store() override { return m_redis; }
    bool waitingForTurn() const override { return m_redis.waitingForTurn(); }
    bool available() const override { return m_redis.available(); }
    void setAvailableHandler(std::function<void()> handler) override
    {
        m_redis.setAvailableHandler(std::move(handler));
    }

    void setEventHandler(EventHandler handler) override
    {
        m_redis.setEventHandler(std::move(handler));
    }
    void setResubscribedHandler(std::function<void()> handler) override
    {
        m_redis.setResubscribedHandler(std::move(handler));
    }
    QStringList eventsSince(const QString &sessionId, qint64 sinceRevision) override
    {
        return m_redis.eventsSince(sessionId, sinceRevision);
    }
    qint64 logLength(const QString &sessionId) override { return m_redis.logLength(sessionId); }

    std::optional<SessionStore::StoredUser> userById(const QString &id) override
    {
        return m_redis.userById(id);
    }
    std::optional<SessionStore::StoredUser> userByToken(const QString &token) override
    {
        return m_redis.userByToken(token);
    }
    QStringList sessionsOf(const QString &userId) override { return m_redis.sessionsOf(userId); }
    std::optional<SessionStore::StoredSession> session(const QString &id) override
    {
        return m_redis.session(id);
    }
    QStringList bannedUserIds(const QString &sessionId) override
    {
        return m_redis.bannedUserIds(sessionId);
    }
    std::optional<SessionStore::StoredInvite> invite(const QString &code) override
    {
        return m_redis.invite(code);
    }
    std::optional<QString> answer(const QString &userId, const QString &requestId) override
    {
        return m_redis.answer(userId, requestId);
    }

    bool restoreSession(
        const SessionStore::StoredSession &session, const QStringList &memberIds) override
    {
        return m_redis.restoreSession(session, memberIds);
    }

    void setMembership(const QString &userId, const QString &sessionId, bool member) override
    {
        m_redis.setMembership(userId, sessionId, member);
    }

    void broadcast(const QString &sessionId, const QString &text) override
    {
        m_redis.broadcast(sessionId, text);
    }
    void setBroadcastHandler(BroadcastHandler handler) override
    {
        m_redis.setBroadcastHandler(std::move(handler));
    }

    bool holdHelpyLease(const QString &sessionId, int ttlMs) override
    {
        return m_redis.holdHelpyLease(sessionId, ttlMs);
    }

    void setPresence(const QString &userId, Protocol::Presence presence, int ttlMs) override
    {
        m_redis.setPresence(userId, presence, ttlMs);
    }
    void clearPresence(const QString &userId) override { m_redis.clearPresence(userId); }
    Protocol::Presence presence(const QString &userId) override { return m_redis.presence(userId); }

private:
    RedisSessionStore m_redis;
};

} // namespace

std::unique_ptr<ClusterSync> makeRedisClusterSync(const QString &url, const QString &nodeId)
{
    return std::make_unique<RedisClusterSync>(url, nodeId);
}
