// SPDX-License-Identifier: MIT
#include "redisasyncconnection.h"

#include "logging.h"

#include <QElapsedTimer>
#include <QSocketNotifier>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

RedisReply RedisReply::from(const redisReply *r)
{
    if (!r)
        return failure(QStringLiteral("no reply"));
    RedisReply reply;
    reply.ok = true;
    switch (r->type) {
    case REDIS_REPLY_ERROR:
        reply.ok = false;
        reply.error = QString::fromUtf8(r->str, qsizetype(r->len));
        break;
    case REDIS_REPLY_NIL:
        reply.nil = true;
        break;
    case REDIS_REPLY_INTEGER:
        reply.integer = r->integer;
        break;
    case REDIS_REPLY_ARRAY:
        for (size_t i = 0; i < r->elements; ++i)
            reply.elements.append(from(r->element[i]));
        break;
    default: // string, status
        reply.string = QByteArray(r->str, qsizetype(r->len));
    }
    return reply;
}

namespace {

RedisAsyncConnection *owner(const redisAsyncContext *c)
{
    return c ? static_cast<RedisAsyncConnection *>(c->data) : nullptr;
}

} // namespace

RedisAsyncConnection::RedisAsyncConnection(QString host, int port, int timeoutMs, QObject *parent)
    : QObject(parent)
    , m_host(std::move(host))
    , m_port(port)
{
    m_deadline.setSingleShot(true);
    m_deadline.setInterval(timeoutMs);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        if (answeredMeanwhile())
            return;
        gone(m_connected ? QStringLiteral("no answer within %1 ms").arg(m_deadline.interval())
                         : QStringLiteral("no connection within %1 ms").arg(m_deadline.interval()));
    });
}

RedisAsyncConnection::~RedisAsyncConnection()
{
    if (redisAsyncContext *ctx = std::exchange(m_ctx, nullptr)) {
        ctx->data = nullptr; // no callback reaches us any more
        redisAsyncFree(ctx);
    }
    cleanup(this);
}

bool RedisAsyncConnection::open(QString *error)
{
    close();
    redisAsyncContext *ctx = redisAsyncConnect(m_host.toUtf8().constData(), m_port);
    if (!ctx || ctx->err) {
        *error = QStringLiteral("cannot connect to %1:%2: %3")
                     .arg(m_host)
                     .arg(m_port)
                     .arg(ctx ? QString::fromUtf8(ctx->errstr) : QStringLiteral("no memory"));
        if (ctx)
            redisAsyncFree(ctx);
        return false;
    }
    m_ctx = ctx;
    ctx->data = this;
    ctx->ev.data = this;
    ctx->ev.addRead = addRead;
    ctx->ev.delRead = delRead;
    ctx->ev.addWrite = addWrite;
    ctx->ev.delWrite = delWrite;
    ctx->ev.cleanup = cleanup;
    // Asks for write readiness (the connection stands): the hooks must be set before.
    redisAsyncSetConnectCallback(ctx, onConnect);
    redisAsyncSetDisconnectCallback(ctx, onDisconnect);
    armDeadline();
    return true;
}

bool RedisAsyncConnection::answeredMeanwhile()
{
    // Our own loop may have been busy past the deadline (a burst of requests): timers can
    // run before the socket notifiers, so the command may still be unsent, or its answer
    // may sit unread in the socket. Neither is Redis's silence.
    if (!m_ctx || !m_connected)
        return false;
    if (m_write && m_write->isEnabled()) {
        // Not even sent yet: the loop was busy since the command was queued. Send it now
        // and give Redis its time from here.
        redisAsyncHandleWrite(m_ctx);
        if (m_ctx)
            m_deadline.start();
        return true;
    }
    pollfd fd { m_ctx->c.fd, POLLIN, 0 };
    if (::poll(&fd, 1, 0) <= 0)
        return false;
    redisAsyncHandleRead(m_ctx);
    if (!m_ctx)
        return true; // cut: closed() told
    if (!m_deadline.isActive())
        armDeadline(); // still waiting for the rest: a new deadline
    return true;
}

