// SPDX-License-Identifier: MIT
#include "fanout.h"

#include "clientconnection.h"
#include "metrics.h"
#include "serveroptions.h"
#include "session.h"
#include "sessionregistry.h"

#include <QElapsedTimer>

Fanout::Fanout(SessionRegistry &registry, ServerMetrics &metrics)
    : m_registry(registry)
    , m_metrics(metrics)
    , m_summaries(registry)
{ }

void Fanout::deliver(const Delivery &delivery)
{
    const Session *session = m_registry.find(delivery.sessionId);
    if (!session)
        return;
    qint64 sent = 0;
    QElapsedTimer firstToLast; // helpy_fanout_seconds: from the first write to the last
    // Only events about a plain member are held back from summary subscriptions.
    QString plainMember;
    bool large = false;
    if (const auto traits = session->traitsOf(delivery.revision)) {
        plainMember = traits->plainMemberId;
        large = traits->rosterSizeAfter > m_registry.options().largeSessionThreshold;
    }
    bool skipped = false;
    QString gapSummary; // encoded once, when the first summary subscription needs it
    QString activityText; // likewise, for the first member's connection not following it
    const auto sendTo = [&](const User &user) {
        for (ClientConnection *connection : user.connections) {
            auto it = connection->subscriptions.find(delivery.sessionId);
            if (it == connection->subscriptions.end()) {
                if (delivery.activity) {
                    if (activityText.isNull())
                        activityText = Protocol::encode(*delivery.activity);
                    connection->send(activityText);
                }
                continue;
            }
            if (it->revision >= delivery.revision)
                continue; // already has it by snapshot or resume
            // Followed since the session was small: in summary once it is large (the client
            // learns it from its first roster_summary), unless it asked for the whole roster.
            if (large && !it->summary && !it->wholeAsked && connection->rosterSummary)
                it->summary = true;
            if (it->summary) {
                if (!plainMember.isEmpty() && connection->userId != plainMember) {
                    skipped = true;
                    continue;
                }
                if (it->revision < delivery.revision - 1) {
                    if (gapSummary.isNull())
                        gapSummary = m_summaries.textAt(*session, delivery.revision - 1);
                    if (!gapSummary.isEmpty())
                        connection->send(gapSummary);
                }
            }
            it->revision = delivery.revision;
            if (sent++ == 0)
                firstToLast.start();
            connection->send(delivery.text);
        }
    };
    UserDirectory &users = m_registry.users();
    if (large && !plainMember.isEmpty()) {
        // Only the followers not in summary and the member it is about are sent it: O(those),
        // not O(roster) per join or leave of a large session.
        sendToWholeFollowers(*session, sendTo);
        if (const User *own = users.find(plainMember))
            sendTo(*own);
        skipped = true; // any summary subscription behind gets the throttled roster_summary
    } else {
        if (!large)
            m_wholeFollowers.remove(delivery.sessionId);
        session->forEachUserId([&](const QString &userId) {
            if (const User *user = users.find(userId))
                sendTo(*user);
        });
    }
    if (const User *removed = users.find(delivery.removedUserId)) {
        sendTo(*removed);
        for (ClientConnection *connection : removed->connections)
            connection->subscriptions.remove(delivery.sessionId);
    }
    m_summaries.delivered(*session, delivery.revision, skipped);
    if (sent > 0)
        m_metrics.observeFanout(sent, double(firstToLast.nsecsElapsed()) / 1e9);
    if (session->isDeleted())
        forget(delivery.sessionId); // its last event: nothing more goes out for it
}

void Fanout::forget(const QString &sessionId)
{
    m_wholeFollowers.remove(sessionId);
    m_summaries.forget(sessionId);
}

qsizetype Fanout::sessionsKept() const
{
    return m_wholeFollowers.size() + m_summaries.sessionsKept();
}

void Fanout::subscribed(const ClientConnection &connection, const QString &sessionId, bool summary)
{
    if (summary)
        return;
    const auto it = m_wholeFollowers.find(sessionId);
    if (it != m_wholeFollowers.end())
        it->insert(connection.userId);
}

template<typename SendTo> void Fanout::sendToWholeFollowers(const Session &session, SendTo &sendTo)
{
    UserDirectory &users = m_registry.users();
    const auto followsWhole = [&](const User &user) {
        for (const ClientConnection *connection : user.connections) {
            const auto it = connection->subscriptions.constFind(session.id());
            if (it != connection->subscriptions.cend() && !it->summary)
                return true;
        }
        return false;
    };
    auto found = m_wholeFollowers.find(session.id());
    if (found == m_wholeFollowers.end()) {
        // Once, when the session is first large: from then on subscribed() keeps it.
        QSet<QString> whole;
        session.forEachUserId([&](const QString &userId) {
            if (const User *user = users.find(userId); user && followsWhole(*user))
                whole.insert(userId);
        });
        found = m_wholeFollowers.insert(session.id(), whole);
    }
    QSet<QString> &whole = *found;
    for (auto it = whole.begin(); it != whole.end();) {
        const User *user = users.find(*it);
        if (user)
            sendTo(*user); // may move a subscription to summary
        // Gone, left or in summary now: not a whole follower any more.
        it = user && session.roster().contains(*it) && followsWhole(*user) ? std::next(it)
                                                                           : whole.erase(it);
    }
}

void Fanout::broadcast(const Session &session, const QString &text, const ClientConnection *except)
{
    UserDirectory &users = m_registry.users();
    session.forEachUserId([&](const QString &userId) {
        const User *member = users.find(userId);
        if (!member)
            return; // connected to another node, if at all: typing stays on this node
        for (ClientConnection *peer : member->connections) {
            if (peer != except && peer->subscriptions.contains(session.id()))
                peer->send(text);
        }
    });
}
