// SPDX-License-Identifier: MIT
#include "presencetracker.h"

#include "clustersync.h"
#include "serveroptions.h"
#include "session.h"
#include "sessionregistry.h"
#include "transactions.h"

using namespace Protocol;

PresenceTracker::PresenceTracker(const ServerOptions &options, const Backends &backends,
    SessionRegistry &registry, Transactions &transactions)
    : m_options(options)
    , m_backends(backends)
    , m_registry(registry)
    , m_transactions(transactions)
{
    m_clock.start();
}

PresenceTracker::~PresenceTracker() = default;

qint64 PresenceTracker::graceMs() const
{
    return std::max(0, m_options.presenceGraceSeconds) * 1000LL;
}

bool PresenceTracker::isAway(const QString &userId) const
{
    const auto it = m_tracked.find(userId);
    return it != m_tracked.end() && it->second.awaySinceMs >= 0 && !it->second.graceOver;
}

Presence PresenceTracker::presenceOf(const User &user) const
{
    if (!user.connections.isEmpty())
        return Presence::Online;
    if (m_backends.cluster) {
        switch (m_backends.cluster->presence(user.id)) { // connected to another node?
        case Presence::Online:
            return Presence::Online;
        case Presence::Reconnecting:
            return Presence::Reconnecting;
        case Presence::Offline:
            break;
        }
    }
    return isAway(user.id) ? Presence::Reconnecting : Presence::Offline;
}

Presence PresenceTracker::wanted(const User &user, const Tracked &tracked) const
{
    if (!user.connections.isEmpty())
        return Presence::Online;
    if (tracked.awaySinceMs >= 0 && !tracked.graceOver && nowMs() - tracked.awaySinceMs < graceMs())
        return Presence::Reconnecting;
    return Presence::Offline;
}

void PresenceTracker::setEverywhere(User &user, Presence presence)
{
    for (const QString &sessionId : user.sessionIds) {
        Session *session = m_registry.find(sessionId);
        const Participant *current
            = session && !session->isDeleted() ? session->roster().find(user.id) : nullptr;
        if (!current || current->presence == presence)
            continue;
        Participant changed = *current;
        changed.presence = presence;
        m_transactions.publish(
            *session, changeOf(ParticipantChangeEvent::Type::Updated, changed, user.id));
    }
}

void PresenceTracker::settle(User &user, Tracked &tracked, const QString &sessionId)
{
    Session *session = m_registry.find(sessionId);
    const Participant *current
        = session && !session->isDeleted() ? session->roster().find(user.id) : nullptr;
    if (!current) { // not a participant any more: nothing to keep there
        tracked.open.remove(sessionId);
        tracked.opened.remove(sessionId);
        tracked.deferred.remove(sessionId);
        tracked.lastChangeMs.remove(sessionId);
        return;
    }
    const Presence presence = wanted(user, tracked);
    if (current->presence == presence) {
        tracked.deferred.remove(sessionId); // flapped back: nothing to show
        return;
    }
    const qint64 now = nowMs();
    const auto last = tracked.lastChangeMs.constFind(sessionId);
    if (last != tracked.lastChangeMs.cend() && now - *last < graceMs()) {
        tracked.deferred.insert(sessionId); // damped: published when its grace period is over
        return;
    }
    Participant changed = *current;
    changed.presence = presence;
    m_transactions.publish(
        *session, changeOf(ParticipantChangeEvent::Type::Updated, changed, user.id));
    tracked.lastChangeMs.insert(sessionId, now);
    tracked.deferred.remove(sessionId);
}

void PresenceTracker::settleAll(const QString &userId, const QSet<QString> &sessionIds)
{
    if (sessionIds.isEmpty())
        return;
    m_transactions.transact([this, userId, sessionIds] {
        User *user = m_registry.users().find(userId);
        const auto it = m_tracked.find(userId);
        if (!user || it == m_tracked.end())
            return;
        for (const QString &sessionId : sessionIds)
            settle(*user, it->second, sessionId);
    });
}

void PresenceTracker::connected(User &user)
{
    if (user.connections.size() != 1)
        return; // online already
    const auto it = m_tracked.find(user.id);
    if (it == m_tracked.end())
        return; // had nothing open
    Tracked &tracked = it->second;
    tracked.awaySinceMs = -1;
    tracked.graceOver = false;
    tracked.opened.clear();
    const QSet<QString> open = tracked.open;
    for (const QString &sessionId : open)
        settle(user, tracked, sessionId);
    schedule(user.id);
}

void PresenceTracker::opened(User &user, const QString &sessionId)
{
    Tracked &tracked = m_tracked[user.id];
    tracked.open.insert(sessionId);
    tracked.opened.insert(sessionId);
    settle(user, tracked, sessionId);
    schedule(user.id);
}

void PresenceTracker::joined(const QString &userId, const QString &sessionId)
{
    if (isAway(userId))
        m_tracked[userId].open.insert(sessionId);
}

void PresenceTracker::left(const QString &userId, const QString &sessionId)
{
    const auto it = m_tracked.find(userId);
    if (it == m_tracked.end())
        return;
    it->second.open.remove(sessionId);
    it->second.opened.remove(sessionId);
    it->second.deferred.remove(sessionId);
    it->second.lastChangeMs.remove(sessionId);
}

void PresenceTracker::claim(const QString &userId)
{
    if (m_backends.cluster)
        m_backends.cluster->setPresence(userId, Presence::Online, claimTtlMs());
}

