// SPDX-License-Identifier: MIT
#pragma once

#include "permissiontable.h"
#include "rawclient.h"
#include "roster.h"
#include "sessionserver.h"

#include <QHash>
#include <QJsonObject>

#include <map>
#include <memory>

namespace PermissionTable {

/// A session on a real server in the situation of one row.
struct Scene
{
    std::unique_ptr<SessionServer> server;
    std::map<QString, std::unique_ptr<RawClient>> people; // by name in the row
    QHash<QString, QString> idOf; // name → participant id (people and Helpys)
    QString sessionId;

    RawClient &client(const QString &name) { return *people.at(name); }

    bool build(const QStringList &roster)
    {
        ServerOptions options;
        options.heartbeatSeconds = 0;
        options.presenceGraceSeconds = 0;
        server = std::make_unique<SessionServer>(options);
        if (!server->listen())
            return false;
        QString creator;
        for (const QString &text : roster) {
            const auto e = entry(text);
            if (creator.isEmpty() && !e.helpy && e.role == Protocol::Role::Owner)
                creator = e.name;
        }
        if (creator.isEmpty() || !signIn(creator))
            return false;
        RawClient &owner = client(creator);
        const QJsonObject created
            = owner.request({ { "type", "create_session" }, { "title", "T" } });
        sessionId = created["sessionId"].toString();
        if (sessionId.isEmpty())
            return false;
        for (const QString &text : roster) {
            const auto e = entry(text);
            if (e.name == creator)
                continue;
            if (e.helpy) {
                const QJsonObject added
                    = owner.request({ { "type", "add_participant" }, { "sessionId", sessionId },
                        { "participantType", "helpy" }, { "displayName", e.name } });
                idOf.insert(e.name, added["participantId"].toString());
                continue;
            }
            const QString code = owner
                                     .request({ { "type", "create_invite" },
                                         { "sessionId", sessionId } })["inviteCode"]
                                     .toString();
            if (!signIn(e.name)
                || client(e.name)
                        .request({ { "type", "join_session" }, { "inviteCode", code } })["type"]
                        .toString()
                    != QStringLiteral("ack"))
                return false;
            if (e.role != Protocol::Role::Member
                && owner.request({ { "type", "set_role" }, { "sessionId", sessionId },
                       { "participantId", idOf.value(e.name) },
                       { "role", Protocol::toString(e.role) } })["type"]
                        .toString()
                    != QStringLiteral("ack"))
                return false;
        }
        return true;
    }

    bool signIn(const QString &name)
    {
        auto &client = people[name];
        client = std::make_unique<RawClient>();
        if (!client->signIn(server->url(), name))
            return false;
        idOf.insert(name, client->userId);
        return true;
    }

    Roster roster() const
    {
        Roster roster;
        roster.applySnapshot(server->participants(sessionId));
        return roster;
    }
};

} // namespace PermissionTable
