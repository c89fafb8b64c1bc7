// SPDX-License-Identifier: MIT
#include "redissessionstore.h"

#include "logging.h"
#include "redisasyncconnection.h"
#include "redisprobe.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>
#include <QUrl>

#include <hiredis/hiredis.h>

#include <cerrno>

namespace {

/**
 * The commit: compare-and-set on every session read, then every write, atomically.
 * ARGV[1] is the transaction as JSON (cjson ships with Redis). Returns {1} or {0, what}.
 *
 * Turns: a node that lost ClaimTurnAfter races in a row claims the session's next turn
 * (`helpy:turn:<session>`, SET NX PX): until it commits (or the claim lapses, should it
 * die), every other node's commit to that session is refused, so its next attempt, made on
 * the caught-up state, cannot lose. No change is starved however busy the other nodes are.
 */
const char CommitScript[] = R"lua(
local t = cjson.decode(ARGV[1])
for _, c in ipairs(t.reads) do
  local turn = redis.call('GET', 'helpy:turn:' .. c[1])
  if turn and turn ~= t.node then
    redis.call('INCR', 'helpy:stats:waits')
    if t.claim then
      -- Starved while waiting: the turn after this one is ours (if nobody asked first).
      redis.call('SET', 'helpy:nextturn:' .. c[1], t.node, 'NX', 'PX', 2 * t.turnMs)
    end
    return {0, 'session ' .. c[1] .. ' is the turn of ' .. turn, 'turn'}
  end
  local rev = tonumber(redis.call('HGET', 'helpy:session:' .. c[1], 'revision') or '0')
  if rev ~= c[2] then
    redis.call('INCR', 'helpy:stats:conflicts')
    if t.claim then
      if redis.call('SET', 'helpy:turn:' .. c[1], t.node, 'NX', 'PX', t.turnMs) then
        redis.call('INCR', 'helpy:stats:turns')
      end
    end
    return {0, 'session ' .. c[1] .. ' is at ' .. rev}
  end
end
for _, c in ipairs(t.reads) do
  if redis.call('GET', 'helpy:turn:' .. c[1]) == t.node then
    redis.call('DEL', 'helpy:turn:' .. c[1])
    local after = redis.call('GET', 'helpy:nextturn:' .. c[1])
    if after then
      redis.call('DEL', 'helpy:nextturn:' .. c[1])
      if after ~= t.node then
        redis.call('SET', 'helpy:turn:' .. c[1], after, 'PX', t.turnMs)
        redis.call('INCR', 'helpy:stats:turns')
      end
    end
  end
end
for _, k in ipairs(t.absent) do
  if redis.call('EXISTS', k) == 1 then return {0, k .. ' exists'} end
end
for _, s in ipairs(t.sessions) do
  redis.call('HSET', 'helpy:session:' .. s[1], 'title', s[2], 'epoch', s[3])
  redis.call('HSETNX', 'helpy:session:' .. s[1], 'revision', 0)
end
for _, e in ipairs(t.events) do
  local key = 'helpy:session:' .. e[1]
  redis.call('RPUSH', key .. ':events', e[3])
  redis.call('HSET', key, 'revision', e[2])
  redis.call('PUBLISH', 'helpy:events', e[1] .. '\n' .. e[2] .. '\n' .. e[3])
end
for _, s in ipairs(t.sets) do
  if s[3] > 0 then redis.call('SET', s[1], s[2], 'EX', s[3]) else redis.call('SET', s[1], s[2]) end
end
for _, m in ipairs(t.members) do
  if m[3] == 1 then redis.call('SADD', m[1], m[2]) else redis.call('SREM', m[1], m[2]) end
end
for _, f in ipairs(t.forget) do
  local key = 'helpy:session:' .. f[1]
  local deletion = redis.call('LINDEX', key .. ':events', f[2] - 1)
  if deletion then
    redis.call('DEL', key .. ':events')
    local left = f[2]
    while left > 0 do
      local chunk = {}
      for i = 1, math.min(left, 1000) do chunk[i] = deletion end
      redis.call('RPUSH', key .. ':events', unpack(chunk))
      left = left - #chunk
    end
  end
  for _, code in ipairs(redis.call('SMEMBERS', key .. ':invites')) do
    redis.call('DEL', 'helpy:invite:' .. code)
  end
  redis.call('DEL', key .. ':invites', key .. ':bans')
end
return {1}
)lua";

