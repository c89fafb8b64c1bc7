// SPDX-License-Identifier: MIT
#include "sessionactivity.h"

#include "session.h"

using namespace Protocol;

namespace SessionActivityPush {

std::optional<MessagePreview> lastMessageOf(const Session &session)
{
    const auto &messages = session.recentMessages();
    for (auto it = messages.crbegin(); it != messages.crend(); ++it) {
        if (it->kind == MessageKind::Chat)
            return previewOf(*it);
    }
    return std::nullopt;
}

std::optional<SessionActivity> activityOf(const MessageEvent &event)
{
    if (event.message.kind != MessageKind::Chat)
        return std::nullopt;
    return SessionActivity { event.sessionId, previewOf(event.message) };
}

} // namespace SessionActivityPush
