// SPDX-License-Identifier: MIT
#include "unreadtracker.h"

#include "logging.h"
#include "websocketservice.h"

#include <QSet>
#include <QSettings>

using namespace Protocol;

UnreadTracker::UnreadTracker(WebSocketService *service, QObject *parent)
    : QObject(parent)
    , m_service(service)
{
    m_userId = service->userId();
    connect(service, &WebSocketService::welcomed, this, &UnreadTracker::onWelcomed);
    connect(service, &WebSocketService::messageReceived, this, [this](const MessageEvent &event) {
        if (event.message.kind == MessageKind::Chat)
            onMessage(event.sessionId, previewOf(event.message));
    });
    connect(service, &WebSocketService::sessionActivityReceived, this,
        [this](
            const SessionActivity &activity) { onMessage(activity.sessionId, activity.message); });
    connect(service, &WebSocketService::sessionSnapshotReceived, this,
        [this](const SessionSnapshot &snapshot) {
            // What a snapshot shows is on screen (its page asked for it): taken as known,
            // not as new; read when the page is being read.
            for (auto it = snapshot.messages.crbegin(); it != snapshot.messages.crend(); ++it) {
                if (it->kind != MessageKind::Chat)
                    continue;
                State &state = stateOf(snapshot.sessionId);
                if (it->revision > state.seen) {
                    state.seen = it->revision;
                    state.last = previewOf(*it);
                    save(snapshot.sessionId, state);
                    Q_EMIT sessionChanged(snapshot.sessionId);
                }
                break;
            }
            if (isBeingRead(snapshot.sessionId))
                markRead(snapshot.sessionId);
        });
    connect(service, &WebSocketService::sessionDeleted, this,
        [this](const SessionDeletedEvent &event) { forget(event.sessionId); });
}

void UnreadTracker::onWelcomed()
{
    if (m_service->userId() == m_userId)
        return;
    // Another identity (or the first): its own read state.
    m_userId = m_service->userId();
    m_states.clear();
    updateTotal();
}

QString UnreadTracker::keyOf(const QString &sessionId, const char *field) const
{
    return QStringLiteral("unread/%1/%2/%3").arg(m_userId, sessionId, QLatin1String(field));
}

UnreadTracker::State &UnreadTracker::stateOf(const QString &sessionId)
{
    auto it = m_states.find(sessionId);
    if (it != m_states.end())
        return *it;
    State state;
    if (!m_userId.isEmpty()) {
        const QSettings settings;
        state.stored = settings.contains(keyOf(sessionId, "lastRead"));
        state.lastRead = settings.value(keyOf(sessionId, "lastRead"), 0).toLongLong();
        state.seen = state.lastRead;
        state.unread = std::max(0, settings.value(keyOf(sessionId, "unread"), 0).toInt());
        state.muted = settings.value(keyOf(sessionId, "muted"), false).toBool();
    }
    return *m_states.insert(sessionId, state);
}

void UnreadTracker::save(const QString &sessionId, const State &state)
{
    if (m_userId.isEmpty())
        return;
    QSettings settings;
    settings.setValue(keyOf(sessionId, "lastRead"), state.lastRead);
    settings.setValue(keyOf(sessionId, "unread"), state.unread);
    if (state.muted)
        settings.setValue(keyOf(sessionId, "muted"), true);
    else
        settings.remove(keyOf(sessionId, "muted"));
}

int UnreadTracker::unreadCount(const QString &sessionId) const
{
    return const_cast<UnreadTracker *>(this)->stateOf(sessionId).unread;
}

qint64 UnreadTracker::lastReadRevision(const QString &sessionId) const
{
    return const_cast<UnreadTracker *>(this)->stateOf(sessionId).lastRead;
}

bool UnreadTracker::isMuted(const QString &sessionId) const
{
    return const_cast<UnreadTracker *>(this)->stateOf(sessionId).muted;
}

std::optional<MessagePreview> UnreadTracker::lastMessage(const QString &sessionId) const
{
    return const_cast<UnreadTracker *>(this)->stateOf(sessionId).last;
}