/// A session's log written back after Redis lost it; 0: the stored log was long enough.
const char RestoreScript[] = R"lua(
local t = cjson.decode(ARGV[1])
local key = 'helpy:session:' .. t.id
if redis.call('LLEN', key .. ':events') >= #t.events then return 0 end
redis.call('DEL', key .. ':events')
for _, e in ipairs(t.events) do redis.call('RPUSH', key .. ':events', e) end
redis.call('HSET', key, 'title', t.title, 'epoch', t.epoch, 'revision', #t.events)
redis.call('SET', key .. ':bans', t.bans)
for _, m in ipairs(t.members) do redis.call('SADD', 'helpy:user:' .. m .. ':sessions', t.id) end
redis.call('PUBLISH', 'helpy:events', t.id .. '\n-1\n' .. t.epoch)
return 1
)lua";

/// 2: some node holds a connection, 1: some node is in its grace period, 0: none.
const char PresenceScript[] = R"lua(
local best = 0
for _, n in ipairs(redis.call('SMEMBERS', 'helpy:nodes')) do
  local v = redis.call('GET', 'helpy:presence:' .. ARGV[1] .. ':' .. n)
  if v == 'online' then return 2 elseif v then best = 1 end
end
return best
)lua";

QByteArray sessionKey(const QString &id)
{
    return "helpy:session:" + id.toUtf8();
}
QByteArray userKey(const QString &id)
{
    return "helpy:user:" + id.toUtf8();
}
QByteArray answerKey(const QString &userId, const QString &requestId)
{
    return "helpy:answer:" + userId.toUtf8() + ':' + requestId.toUtf8();
}

} // namespace

RedisSessionStore::RedisSessionStore(QString url, QString nodeId)
    : m_url(std::move(url))
    , m_nodeId(std::move(nodeId))
{
    m_reconnect.setSingleShot(true);
    m_reconnect.setInterval(ReconnectMs);
    QObject::connect(&m_reconnect, &QTimer::timeout, [this] { openAsync(); });
    // A paused Redis is noticed here, not by a request that would block on it.
    m_watchdog.setInterval(WatchdogMs);
    QObject::connect(&m_watchdog, &QTimer::timeout, [this] {
        if (m_available && m_publisher && m_publisher->isConnected())
            m_publisher->command({ "PING" });
    });
}

RedisSessionStore::~RedisSessionStore()
{
    m_reconnect.stop();
    m_subscriber.reset();
    m_publisher.reset();
    if (m_probe)
        m_probe->stop();
    if (m_sync) {
        // Leaving: our presence keys stop counting at once (after a crash they expire).
        if (!static_cast<redisContext *>(m_sync)->err)
            command({ "SREM", "helpy:nodes", m_nodeId.toUtf8() });
        if (m_sync)
            redisFree(static_cast<redisContext *>(m_sync));
    }
}

QString RedisSessionStore::describe() const
{
    return QStringLiteral("Redis %1 as node %2").arg(m_url, m_nodeId);
}

void RedisSessionStore::adoptSync(void *context)
{
    if (m_sync)
        redisFree(static_cast<redisContext *>(std::exchange(m_sync, nullptr)));
    auto *ctx = static_cast<redisContext *>(context);
    const timeval commandTimeout { CallTimeoutMs / 1000, (CallTimeoutMs % 1000) * 1000 };
    redisSetTimeout(ctx, commandTimeout);
    m_sync = ctx;
}

bool RedisSessionStore::connectSync(QString *error)
{
    // Start-up only (a blocking connect): after an outage the probe hands its connection over.
    const timeval timeout { 0, ConnectTimeoutMs * 1000 };
    redisContext *ctx = redisConnectWithTimeout(m_host.toUtf8().constData(), m_port, timeout);
    if (!ctx || ctx->err) {
        *error
            = QStringLiteral("cannot connect to %1: %2")
                  .arg(m_url, ctx ? QString::fromUtf8(ctx->errstr) : QStringLiteral("no memory"));
        if (ctx)
            redisFree(ctx);
        return false;
    }
    adoptSync(ctx);
    return true;
}

