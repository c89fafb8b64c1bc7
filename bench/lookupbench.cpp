// SPDX-License-Identifier: MIT
// helpy-lookupbench: what one lookup by id costs in the server's maps by string id
// (StringMap, server/stringmap.h) against std::unordered_map with std::hash<QString>, at
// 1,000, 10,000 and 100,000 ids of the server's shape (values the size of a User). Prints one
// JSON line per size, nanoseconds a lookup, the faster of two rounds of each.
#include "stringmap.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QString>

#include <cstdio>
#include <unordered_map>
#include <vector>

namespace {

struct UserSized
{
    char payload[200] = {};
    int value = 1;
};

template<typename Map> double nsPerLookup(const Map &map, const std::vector<QString> &probes)
{
    constexpr int rounds = 20;
    qint64 sum = 0;
    QElapsedTimer timer;
    timer.start();
    for (int round = 0; round < rounds; ++round) {
        for (const QString &key : probes) {
            const auto it = map.find(key);
            if (it != map.end())
                sum += it->second.value;
        }
    }
    const double ns = double(timer.nsecsElapsed()) / double(rounds * probes.size());
    return sum == rounds * qint64(probes.size()) ? ns : -1; // -1: a key was not found
}

} // namespace

int main()
{
    QRandomGenerator random(16);
    for (const int n : { 1000, 10000, 100000 }) {
        std::vector<QString> ids;
        for (int i = 0; i < n; ++i)
            ids.push_back(QStringLiteral("u%1").arg(random.generate64(), 16, 16, QChar(u'0')));
        std::unordered_map<QString, UserSized> plain;
        StringMap<UserSized> kept;
        for (const QString &id : ids) {
            plain.try_emplace(id);
            kept.try_emplace(id);
        }
        std::vector<QString> probes;
        for (int i = 0; i < 200000; ++i)
            probes.push_back(ids[size_t(random.bounded(n))]);
        double plainNs = 1e9, keptNs = 1e9;
        for (int round = 0; round < 2; ++round) {
            plainNs = std::min(plainNs, nsPerLookup(plain, probes));
            keptNs = std::min(keptNs, nsPerLookup(kept, probes));
        }
        std::printf(
            "{\"kind\":\"lookup\",\"ids\":%d,\"std_hash_ns\":%.1f,\"string_map_ns\":%.1f}\n", n,
            plainNs, keptNs);
    }
    return 0;
}