void UnreadTracker::setMuted(const QString &sessionId, bool muted)
{
    if (sessionId.isEmpty())
        return;
    State &state = stateOf(sessionId);
    if (state.muted == muted)
        return;
    state.muted = muted;
    save(sessionId, state);
    qCInfo(lcClient) << "session" << sessionId << (muted ? "muted" : "unmuted");
    Q_EMIT sessionChanged(sessionId);
}

bool UnreadTracker::isBeingRead(const QString &sessionId) const
{
    return m_windowActive && !m_viewing.isEmpty() && m_viewing == sessionId;
}

void UnreadTracker::setSessions(const QList<SessionSummary> &sessions)
{
    // A session no longer listed (left, removed) has nothing unread any more.
    QSet<QString> listed;
    for (const SessionSummary &summary : sessions)
        listed.insert(summary.sessionId);
    const QStringList known = m_states.keys();
    for (const QString &sessionId : known) {
        if (!listed.contains(sessionId) && m_states.value(sessionId).unread > 0)
            forget(sessionId);
    }
    for (const SessionSummary &summary : sessions) {
        State &state = stateOf(summary.sessionId);
        if (!state.stored) {
            // First seen here: what came before is history, not news.
            state.lastRead = state.seen = summary.revision;
            state.last = summary.lastMessage;
            state.stored = true;
            save(summary.sessionId, state);
            Q_EMIT sessionChanged(summary.sessionId);
            continue;
        }
        const auto &last = summary.lastMessage;
        if (!last || last->revision <= state.seen)
            continue;
        state.seen = last->revision;
        state.last = last;
        if (isBeingRead(summary.sessionId) || last->authorId == m_userId) {
            state.lastRead = std::max(state.lastRead, last->revision);
            state.unread = 0;
        } else if (last->revision > state.lastRead) {
            // Came while the app was away: how many is not known, one at least.
            state.unread = std::max(state.unread, 1);
        }
        save(summary.sessionId, state);
        Q_EMIT sessionChanged(summary.sessionId);
    }
    updateTotal();
}

void UnreadTracker::onMessage(const QString &sessionId, const MessagePreview &message)
{
    State &state = stateOf(sessionId);
    if (message.revision <= state.seen)
        return; // known already (the row, an activity and then the event, a resume)
    state.seen = message.revision;
    state.last = message;
    state.stored = true;
    const bool own = message.authorId == m_userId;
    const bool beingRead = isBeingRead(sessionId);
    if (own || beingRead) {
        // Writing in a session, or watching it, is reading it.
        state.lastRead = message.revision;
        state.unread = 0;
    } else if (message.revision > state.lastRead) {
        ++state.unread;
    }
    save(sessionId, state);
    Q_EMIT sessionChanged(sessionId);
    updateTotal();
    if (!own)
        Q_EMIT messageArrived(sessionId, message, beingRead);
}

void UnreadTracker::setViewing(const QString &sessionId)
{
    m_viewing = sessionId;
    if (isBeingRead(sessionId))
        markRead(sessionId);
}

void UnreadTracker::setWindowActive(bool active)
{
    if (m_windowActive == active)
        return;
    m_windowActive = active;
    if (isBeingRead(m_viewing))
        markRead(m_viewing);
}

void UnreadTracker::markRead(const QString &sessionId)
{
    if (sessionId.isEmpty())
        return;
    State &state = stateOf(sessionId);
    if (state.unread == 0 && state.lastRead >= state.seen && state.stored)
        return;
    state.lastRead = std::max(state.lastRead, state.seen);
    state.unread = 0;
    state.stored = true;
    save(sessionId, state);
    Q_EMIT sessionChanged(sessionId);
    updateTotal();
}

void UnreadTracker::forget(const QString &sessionId)
{
    if (m_states.remove(sessionId) == 0 && m_userId.isEmpty())
        return;
    if (!m_userId.isEmpty())
        QSettings().remove(QStringLiteral("unread/%1/%2").arg(m_userId, sessionId));
    updateTotal();
}

void UnreadTracker::updateTotal()
{
    int total = 0;
    for (const State &state : std::as_const(m_states))
        total += state.unread;
    if (total == m_total)
        return;
    m_total = total;
    Q_EMIT totalChanged();
}