RedisReply RedisSessionStore::command(const QList<QByteArray> &args)
{
    if (!m_available || !m_sync) {
        // The breaker is open: no call waits on a Redis that is not there.
        return RedisReply::failure(QStringLiteral("Redis is unavailable"));
    }
    QElapsedTimer clock;
    clock.start();
    std::vector<const char *> argv;
    std::vector<size_t> lengths;
    for (const QByteArray &arg : args) {
        argv.push_back(arg.constData());
        lengths.push_back(size_t(arg.size()));
    }
    auto *ctx = static_cast<redisContext *>(m_sync);
    auto *raw = static_cast<redisReply *>(
        redisCommandArgv(ctx, int(argv.size()), argv.data(), lengths.data()));
    RedisReply reply;
    if (!raw) {
        const bool timedOut = ctx->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK);
        reply.error = timedOut ? QStringLiteral("no answer within %1 ms").arg(CallTimeoutMs)
                               : QString::fromUtf8(ctx->errstr);
        // Timed out, refused or cut (Redis restarted): the connection is of no more use (a
        // late reply would answer the next call). The probe reconnects without blocking.
        markUnavailable(reply.error);
    } else {
        reply = RedisReply::from(raw);
        freeReplyObject(raw);
    }
    const qint64 micros = clock.nsecsElapsed() / 1000;
    ++m_syncCalls;
    m_syncMicros += micros;
    m_longestCallMicros = std::max(m_longestCallMicros, micros);
    return reply;
}

void RedisSessionStore::markUnavailable(const QString &why)
{
    if (m_sync)
        redisFree(static_cast<redisContext *>(std::exchange(m_sync, nullptr)));
    if (!m_available)
        return;
    m_available = false;
    ++m_outages;
    qCWarning(lcServer).noquote() << "redis: unavailable (" << why
                                  << "); changes are refused until it answers again";
    if (!m_probe) {
        m_probe = std::make_unique<RedisProbe>(m_host, quint16(m_port));
        // What the node needs before it commits again (Redis may have restarted empty).
        m_probe->setGreeting(
            { { "SCRIPT", "LOAD", CommitScript }, { "SADD", "helpy:nodes", m_nodeId.toUtf8() } });
        QObject::connect(m_probe.get(), &RedisProbe::reachable, m_probe.get(),
            [this](int descriptor, const QList<RedisReply> &replies) {
                onReachable(descriptor, replies);
            });
    }
    m_probe->start();
}

void RedisSessionStore::onReachable(int descriptor, const QList<RedisReply> &greeting)
{
    // The probe's connection answered PING, loaded the script and named this node: it is
    // ours now, without a blocking connect.
    redisContext *ctx = redisConnectFd(descriptor);
    if (!ctx || ctx->err) {
        if (ctx)
            redisFree(ctx);
        m_probe->start();
        return;
    }
    adoptSync(ctx);
    m_commitSha = greeting.value(0).string;
    m_available = true;
    qCInfo(lcServer) << "redis: available again; catching up";
    if (!m_subscriber || !m_subscriber->isOpen() || !m_publisher || !m_publisher->isOpen())
        openAsync();
    if (m_onAvailable)
        m_onAvailable();
}

