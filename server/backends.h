// SPDX-License-Identifier: MIT
#pragma once

class ClusterSync;
class SessionStore;

/**
 * @brief Where the parts of a server reach its storage, once ServerCore::open() set it up.
 *
 * Memory only: both null. SQLite: a store. A node of a cluster: both, the store being the
 * cluster's. Each part keeps a reference to the one instance its ServerCore owns.
 */
struct Backends
{
    SessionStore *store = nullptr;
    ClusterSync *cluster = nullptr;
};
