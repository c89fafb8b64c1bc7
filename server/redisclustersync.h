// SPDX-License-Identifier: MIT
#pragma once

#include "clustersync.h"

#include <memory>

/**
 * The ClusterSync of a node sharing the Redis at `url` (redis://HOST:PORT) with others, as
 * node `nodeId` (see RedisSessionStore for the keys and the commit). Not open yet.
 */
std::unique_ptr<ClusterSync> makeRedisClusterSync(const QString &url, const QString &nodeId);