bool RedisSessionStore::open(QString *error)
{
    const QUrl url(m_url);
    if (url.scheme() != QLatin1String("redis") || url.host().isEmpty()) {
        *error = QStringLiteral("'%1' is not a redis://HOST:PORT address").arg(m_url);
        return false;
    }
    m_host = url.host();
    m_port = url.port(6379);
    if (!connectSync(error))
        return false;
    const RedisReply ping = command({ "PING" });
    if (!ping.ok) {
        *error = QStringLiteral("%1 does not answer PING: %2").arg(m_url, ping.error);
        return false;
    }
    const RedisReply loaded = command({ "SCRIPT", "LOAD", CommitScript });
    if (!loaded.ok) {
        *error = QStringLiteral("cannot load the commit script: %1").arg(loaded.error);
        return false;
    }
    m_commitSha = loaded.string;
    command({ "SADD", "helpy:nodes", m_nodeId.toUtf8() });
    m_subscriber
        = std::make_unique<RedisAsyncConnection>(m_host, m_port, RedisProbe::AttemptTimeoutMs);
    m_publisher = std::make_unique<RedisAsyncConnection>(m_host, m_port, WatchdogTimeoutMs);
    for (RedisAsyncConnection *c : { m_subscriber.get(), m_publisher.get() }) {
        QObject::connect(c, &RedisAsyncConnection::closed, c, [this, c](const QString &why) {
            if (c == m_subscriber.get()) {
                if (std::exchange(m_subscribed, false))
                    qCWarning(lcServer).noquote()
                        << "redis: event subscription lost (" << why << "); reconnecting";
            } else {
                // The publisher timed out (paused) or was cut (gone): seen without blocking,
                // so no request has to find out by waiting for a synchronous call.
                markUnavailable(why);
            }
            if (!m_reconnect.isActive())
                m_reconnect.start();
        });
    }
    openAsync();
    m_watchdog.start();
    // Serve nothing before the subscription stands, or the first events could be missed.
    if (!m_subscriber->waitForAnswers(3000) || !m_subscribed) {
        *error = QStringLiteral("no SUBSCRIBE confirmation from %1").arg(m_url);
        return false;
    }
    return true;
}

void RedisSessionStore::openAsync()
{
    QString why;
    if (m_publisher && !m_publisher->isOpen() && !m_publisher->open(&why))
        qCDebug(lcServer).noquote() << "redis:" << why;
    if (!m_subscriber || m_subscriber->isOpen())
        return;
    if (!m_subscriber->open(&why)) {
        qCDebug(lcServer).noquote() << "redis: resubscribe failed:" << why;
        m_reconnect.start();
        return;
    }
    const bool again = m_everSubscribed;
    m_subscriber->command(
        { "SUBSCRIBE", EventChannel },
        [this, again](const RedisReply &reply) {
            if (!reply.ok || reply.elements.size() < 3)
                return;
            const QByteArray &kind = reply.elements.at(0).string;
            if (kind == "subscribe") {
                m_subscribed = m_everSubscribed = true;
                if (again && m_onResubscribed) {
                    qCInfo(lcServer) << "redis: event subscription re-established";
                    m_onResubscribed();
                }
            } else if (kind == "message") {
                onMessage(reply.elements.at(2).string);
            }
        },
        true);
}

void RedisSessionStore::onMessage(const QByteArray &payload)
{
    const qsizetype first = payload.indexOf('\n');
    const qsizetype second = first < 0 ? -1 : payload.indexOf('\n', first + 1);
    if (second < 0) {
        qCWarning(lcServer) << "redis: malformed event on the channel";
        return;
    }
    bool ok = false;
    const qint64 revision = payload.mid(first + 1, second - first - 1).toLongLong(&ok);
    if (ok && revision == 0) {
        // Ephemeral: sessionId \n 0 \n nodeId \n frame (this node's own already went out).
        const qsizetype third = payload.indexOf('\n', second + 1);
        if (third < 0 || payload.mid(second + 1, third - second - 1) == m_nodeId.toUtf8())
            return;
        if (m_onBroadcast)
            m_onBroadcast(
                QString::fromUtf8(payload.left(first)), QString::fromUtf8(payload.mid(third + 1)));
        return;
    }
    if (ok && m_onEvent)
        m_onEvent(QString::fromUtf8(payload.left(first)), revision,
            QString::fromUtf8(payload.mid(second + 1)));
}

void RedisSessionStore::broadcast(const QString &sessionId, const QString &text)
{
    // Fire and forget on the asynchronous connection: typing never waits for Redis.
    if (m_available && m_publisher)
        m_publisher->command({ "PUBLISH", EventChannel,
            sessionId.toUtf8() + "\n0\n" + m_nodeId.toUtf8() + '\n' + text.toUtf8() });
}

// ------------------------------------------------------------------ transaction

void RedisSessionStore::begin()
{
    m_reads.clear();
    m_newSessions = {};
    m_events = {};
    m_sets = {};
    m_absent = {};
    m_members = {};
    m_forget = {};
    m_conflicted = false;
}

void RedisSessionStore::noteRead(const QString &sessionId, qint64 revision)
{
    if (!m_reads.contains(sessionId))
        m_reads.insert(sessionId, revision);
}

