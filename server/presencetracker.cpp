// SPDX-License-Identifier: MIT
#include "presencetracker.h"

#include "clustersync.h"
#include "serveroptions.h"
#include "session.h"
#include "sessionregistry.h"
#include "transactions.h"

#include <QSet>

using namespace Protocol;

PresenceTracker::PresenceTracker(const ServerOptions &options, const Backends &backends,
    SessionRegistry &registry, Transactions &transactions)
    : m_options(options)
    , m_backends(backends)
    , m_registry(registry)
    , m_transactions(transactions)
{ }

PresenceTracker::~PresenceTracker() = default;

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
    return m_graceTimers.count(user.id) ? Presence::Reconnecting : Presence::Offline;
}

void PresenceTracker::set(User &user, Presence presence)
{
    if (presence == Presence::Reconnecting) {
        startGrace(user.id);
    } else if (auto it = m_graceTimers.find(user.id); it != m_graceTimers.end()) {
        // Later: this may run inside the timer's own timeout.
        it->second->stop();
        it->second.release()->deleteLater();
        m_graceTimers.erase(it);
    }
    for (const QString &sessionId : std::as_const(user.sessionIds)) {
        Session *session = m_registry.find(sessionId);
        const Participant *current = session ? session->roster().find(user.id) : nullptr;
        if (!current || current->presence == presence)
            continue;
        Participant changed = *current;
        changed.presence = presence;
        m_transactions.publish(
            *session, changeOf(ParticipantChangeEvent::Type::Updated, changed, user.id));
    }
}

void PresenceTracker::startGrace(const QString &userId)
{
    // Offline only if the user is still away when the grace period ends: no flapping.
    std::unique_ptr<QTimer> &timer = m_graceTimers[userId];
    if (!timer) {
        timer = std::make_unique<QTimer>();
        timer->setSingleShot(true);
        QObject::connect(timer.get(), &QTimer::timeout, [this, userId] { graceEnded(userId); });
    }
    timer->start(m_options.presenceGraceSeconds * 1000);
}

void PresenceTracker::graceEnded(const QString &userId)
{
    User *away = m_registry.users().find(userId);
    if (!away || !away->connections.isEmpty())
        return;
    if (auto it = m_graceTimers.find(userId); it != m_graceTimers.end()) {
        it->second.release()->deleteLater(); // we are in its timeout
        m_graceTimers.erase(it);
    }
    if (m_backends.cluster) {
        m_backends.cluster->clearPresence(userId);
        if (m_backends.cluster->presence(userId) == Presence::Online)
            return; // back on another node, which says so
    }
    m_transactions.transact([this, userId] {
        if (User *gone = m_registry.users().find(userId))
            set(*gone, Presence::Offline);
    });
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
    m_transactions.transact([this, userId, grace] {
        if (User *away = m_registry.users().find(userId))
            set(*away, grace ? Presence::Reconnecting : Presence::Offline);
    });
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
    QHash<QString, Presence> corrections;
    m_registry.forEach([&](const Session &session) {
        session.roster().forEach([&](qsizetype, const Participant &participant) {
            if (participant.type != ParticipantType::User || corrections.contains(participant.id))
                return;
            if (here.contains(participant.id)) {
                if (participant.presence != Presence::Online)
                    corrections.insert(participant.id, Presence::Online);
            } else if (participant.presence != Presence::Offline
                && !m_graceTimers.count(participant.id)
                && cluster->presence(participant.id) == Presence::Offline) {
                corrections.insert(participant.id, Presence::Offline);
            }
        });
    });
    for (auto it = corrections.cbegin(); it != corrections.cend(); ++it) {
        const QString userId = it.key();
        const Presence presence = it.value();
        m_transactions.transact([this, userId, presence] {
            if (User *user = m_registry.findUser(userId))
                set(*user, presence);
        });
    }
}

int PresenceTracker::claimTtlMs() const
{
    return 3 * (m_options.heartbeatSeconds > 0 ? m_options.heartbeatSeconds : 15) * 1000;
}
