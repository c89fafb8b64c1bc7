// SPDX-License-Identifier: MIT
#include "storeloader.h"

#include "logging.h"
#include "serveroptions.h"
#include "session.h"
#include "sessionregistry.h"

using namespace Protocol;

namespace StoreLoader {

void replay(Session &session, const QString &event)
{
    const auto decoded = decodeServerFrame(event.toUtf8());
    if (const auto *frame = std::get_if<ServerFrame>(&decoded)) {
        if (const auto *change = std::get_if<ParticipantChangeEvent>(frame))
            session.applyChange(*change);
        else if (const auto *message = std::get_if<MessageEvent>(frame))
            session.appendMessage(message->message);
        else if (const auto *settings = std::get_if<SessionSettingsEvent>(frame))
            session.setSettings(settings->settings);
        else if (const auto *renamed = std::get_if<SessionRenamedEvent>(frame))
            session.setTitle(renamed->title);
        else if (std::holds_alternative<SessionDeletedEvent>(*frame))
            session.markDeleted();
    } else {
        qCCritical(lcServer) << "storage: an event of" << session.id()
                             << "does not decode:" << std::get<DecodeError>(decoded).message;
    }
    session.record(session.nextRevision(), event);
}

std::unique_ptr<Session> rebuild(
    const SessionStore::StoredSession &stored, const ServerOptions &options)
{
    auto session = std::make_unique<Session>(
        stored.id, stored.title, stored.epoch, options.eventLogSize, options.snapshotMessages);
    for (const QString &event : stored.events)
        replay(*session, event);
    for (const QString &userId : stored.bannedUserIds)
        session->setBanned(userId, true);
    return session;
}

void restore(const SessionStore::Contents &contents, SessionRegistry &registry)
{
    UserDirectory &users = registry.users();
    for (const auto &stored : contents.users)
        users.restore(stored.id, stored.token, stored.displayName);
    for (const auto &stored : contents.sessions)
        registry.add(rebuild(stored, registry.options()));
    registry.restoreInvites(contents.invites);
    for (const auto &answer : contents.answers) {
        if (User *user = users.find(answer.userId))
            users.rememberAnswer(*user, answer.requestId, answer.answer);
    }
}

} // namespace StoreLoader