void RedisSessionStore::saveUser(const StoredUser &user)
{
    // Written at once, outside the transaction: an identity is not ordered with any
    // session's events, and a hello is never re-run.
    command({ "HSET", userKey(user.id), "token", user.token.toUtf8(), "displayName",
        user.displayName.toUtf8() });
    command({ "SET", "helpy:token:" + user.token.toUtf8(), user.id.toUtf8() });
}

void RedisSessionStore::saveSession(const QString &id, const QString &title, const QString &epoch)
{
    noteRead(id, 0); // a new session: nobody else may have it
    m_newSessions.append(QJsonArray { id, title, epoch });
}

void RedisSessionStore::appendEvent(const QString &sessionId, qint64 revision, const QString &event)
{
    noteRead(sessionId, revision - 1);
    m_events.append(QJsonArray { sessionId, revision, event });
}

void RedisSessionStore::saveInvite(const StoredInvite &invite)
{
    // The terms as JSON; Redis forgets the key a day after the code expires.
    QJsonObject terms { { QStringLiteral("sessionId"), invite.sessionId },
        { QStringLiteral("expiresAt"), Protocol::formatTimestamp(invite.expiresAt) },
        { QStringLiteral("uses"), invite.uses }, { QStringLiteral("revoked"), invite.revoked } };
    if (invite.maxUses)
        terms.insert(QStringLiteral("maxUses"), *invite.maxUses);
    const qint64 ttl
        = std::max<qint64>(1, QDateTime::currentDateTimeUtc().secsTo(invite.expiresAt) + 86400);
    m_sets.append(QJsonArray { QStringLiteral("helpy:invite:") + invite.code,
        QString::fromUtf8(QJsonDocument(terms).toJson(QJsonDocument::Compact)), ttl });
    // The session's codes, so that deleting it can forget them (forgetSession).
    m_members.append(
        QJsonArray { QString::fromUtf8(sessionKey(invite.sessionId)) + QStringLiteral(":invites"),
            invite.code, 1 });
}

void RedisSessionStore::forgetSession(const QString &sessionId, qint64 deletedRevision)
{
    // Revisions are positions in the shared log, which every node reads by index: the log
    // keeps its length, each earlier event replaced by the deletion (replaying it again
    // changes nothing). The messages, invites and bans go.
    noteRead(sessionId, deletedRevision - 1);
    m_forget.append(QJsonArray { sessionId, deletedRevision });
}

void RedisSessionStore::saveBans(const QString &sessionId, const QStringList &bannedUserIds)
{
    m_sets.append(QJsonArray { QString::fromUtf8(sessionKey(sessionId)) + QStringLiteral(":bans"),
        QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(bannedUserIds))
                              .toJson(QJsonDocument::Compact)),
        0 });
}

void RedisSessionStore::saveAnswer(
    const QString &userId, const QString &requestId, const QString &answer)
{
    const QString key = QString::fromUtf8(answerKey(userId, requestId));
    m_absent.append(key); // answered meanwhile on another node: re-run, find that answer
    m_sets.append(QJsonArray { key, answer, AnswerTtlSeconds });
}

void RedisSessionStore::setMembership(const QString &userId, const QString &sessionId, bool member)
{
    m_members.append(
        QJsonArray { QString::fromUtf8(userKey(userId) + ":sessions"), sessionId, member ? 1 : 0 });
}