void PresenceTracker::lastConnectionClosed(const QString &userId)
{
    const bool grace = m_options.presenceGraceSeconds > 0;
    if (ClusterSync *cluster = m_backends.cluster) {
        // Our claim now says "reconnecting" for the grace period; another node may still
        // hold a connection, and then the user stays online.
        if (grace)
            cluster->setPresence(
                userId, Presence::Reconnecting, m_options.presenceGraceSeconds * 1000);
        else
            cluster->clearPresence(userId);
        if (cluster->presence(userId) == Presence::Online)
            return;
    }
    const auto it = m_tracked.find(userId);
    if (it == m_tracked.end())
        return; // had nothing open
    it->second.awaySinceMs = nowMs();
    it->second.graceOver = false;
    settleAll(userId, it->second.open);
    if (!grace)
        onDue(userId);
    else
        schedule(userId);
}

void PresenceTracker::onDue(const QString &userId)
{
    auto it = m_tracked.find(userId);
    if (it == m_tracked.end())
        return;
    Tracked &tracked = it->second;
    const bool graceEnds = tracked.awaySinceMs >= 0 && !tracked.graceOver
        && nowMs() - tracked.awaySinceMs >= graceMs();
    if (ClusterSync *cluster = m_backends.cluster; cluster && graceEnds) {
        cluster->clearPresence(userId);
        if (cluster->presence(userId) == Presence::Online) { // back on another node
            tracked.awaySinceMs = -1;
            schedule(userId);
            return;
        }
    }
    QSet<QString> due = tracked.deferred;
    if (graceEnds)
        due.unite(tracked.open);
    settleAll(userId, due);
    it = m_tracked.find(userId);
    if (it == m_tracked.end())
        return;
    if (graceEnds) {
        // Shown offline now: only what was opened during the last connection stays open (to
        // be shown online at the next one), and what still waits for its damping.
        it->second.graceOver = true;
        it->second.open = it->second.opened;
        it->second.open.unite(it->second.deferred);
    }
    schedule(userId);
}

void PresenceTracker::schedule(const QString &userId)
{
    const auto it = m_tracked.find(userId);
    if (it == m_tracked.end())
        return;
    Tracked &tracked = it->second;
    const qint64 now = nowMs();
    const qint64 grace = graceMs();
    for (auto last = tracked.lastChangeMs.begin(); last != tracked.lastChangeMs.end();) {
        if (now - last.value() >= grace && !tracked.deferred.contains(last.key()))
            last = tracked.lastChangeMs.erase(last); // damps nothing any more
        else
            ++last;
    }
    std::optional<qint64> due;
    const auto consider = [&due](qint64 at) { due = due ? std::min(*due, at) : at; };
    for (const QString &sessionId : std::as_const(tracked.deferred))
        consider(tracked.lastChangeMs.value(sessionId, now) + grace);
    if (tracked.awaySinceMs >= 0 && !tracked.graceOver)
        consider(tracked.awaySinceMs + grace);

    if (!due) {
        if (tracked.timer)
            tracked.timer->stop();
        const bool forgettable = tracked.open.isEmpty() && tracked.opened.isEmpty()
            && tracked.lastChangeMs.isEmpty() && tracked.awaySinceMs < 0;
        if (forgettable) {
            if (tracked.timer)
                tracked.timer.release()->deleteLater(); // we may be in its timeout
            m_tracked.erase(it);
        }
        return;
    }
    if (!tracked.timer) {
        tracked.timer = std::make_unique<QTimer>();
        tracked.timer->setSingleShot(true);
        tracked.timer->setTimerType(Qt::PreciseTimer); // never early: damping counts on it
        QObject::connect(tracked.timer.get(), &QTimer::timeout, [this, userId] { onDue(userId); });
    }
    tracked.timer->start(int(std::clamp<qint64>(*due - now, 0, 24 * 3600 * 1000)));
}

void PresenceTracker::sweep(const QStringList &usersHere)
{
    ClusterSync *cluster = m_backends.cluster;
    if (!cluster)
        return;
    const int ttlMs = claimTtlMs();
    QSet<QString> here;
    for (const QString &userId : usersHere) {
        if (!here.contains(userId)) {
            here.insert(userId);
            cluster->setPresence(userId, Presence::Online, ttlMs);
        }
    }
    // Online where a user connected here has the session open (another node may have
    // taken it for gone).
    for (const QString &userId : std::as_const(here)) {
        if (const auto it = m_tracked.find(userId); it != m_tracked.end())
            settleAll(userId, it->second.open);
    }
    // Offline where no node holds the user any more.
    QSet<QString> gone;
    m_registry.forEach([&](const Session &session) {
        session.roster().forEach([&](qsizetype, const Participant &participant) {
            if (participant.type != ParticipantType::User || here.contains(participant.id)
                || gone.contains(participant.id) || participant.presence == Presence::Offline
                || isAway(participant.id))
                return;
            if (cluster->presence(participant.id) == Presence::Offline)
                gone.insert(participant.id);
        });
    });
    for (const QString &userId : std::as_const(gone)) {
        m_transactions.transact([this, userId] {
            if (User *user = m_registry.findUser(userId))
                setEverywhere(*user, Presence::Offline);
        });
    }
}

int PresenceTracker::claimTtlMs() const
{
    return 3 * (m_options.heartbeatSeconds > 0 ? m_options.heartbeatSeconds : 15) * 1000;
}
