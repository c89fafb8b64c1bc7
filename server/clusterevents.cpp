// SPDX-License-Identifier: MIT
#include "clusterevents.h"

#include "clientconnection.h"
#include "clustersync.h"
#include "fanout.h"
#include "identifiers.h"
#include "logging.h"
#include "session.h"
#include "sessionactivity.h"
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
    if (revision < 0) {
        // A node wrote the session back under a new epoch (restore()): `event` is the epoch.
        const Session *held = m_registry.local(sessionId);
        if (held && held->epoch() != event)
            reload(sessionId);
        return;
    }
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
        restore(*session);
        return;
    }
    for (const QString &event : events)
        apply(*session, event);
}

void ClusterEvents::restore(Session &session)
{
    // The cluster lost what we acknowledged (flushed, an older snapshot). Our copy is the
    // truth the users have: write it back under a new epoch (serving it on the shorter log
    // would fork the history), and give its followers here a fresh snapshot.
    const QString id = session.id();
    const auto events = session.eventsSince(0);
    if (!events) {
        // Only the last eventLogSize events are kept here: nothing whole to write back.
        qCCritical(lcServer) << "storage: the log of" << id << "is shorter than revision"
                             << session.revision() << "and this node keeps only its tail;"
                             << "dropping the session here";
        m_registry.drop(id);
        m_fanout.forget(id);
        return;
    }
    SessionStore::StoredSession stored;
    stored.id = id;
    stored.title = session.title();
    stored.epoch = Identifiers::epoch();
    stored.events = *events;
    stored.bannedUserIds = session.bannedUserIds();
    QStringList members;
    session.forEachUserId([&](const QString &userId) {
        members.append(userId);
        // Their identities may be gone too: the ones this node knows go back.
        if (const User *user = m_registry.users().find(userId))
            m_cluster.store().saveUser({ user->id, user->token, user->displayName });
    });
    qCCritical(lcServer) << "storage: the log of" << id << "is shorter than revision"
                         << session.revision() << "; writing it back as epoch" << stored.epoch;
    if (!m_cluster.restoreSession(stored, members))
        return; // unavailable: tried again on the next catch-up
    // Rebuilt from what is stored now: ours, or the one another node wrote back first.
    reload(id);
}

void ClusterEvents::reload(const QString &sessionId)
{
    QStringList members;
    if (const Session *held = m_registry.local(sessionId))
        held->forEachUserId([&](const QString &userId) { members.append(userId); });
    m_registry.drop(sessionId);
    m_fanout.forget(sessionId); // the reloaded session's followers are found again
    Session *reloaded = m_registry.find(sessionId);
    if (!reloaded)
        return;
    qCInfo(lcServer) << "storage:" << sessionId << "is now epoch" << reloaded->epoch()
                     << "; its followers here get a snapshot";
    for (const QString &userId : std::as_const(members)) {
        const User *user = m_registry.users().find(userId);
        if (!user)
            continue;
        for (ClientConnection *connection : std::as_const(user->connections)) {
            if (connection->subscriptions.contains(sessionId))
                m_transactions.sendSnapshot(connection, *reloaded);
        }
    }
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
    const auto decoded = decodeServerFrame(event.toUtf8());
    const auto *frame = std::get_if<ServerFrame>(&decoded);
    const auto *change = frame ? std::get_if<ParticipantChangeEvent>(frame) : nullptr;
    const auto *message = frame ? std::get_if<MessageEvent>(frame) : nullptr;
    const bool wasDeleted = session.isDeleted();
    StoreLoader::replay(session, event);
    const bool removal = change && change->type == ParticipantChangeEvent::Type::Removed;
    if (change && change->participantType == ParticipantType::User)
        m_registry.setMember(change->participantId, session.id(), !removal);
    // Members connected here who do not follow the session learn of a message as they would
    // had it been posted here (SessionActivityPush).
    m_fanout.deliver(
        { session.id(), session.revision(), event, removal ? change->participantId : QString(),
            message ? SessionActivityPush::activityOf(*message) : std::nullopt });
    if (!wasDeleted && session.isDeleted())
        session.forgetHistory(); // the owner deleted it on another node: forgotten here too
    if (change && change->type == ParticipantChangeEvent::Type::Added
        && change->actorId != change->participantId)
        sendSnapshots(change->participantId, session);
    if (message && m_onMessage)
        m_onMessage(session.id(), message->message);
}

void ClusterEvents::sendSnapshots(const QString &userId, const Session &session)
{
    if (const User *user = m_registry.users().find(userId)) {
        for (ClientConnection *connection : std::as_const(user->connections))
            m_transactions.sendSnapshot(connection, session);
    }
}