bool RedisSessionStore::commit()
{
    m_conflicted = false;
    m_waitingForTurn = false;
    if (m_reads.isEmpty() && m_sets.isEmpty() && m_members.isEmpty())
        return true;
    if (!m_available && m_events.isEmpty() && m_sets.isEmpty() && m_members.isEmpty()
        && m_newSessions.isEmpty()) {
        // Only read (a snapshot of a session held here): answered from what this node has.
        begin();
        return true;
    }
    QJsonArray reads;
    for (auto it = m_reads.cbegin(); it != m_reads.cend(); ++it)
        reads.append(QJsonArray { it.key(), it.value() });
    const QJsonObject transaction { { QStringLiteral("node"), m_nodeId },
        { QStringLiteral("claim"), m_conflictStreak >= ClaimTurnAfter },
        { QStringLiteral("turnMs"), TurnMs }, { QStringLiteral("reads"), reads },
        { QStringLiteral("absent"), m_absent }, { QStringLiteral("sessions"), m_newSessions },
        { QStringLiteral("events"), m_events }, { QStringLiteral("sets"), m_sets },
        { QStringLiteral("members"), m_members }, { QStringLiteral("forget"), m_forget } };
    const QByteArray json = QJsonDocument(transaction).toJson(QJsonDocument::Compact);
    RedisReply reply = command({ "EVALSHA", m_commitSha, "0", json });
    if (!reply.ok && reply.error.startsWith(QLatin1String("NOSCRIPT")))
        reply = command({ "EVAL", CommitScript, "0", json }); // Redis restarted
    begin();
    if (!reply.ok || reply.elements.isEmpty()) {
        m_lastError = QStringLiteral("commit failed: %1").arg(reply.error);
        return false;
    }
    if (reply.elements.constFirst().integer != 1) {
        ++m_conflictStreak;
        m_conflicted = true;
        m_waitingForTurn = reply.elements.size() > 2 && reply.elements.at(2).string == "turn";
        m_lastError
            = QStringLiteral("conflict: %1")
                  .arg(reply.elements.size() > 1 ? QString::fromUtf8(reply.elements.at(1).string)
                                                 : QString());
        qCDebug(lcServer).noquote() << "redis:" << m_lastError;
        return false;
    }
    m_conflictStreak = 0;
    return true;
}

// ------------------------------------------------------------------ look-ups

std::optional<SessionStore::StoredUser> RedisSessionStore::userById(const QString &id)
{
    const RedisReply reply = command({ "HMGET", userKey(id), "token", "displayName" });
    if (!reply.ok || reply.elements.size() != 2 || reply.elements.at(0).nil)
        return std::nullopt;
    return StoredUser { id, QString::fromUtf8(reply.elements.at(0).string),
        QString::fromUtf8(reply.elements.at(1).string) };
}

std::optional<SessionStore::StoredUser> RedisSessionStore::userByToken(const QString &token)
{
    if (token.isEmpty())
        return std::nullopt;
    const RedisReply reply = command({ "GET", "helpy:token:" + token.toUtf8() });
    if (!reply.ok || reply.nil)
        return std::nullopt;
    return userById(QString::fromUtf8(reply.string));
}

std::optional<SessionStore::StoredSession> RedisSessionStore::session(const QString &id)
{
    const RedisReply meta = command({ "HMGET", sessionKey(id), "title", "epoch" });
    if (!meta.ok || meta.elements.size() != 2 || meta.elements.at(1).nil)
        return std::nullopt;
    StoredSession stored;
    stored.id = id;
    stored.title = QString::fromUtf8(meta.elements.at(0).string);
    stored.epoch = QString::fromUtf8(meta.elements.at(1).string);
    stored.events = eventsSince(id, 0);
    stored.bannedUserIds = bannedUserIds(id);
    return stored;
}

QStringList RedisSessionStore::bannedUserIds(const QString &sessionId)
{
    QStringList ids;
    const RedisReply bans = command({ "GET", sessionKey(sessionId) + ":bans" });
    if (bans.ok && !bans.nil) {
        for (const QJsonValue &value : QJsonDocument::fromJson(bans.string).array())
            ids.append(value.toString());
    }
    return ids;
}

QStringList RedisSessionStore::eventsSince(const QString &sessionId, qint64 sinceRevision)
{
    const RedisReply reply = command(
        { "LRANGE", sessionKey(sessionId) + ":events", QByteArray::number(sinceRevision), "-1" });
    QStringList events;
    for (const RedisReply &element : reply.elements)
        events.append(QString::fromUtf8(element.string));
    return events;
}

qint64 RedisSessionStore::logLength(const QString &sessionId)
{
    const RedisReply reply = command({ "LLEN", sessionKey(sessionId) + ":events" });
    return reply.ok ? reply.integer : -1;
}