void RedisAsyncConnection::close()
{
    if (m_ctx)
        gone(QStringLiteral("closed"));
}

void RedisAsyncConnection::gone(const QString &why)
{
    redisAsyncContext *ctx = std::exchange(m_ctx, nullptr);
    if (!ctx)
        return;
    m_connected = false;
    m_deadline.stop();
    // Inside one of its callbacks hiredis frees it once the callback returned; the replies
    // still awaited are then called with none (onReply finds them by id).
    redisAsyncFree(ctx);
    failPending(why);
    qCDebug(lcServer).noquote() << "redis async connection closed:" << why;
    Q_EMIT closed(why);
}

void RedisAsyncConnection::failPending(const QString &why)
{
    auto pending = std::exchange(m_pending, {});
    for (auto &[id, p] : pending) {
        if (p.done)
            p.done(RedisReply::failure(why));
    }
}

int RedisAsyncConnection::waiting() const
{
    int count = 0;
    for (const auto &[id, p] : m_pending)
        count += p.answered ? 0 : 1;
    return count;
}

void RedisAsyncConnection::armDeadline()
{
    if (m_ctx && (!m_connected || waiting() > 0)) {
        if (!m_deadline.isActive())
            m_deadline.start();
    } else {
        m_deadline.stop();
    }
}

void RedisAsyncConnection::command(const QList<QByteArray> &args, Callback done, bool subscription)
{
    if (!m_ctx) {
        if (done)
            done(RedisReply::failure(QStringLiteral("not connected")));
        return;
    }
    std::vector<const char *> argv;
    std::vector<size_t> lengths;
    for (const QByteArray &arg : args) {
        argv.push_back(arg.constData());
        lengths.push_back(size_t(arg.size()));
    }
    const quintptr id = m_nextId++;
    m_pending.emplace(id, Pending { std::move(done), subscription, false });
    if (redisAsyncCommandArgv(m_ctx, onReply, reinterpret_cast<void *>(id), int(argv.size()),
            argv.data(), lengths.data())
        != REDIS_OK) {
        Pending failed = std::move(m_pending.at(id));
        m_pending.erase(id);
        if (failed.done)
            failed.done(RedisReply::failure(QStringLiteral("cannot send the command")));
        return;
    }
    if (!m_deadline.isActive())
        armDeadline();
}

int RedisAsyncConnection::takeDescriptor()
{
    if (!m_ctx || !m_connected || waiting() > 0)
        return -1;
    const int fd = ::dup(m_ctx->c.fd);
    if (fd < 0)
        return -1;
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    redisAsyncContext *ctx = std::exchange(m_ctx, nullptr);
    m_connected = false;
    m_deadline.stop();
    m_pending.clear();
    ctx->data = nullptr;
    redisAsyncFree(ctx); // closes its descriptor, not our duplicate
    return fd;
}

bool RedisAsyncConnection::waitForAnswers(int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    while (m_ctx && (!m_connected || waiting() > 0) && clock.elapsed() < timeoutMs) {
        const bool wantsWrite = m_write && m_write->isEnabled();
        pollfd fd { m_ctx->c.fd, short(POLLIN | (wantsWrite ? POLLOUT : 0)), 0 };
        if (::poll(&fd, 1, 50) <= 0)
            continue;
        if (m_ctx && (fd.revents & POLLOUT))
            redisAsyncHandleWrite(m_ctx);
        if (m_ctx && (fd.revents & (POLLIN | POLLHUP | POLLERR)))
            redisAsyncHandleRead(m_ctx);
    }
    return m_ctx && m_connected && waiting() == 0;
}

// ------------------------------------------------------------------ hiredis hooks

