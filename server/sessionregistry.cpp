// SPDX-License-Identifier: MIT
#include "sessionregistry.h"

#include "clustersync.h"
#include "identifiers.h"
#include "serveroptions.h"
#include "session.h"
#include "storeloader.h"

SessionRegistry::SessionRegistry(const ServerOptions &options, const Backends &backends)
    : m_options(options)
    , m_backends(backends)
    , m_users({ options.answersPerUser, options.answerBytesPerUser, options.answerBytesTotal })
{ }

SessionRegistry::~SessionRegistry() = default;

User *SessionRegistry::findUser(const QString &userId)
{
    if (User *user = m_users.find(userId))
        return user;
    if (!m_backends.cluster || userId.isEmpty())
        return nullptr;
    const auto stored = m_backends.cluster->userById(userId);
    if (!stored)
        return nullptr;
    User &user = m_users.restore(stored->id, stored->token, stored->displayName);
    for (const QString &sessionId : m_backends.cluster->sessionsOf(userId))
        user.sessionIds.insert(sessionId);
    return &user;
}

User &SessionRegistry::signIn(const QString &token, const QString &displayName)
{
    if (m_backends.cluster && !token.isEmpty() && !m_users.findByToken(token)) {
        // A token another node issued: the same user again, whichever node it lands on.
        if (const auto known = m_backends.cluster->userByToken(token))
            findUser(known->id);
    }
    return m_users.signIn(token, displayName);
}

void SessionRegistry::setMember(const QString &userId, const QString &sessionId, bool member)
{
    if (User *user = m_users.find(userId)) {
        if (member)
            user->sessionIds.insert(sessionId);
        else
            user->sessionIds.erase(sessionId);
    }
}

Session *SessionRegistry::find(const QString &sessionId)
{
    auto it = m_sessions.find(sessionId);
    if (it == m_sessions.end() && m_backends.cluster && !sessionId.isEmpty()) {
        // Created on another node (or not cached here yet): its log is the truth.
        const auto stored = m_backends.cluster->session(sessionId);
        if (!stored)
            return nullptr;
        add(StoreLoader::rebuild(*stored, m_options));
        it = m_sessions.find(sessionId);
    }
    if (it == m_sessions.end())
        return nullptr;
    if (m_undoOpen && !m_backups.count(sessionId)) {
        m_backends.store->noteRead(sessionId, it->second->revision());
        m_backups.emplace(sessionId, std::make_unique<Session>(*it->second));
    }
    return it->second.get();
}

Session *SessionRegistry::local(const QString &sessionId) const
{
    const auto it = m_sessions.find(sessionId);
    return it == m_sessions.end() ? nullptr : it->second.get();
}

Session &SessionRegistry::create(const QString &title)
{
    QString id;
    do {
        id = Identifiers::sessionId();
    } while (m_sessions.count(id));
    auto session = std::make_unique<Session>(
        id, title, Identifiers::epoch(), m_options.eventLogSize, m_options.snapshotMessages);
    Session &created = *m_sessions.emplace(id, std::move(session)).first->second;
    if (m_undoOpen)
        m_backups.emplace(id, nullptr); // undone by dropping it
    if (m_backends.store)
        m_backends.store->saveSession(id, created.title(), created.epoch());
    return created;
}

Session &SessionRegistry::add(std::unique_ptr<Session> session)
{
    const QString id = session->id();
    if (!session->isDeleted()) // a deleted one is in no one's list
        session->forEachUserId([&](const QString &userId) { setMember(userId, id, true); });
    return *m_sessions.insert_or_assign(id, std::move(session)).first->second;
}

void SessionRegistry::drop(const QString &sessionId)
{
    m_sessions.erase(sessionId);
}

QStringList SessionRegistry::ids() const
{
    QStringList ids;
    ids.reserve(qsizetype(m_sessions.size()));
    for (const auto &entry : m_sessions)
        ids.append(entry.first);
    return ids;
}

SessionStore::StoredInvite *SessionRegistry::invite(const QString &code)
{
    if (m_backends.cluster && !code.isEmpty() && !m_inviteBackups.contains(code)) {
        // Another node may have used or revoked it since: its terms are read fresh, once per
        // transaction (a code this transaction changed is its own).
        if (const auto stored = m_backends.cluster->invite(code))
            m_invites.insert(code, *stored);
    }
    const auto it = m_invites.find(code);
    return it == m_invites.end() ? nullptr : &*it;
}