std::optional<SessionStore::StoredInvite> RedisSessionStore::invite(const QString &code)
{
    const RedisReply reply = command({ "GET", "helpy:invite:" + code.toUtf8() });
    if (!reply.ok || reply.nil)
        return std::nullopt;
    StoredInvite invite;
    invite.code = code;
    const QJsonObject terms = QJsonDocument::fromJson(reply.string).object();
    if (terms.isEmpty()) {
        // Written before invites had terms: the session id alone, as good as a fresh code.
        invite.sessionId = QString::fromUtf8(reply.string);
        invite.expiresAt = QDateTime::currentDateTimeUtc().addDays(7);
        return invite;
    }
    invite.sessionId = terms.value(QStringLiteral("sessionId")).toString();
    invite.expiresAt
        = Protocol::parseTimestamp(terms.value(QStringLiteral("expiresAt")).toString());
    if (terms.contains(QStringLiteral("maxUses")))
        invite.maxUses = terms.value(QStringLiteral("maxUses")).toInt();
    invite.uses = terms.value(QStringLiteral("uses")).toInt();
    invite.revoked = terms.value(QStringLiteral("revoked")).toBool();
    return invite;
}

std::optional<QString> RedisSessionStore::answer(const QString &userId, const QString &requestId)
{
    const RedisReply reply = command({ "GET", answerKey(userId, requestId) });
    if (!reply.ok || reply.nil)
        return std::nullopt;
    return QString::fromUtf8(reply.string);
}

bool RedisSessionStore::holdHelpyLease(const QString &sessionId, int ttlMs)
{
    const RedisReply reply = command({ "EVAL",
        "if redis.call('GET', KEYS[1]) == ARGV[1] then "
        "  redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end "
        "if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end "
        "return 0",
        "1", "helpy:helpys:" + sessionId.toUtf8(), m_nodeId.toUtf8(),
        QByteArray::number(std::max(1, ttlMs)) });
    return reply.ok && reply.integer == 1;
}

bool RedisSessionStore::restoreSession(const StoredSession &session, const QStringList &memberIds)
{
    const QJsonObject restore { { QStringLiteral("id"), session.id },
        { QStringLiteral("title"), session.title }, { QStringLiteral("epoch"), session.epoch },
        { QStringLiteral("events"), QJsonArray::fromStringList(session.events) },
        { QStringLiteral("bans"),
            QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(session.bannedUserIds))
                                  .toJson(QJsonDocument::Compact)) },
        { QStringLiteral("members"), QJsonArray::fromStringList(memberIds) } };
    const RedisReply reply = command(
        { "EVAL", RestoreScript, "0", QJsonDocument(restore).toJson(QJsonDocument::Compact) });
    if (!reply.ok)
        qCWarning(lcServer).noquote()
            << "redis: cannot restore" << session.id << ":" << reply.error;
    return reply.ok;
}

QStringList RedisSessionStore::sessionsOf(const QString &userId)
{
    const RedisReply reply = command({ "SMEMBERS", userKey(userId) + ":sessions" });
    QStringList ids;
    for (const RedisReply &element : reply.elements)
        ids.append(QString::fromUtf8(element.string));
    return ids;
}

void RedisSessionStore::setPresence(const QString &userId, Protocol::Presence presence, int ttlMs)
{
    Q_ASSERT(presence != Protocol::Presence::Offline); // that is clearPresence()
    // The node set again too, in the same round trip: Redis may have lost it (flushed).
    command({ "EVAL",
        "redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) "
        "redis.call('SADD', 'helpy:nodes', ARGV[3])",
        "1", "helpy:presence:" + userId.toUtf8() + ':' + m_nodeId.toUtf8(),
        presence == Protocol::Presence::Online ? "online" : "reconnecting",
        QByteArray::number(std::max(1, ttlMs)), m_nodeId.toUtf8() });
}

void RedisSessionStore::clearPresence(const QString &userId)
{
    command({ "DEL", "helpy:presence:" + userId.toUtf8() + ':' + m_nodeId.toUtf8() });
}

Protocol::Presence RedisSessionStore::presence(const QString &userId)
{
    using Protocol::Presence;
    const RedisReply reply = command({ "EVAL", PresenceScript, "0", userId.toUtf8() });
    if (!reply.ok)
        return Presence::Offline;
    return reply.integer == 2 ? Presence::Online
        : reply.integer == 1  ? Presence::Reconnecting
                              : Presence::Offline;
}