void RedisAsyncConnection::addRead(void *data)
{
    auto *self = static_cast<RedisAsyncConnection *>(data);
    if (!self->m_ctx)
        return;
    if (!self->m_read) {
        self->m_read = new QSocketNotifier(self->m_ctx->c.fd, QSocketNotifier::Read);
        connect(self->m_read, &QSocketNotifier::activated, self, [self] {
            if (self->m_ctx)
                redisAsyncHandleRead(self->m_ctx);
        });
    }
    self->m_read->setEnabled(true);
}

void RedisAsyncConnection::delRead(void *data)
{
    if (auto *notifier = static_cast<RedisAsyncConnection *>(data)->m_read)
        notifier->setEnabled(false);
}

void RedisAsyncConnection::addWrite(void *data)
{
    auto *self = static_cast<RedisAsyncConnection *>(data);
    if (!self->m_ctx)
        return;
    if (!self->m_write) {
        self->m_write = new QSocketNotifier(self->m_ctx->c.fd, QSocketNotifier::Write);
        connect(self->m_write, &QSocketNotifier::activated, self, [self] {
            if (self->m_ctx)
                redisAsyncHandleWrite(self->m_ctx);
        });
    }
    self->m_write->setEnabled(true);
}

void RedisAsyncConnection::delWrite(void *data)
{
    if (auto *notifier = static_cast<RedisAsyncConnection *>(data)->m_write)
        notifier->setEnabled(false);
}

void RedisAsyncConnection::cleanup(void *data)
{
    auto *self = static_cast<RedisAsyncConnection *>(data);
    for (QSocketNotifier **notifier : { &self->m_read, &self->m_write }) {
        if (*notifier) {
            (*notifier)->setEnabled(false);
            (*notifier)->deleteLater(); // we may be inside its activated signal
            *notifier = nullptr;
        }
    }
}

void RedisAsyncConnection::onConnect(const redisAsyncContext *c, int status)
{
    RedisAsyncConnection *self = owner(c);
    if (!self || self->m_ctx != c)
        return;
    if (status != REDIS_OK) {
        // hiredis frees the context after this callback.
        const QString why = QString::fromUtf8(c->errstr);
        self->m_ctx = nullptr;
        self->m_connected = false;
        self->m_deadline.stop();
        self->failPending(why);
        Q_EMIT self->closed(why);
        return;
    }
    self->m_connected = true;
    self->m_deadline.stop();
    self->armDeadline();
    Q_EMIT self->connected();
}

void RedisAsyncConnection::onDisconnect(const redisAsyncContext *c, int status)
{
    RedisAsyncConnection *self = owner(c);
    if (!self || self->m_ctx != c)
        return; // our own close(): already told
    // hiredis frees the context after this callback.
    self->m_ctx = nullptr;
    self->m_connected = false;
    self->m_deadline.stop();
    const QString why = status == REDIS_OK
        ? QStringLiteral("disconnected")
        : QStringLiteral("connection lost: %1").arg(QString::fromUtf8(c->errstr));
    self->failPending(why);
    Q_EMIT self->closed(why);
}

void RedisAsyncConnection::onReply(redisAsyncContext *c, void *r, void *privdata)
{
    RedisAsyncConnection *self = owner(c);
    if (!self)
        return;
    const auto it = self->m_pending.find(reinterpret_cast<quintptr>(privdata));
    if (it == self->m_pending.end())
        return;
    auto *reply = static_cast<redisReply *>(r);
    Callback done;
    if (it->second.subscription && reply) {
        it->second.answered = true; // later messages come unasked: no time-out for them
        done = it->second.done;
    } else {
        done = std::move(it->second.done);
        self->m_pending.erase(it);
    }
    if (self->m_ctx == c)
        self->m_deadline.stop(); // Redis answered: the wait starts again for the rest
    self->armDeadline();
    if (done)
        done(reply ? RedisReply::from(reply) : RedisReply::failure(QStringLiteral("cut")));
}
