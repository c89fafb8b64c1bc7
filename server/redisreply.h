// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

struct redisReply;

/// @brief A Redis reply taken out of hiredis's redisReply (which is freed at once).
struct RedisReply
{
    bool ok = false; ///< false: connection or command error (see error)
    bool nil = false;
    QString error;
    QByteArray string;
    long long integer = 0;
    QList<RedisReply> elements;

    static RedisReply from(const redisReply *r);
    static RedisReply failure(QString why)
    {
        RedisReply reply;
        reply.error = std::move(why);
        return reply;
    }
};
