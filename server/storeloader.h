// SPDX-License-Identifier: MIT
#pragma once

#include "sessionstore.h"

#include <memory>

class Session;
class SessionRegistry;
struct ServerOptions;

/**
 * @brief Rebuilding the server's memory from stored event logs: at start-up from the SQLite
 * file, and on a node of a cluster whenever a session another node made is first needed.
 *
 * The log is the source of truth: a session is the replay of its events.
 */
namespace StoreLoader {

/// Applies one stored event to a session being rebuilt, and records it for resume.
void replay(Session &session, const QString &event);
/// The session as its stored log leaves it.
std::unique_ptr<Session> rebuild(
    const SessionStore::StoredSession &stored, const ServerOptions &options);
/// Brings back the users, sessions, invite codes and answers of a store's contents.
void restore(const SessionStore::Contents &contents, SessionRegistry &registry);

} // namespace StoreLoader
