// SPDX-License-Identifier: MIT
#pragma once

#include "redisreply.h"

#include <QObject>
#include <QTimer>

#include <functional>
#include <map>

struct redisAsyncContext;
class QSocketNotifier;

/**
 * @brief One connection to Redis that never blocks the event loop: hiredis's asynchronous
 * API driven by QSocketNotifiers, with a time-out on every answer.
 *
 * hiredis asks for read and write readiness through its `ev` hooks; they enable and disable
 * two notifiers on the socket. (hiredis's own adapters/qt.h connects activated(int) by name,
 * a signal Qt 6 no longer has.) hiredis 0.14 has no time-outs of its own, so a QTimer runs
 * while anything is unanswered (the connect included): a Redis that accepts but never
 * answers (paused) cuts the connection after timeoutMs, and every waiting callback gets an
 * error reply. closed() is emitted once per connection that was opened.
 */
class RedisAsyncConnection final : public QObject
{
    Q_OBJECT

public:
    using Callback = std::function<void(const RedisReply &)>;

    RedisAsyncConnection(QString host, int port, int timeoutMs, QObject *parent = nullptr);
    ~RedisAsyncConnection() override;

    /// Starts connecting (closing any connection first); false when it failed at once.
    bool open(QString *error);
    /// Cuts the connection; the callbacks still waiting get an error reply.
    void close();
    bool isOpen() const { return m_ctx != nullptr; }
    bool isConnected() const { return m_connected; }

    /// Sends a command; `done` (may be empty) gets the reply, or an error when the
    /// connection is not open, fails or times out. Subscribing: `done` is called for the
    /// confirmation and then for every message (no time-out after the confirmation).
    void command(const QList<QByteArray> &args, Callback done = {}, bool subscription = false);

    /// Hands the open socket over (blocking mode, as a synchronous hiredis context wants it)
    /// and forgets it; -1 when there is none. Nothing may be waiting for an answer.
    int takeDescriptor();

    /// Waits, without running the event loop, until nothing is waiting for an answer or
    /// timeoutMs passed (start-up only: the node serves nothing before it is subscribed).
    bool waitForAnswers(int timeoutMs);

Q_SIGNALS:
    void connected();
    void closed(const QString &why);

private:
    struct Pending
    {
        Callback done;
        bool subscription = false;
        bool answered = false;
    };
    static void addRead(void *data);
    static void delRead(void *data);
    static void addWrite(void *data);
    static void delWrite(void *data);
    static void cleanup(void *data);
    static void onConnect(const redisAsyncContext *c, int status);
    static void onDisconnect(const redisAsyncContext *c, int status);
    static void onReply(redisAsyncContext *c, void *reply, void *privdata);

    /// At the deadline: an answer is waiting in the socket after all (read it).
    bool answeredMeanwhile();
    void gone(const QString &why);
    void failPending(const QString &why);
    void armDeadline();
    int waiting() const;

    QString m_host;
    int m_port;
    redisAsyncContext *m_ctx = nullptr;
    QSocketNotifier *m_read = nullptr;
    QSocketNotifier *m_write = nullptr;
    bool m_connected = false;
    QTimer m_deadline;
    std::map<quintptr, Pending> m_pending;
    quintptr m_nextId = 1;
};
