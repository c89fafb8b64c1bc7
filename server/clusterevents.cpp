// SPDX-License-Identifier: MIT
#include "clusterevents.h"

#include "clustersync.h"
#include "fanout.h"
#include "logging.h"
#include "session.h"
#include "sessionregistry.h"
#include "storeloader.h"
#include "transactions.h"

using namespace Protocol;

namespace {

/// The roster event `event` is, or null (a message, or a frame that does not decode).
std::optional<ParticipantChangeEvent> rosterChangeIn(const QString &event)
{
    const auto decoded = decodeServerFrame(event.toUtf8());
    const auto *frame = std::get_if<ServerFrame>(&decoded);
    const auto *change = frame ? std::get_if<ParticipantChangeEvent>(frame) : nullptr;
    return change ? std::optional(*change) : std::nullopt;
}

/// A user added by someone else (who must be sent the state: it did not ask for it).
bool addsSomeoneElse(const ParticipantChangeEvent &change)
{
    return change.type == ParticipantChangeEvent::Type::Added
        && change.participantType == ParticipantType::User
        && change.actorId != change.participantId;
}

} // namespace

ClusterEvents::ClusterEvents(
    ClusterSync &cluster, SessionRegistry &registry, Transactions &transactions, Fanout &fanout)
    : m_cluster(cluster)
    , m_registry(registry)
    , m_transactions(transactions)
    , m_fanout(fanout)
{ }

void ClusterEvents::onEvent(const QString &sessionId, qint64 revision, const QString &event)
{
    Session *session = m_registry.local(sessionId);
    if (!session) {
        // Not cached here: read from the log when someone needs it, or now, when a user
        // connected here was just added (its connections get the snapshot).
        const auto change = rosterChangeIn(event);
        if (!change || !addsSomeoneElse(*change))
            return;
        const User *user = m_registry.users().find(change->participantId);
        if (!user || user->connections.isEmpty())
            return;
        if (const Session *loaded = m_registry.find(sessionId))
            sendSnapshots(user->id, *loaded);
        return;
    }
    if (revision <= session->revision())
        return; // our own commit's echo, or already caught up
    if (revision == session->revision() + 1)
        apply(*session, event);
    else
        catchUp(sessionId); // a gap: the log has what the channel lost
}

void ClusterEvents::catchUp(const QString &sessionId)
{
    Session *session = m_registry.local(sessionId);
    if (!session)
        return;
    const QStringList events = m_cluster.eventsSince(sessionId, session->revision());
    if (events.isEmpty()) {
        const qint64 length = m_cluster.logLength(sessionId);
        if (length < 0 || length >= session->revision())
            return; // nothing new (or the cluster unreachable: the next commit says so)
        // The cluster lost what we acknowledged (flushed, restarted without persistence).
        // Serving our copy would fork the history; dropping it makes clients start over
        // (not_found) instead of being silently rewound.
        qCCritical(lcServer) << "storage: the log of" << sessionId << "is shorter than revision"
                             << session->revision() << "; dropping the session here";
        m_registry.drop(sessionId);
        return;
    }
    for (const QString &event : events)
        apply(*session, event);
}

void ClusterEvents::catchUpAll()
{
    const QStringList ids = m_registry.ids();
    for (const QString &id : ids)
        catchUp(id);
}

void ClusterEvents::apply(Session &session, const QString &event)
{
    Q_ASSERT(!m_transactions.inTransaction());
    const auto change = rosterChangeIn(event);
    StoreLoader::replay(session, event);
    const bool removal = change && change->type == ParticipantChangeEvent::Type::Removed;
    if (change && change->participantType == ParticipantType::User)
        m_registry.setMember(change->participantId, session.id(), !removal);
    m_fanout.deliver(
        { session.id(), session.revision(), event, removal ? change->participantId : QString() });
    if (change && change->type == ParticipantChangeEvent::Type::Added
        && change->actorId != change->participantId)
        sendSnapshots(change->participantId, session);
}

void ClusterEvents::sendSnapshots(const QString &userId, const Session &session)
{
    if (const User *user = m_registry.users().find(userId)) {
        for (ClientConnection *connection : std::as_const(user->connections))
            m_transactions.sendSnapshot(connection, session);
    }
}