Session *SessionRegistry::findByInvite(const QString &code)
{
    const SessionStore::StoredInvite *found = invite(code);
    if (!found || !found->admits(QDateTime::currentDateTimeUtc()))
        return nullptr;
    Session *session = find(found->sessionId);
    return session && !session->isClosed() ? session : nullptr;
}

void SessionRegistry::backUpInvite(const QString &code)
{
    if (!m_undoOpen || m_inviteBackups.contains(code))
        return;
    const auto it = m_invites.constFind(code);
    m_inviteBackups.insert(code,
        it == m_invites.cend() ? std::nullopt : std::optional<SessionStore::StoredInvite>(*it));
}

void SessionRegistry::useInvite(const QString &code)
{
    SessionStore::StoredInvite *used = invite(code);
    if (!used)
        return;
    backUpInvite(code);
    ++used->uses;
    if (m_backends.store)
        m_backends.store->saveInvite(*used);
}

SessionStore::StoredInvite SessionRegistry::createInvite(
    const Session &session, std::optional<int> maxUses, const QDateTime &expiresAt)
{
    SessionStore::StoredInvite created;
    do {
        created.code = Identifiers::inviteCode();
    } while (m_invites.contains(created.code));
    created.sessionId = session.id();
    created.expiresAt = expiresAt;
    created.maxUses = maxUses;
    backUpInvite(created.code);
    m_invites.insert(created.code, created);
    if (m_backends.store)
        m_backends.store->saveInvite(created);
    return created;
}

bool SessionRegistry::revokeInvite(const Session &session, const QString &code)
{
    SessionStore::StoredInvite *revoked = invite(code);
    if (!revoked || revoked->sessionId != session.id() || revoked->revoked)
        return false;
    backUpInvite(code);
    revoked->revoked = true;
    if (m_backends.store)
        m_backends.store->saveInvite(*revoked);
    return true;
}

void SessionRegistry::restoreInvites(const QList<SessionStore::StoredInvite> &invites)
{
    m_invites.clear();
    for (const auto &invite : invites)
        m_invites.insert(invite.code, invite);
}

bool SessionRegistry::isBanned(Session &session, const QString &userId)
{
    if (m_backends.cluster) {
        const QStringList banned = m_backends.cluster->bannedUserIds(session.id());
        for (const QString &id : session.bannedUserIds())
            session.setBanned(id, false);
        for (const QString &id : banned)
            session.setBanned(id, true);
    }
    return session.isBanned(userId);
}

void SessionRegistry::setBanned(Session &session, const QString &userId, bool banned)
{
    session.setBanned(userId, banned);
    if (m_backends.store)
        m_backends.store->saveBans(session.id(), session.bannedUserIds());
}

void SessionRegistry::openUndoLog()
{
    // Only another node's commit can overtake a transaction: alone, nothing is undone.
    m_undoOpen = m_backends.cluster != nullptr;
}

void SessionRegistry::closeUndoLog()
{
    m_undoOpen = false;
    m_backups.clear();
    m_inviteBackups.clear();
}

QStringList SessionRegistry::undo()
{
    QStringList touched;
    for (auto &[id, backup] : m_backups) {
        QSet<QString> affected;
        const auto collect = [&affected](const QString &userId) { affected.insert(userId); };
        if (const Session *undone = local(id))
            undone->forEachUserId(collect);
        if (backup) {
            backup->forEachUserId(collect);
            touched.append(id);
            m_sessions.insert_or_assign(id, std::move(backup));
        } else {
            m_sessions.erase(id);
        }
        const Session *restored = local(id);
        for (const QString &userId : std::as_const(affected))
            setMember(userId, id, restored && restored->roster().contains(userId));
    }
    for (auto it = m_inviteBackups.cbegin(); it != m_inviteBackups.cend(); ++it) {
        if (it.value())
            m_invites.insert(it.key(), *it.value());
        else
            m_invites.remove(it.key());
    }
    closeUndoLog();
    return touched;
}
