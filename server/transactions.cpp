// SPDX-License-Identifier: MIT
#include "transactions.h"

#include "clientconnection.h"
#include "clustersync.h"
#include "logging.h"
#include "metrics.h"
#include "serveroptions.h"
#include "session.h"
#include "sessionactivity.h"
#include "sessionregistry.h"
#include "sessionstore.h"

#include <QElapsedTimer>

using namespace Protocol;

/// One level of transact(): the outermost one begins and finishes the store's transaction.
class Transactions::Transaction
{
public:
    explicit Transaction(Transactions *t)
        : t(t)
    {
        if (t->m_depth++ == 0)
            t->begin();
    }
    ~Transaction()
    {
        if (--t->m_depth == 0)
            t->finish();
    }
    Q_DISABLE_COPY_MOVE(Transaction)

private:
    Transactions *t;
};

Transactions::Transactions(
    const Backends &backends, SessionRegistry &registry, Fanout &fanout, ServerMetrics &metrics)
    : m_backends(backends)
    , m_registry(registry)
    , m_fanout(fanout)
    , m_metrics(metrics)
{
    m_groupCommitTimer.setSingleShot(true);
    m_groupCommitTimer.setInterval(0); // when this pass of the event loop is done
    QObject::connect(&m_groupCommitTimer, &QTimer::timeout, [this] { commitOpenGroup(); });
}

Transactions::~Transactions()
{
    if (m_backends.store)
        m_backends.store->cancelDurableNotifications(&m_syncNotifier);
}

bool Transactions::transact(const std::function<void()> &body)
{
    m_lastCommitConflicted = false;
    m_lastCommitUnavailable = false;
    QElapsedTimer clock;
    clock.start();
    for (int attempt = 1;; ++attempt) {
        {
            Transaction transaction(this);
            body();
        }
        if (m_storageFailed || m_lastCommitUnavailable)
            return false;
        if (!m_lastCommitConflicted)
            return true;
        ++m_conflicts;
        if (clock.elapsed() > MaxRetryMs) {
            qCWarning(lcServer) << "a change lost" << attempt << "races in" << clock.elapsed()
                                << "ms; answering unavailable";
            return false;
        }
        qCDebug(lcServer) << "commit lost a race; attempt" << attempt + 1;
    }
}

void Transactions::begin()
{
    if (m_backends.store && !m_groupOpen) {
        m_backends.store->begin();
        m_groupOpen = m_groupCommit;
    }
    m_registry.openUndoLog();
}

void Transactions::finish()
{
    m_lastCommitConflicted = false;
    if (m_groupOpen) {
        m_awaitingCommit.append(std::exchange(m_outbox, {}));
        m_registry.closeUndoLog();
        if (!m_groupCommitTimer.isActive())
            m_groupCommitTimer.start();
        return;
    }
    SessionStore *store = m_backends.store;
    if (store && !commitStore()) {
        if (!store->conflicted() && m_backends.cluster && !m_backends.cluster->available()) {
            // The shared storage is away (a circuit breaker, see RedisSessionStore): the
            // change may or may not have been stored. Undo it here and send nothing; once
            // the storage is back the node catches up from the log, and a retry of the
            // request finds its stored answer if it did land.
            m_lastCommitUnavailable = true;
            m_outbox.clear();
            m_registry.undo();
            return;
        }
        if (store->conflicted()) {
            // Another node's commit came first: undo, learn what it did, and let the
            // caller run the change again on the new state. Nothing of ours went out.
            m_lastCommitConflicted = true;
            m_outbox.clear();
            const QStringList overtaken = m_registry.undo();
            if (m_onUndone)
                m_onUndone(overtaken);
            return;
        }
        m_registry.closeUndoLog();
        failStorage();
        return;
    }
    m_registry.closeUndoLog();
    if (const auto barrier = store ? store->durabilityBarrier() : nullptr) {
        const QString error = barrier();
        if (!error.isEmpty()) {
            failStorage(error);
            return;
        }
    }
    sendAll(std::exchange(m_outbox, {}));
}

bool Transactions::commitStore()
{
    QElapsedTimer timer;
    timer.start();
    const bool committed = m_backends.store->commit();
    m_metrics.observeCommit(double(timer.nsecsElapsed()) / 1e9);
    return committed;
}

void Transactions::failStorage(const QString &syncError)
{
    // Memory is now ahead of the disk: nothing more may be acknowledged or delivered.
    m_storageFailed = true;
    m_outbox.clear();
    m_awaitingCommit.clear();
    m_unsynced.clear();
    for (const QPointer<ClientConnection> &connection : std::exchange(m_holding, {})) {
        if (connection)
            connection->dropHeld();
    }
    const QString error = syncError.isEmpty() ? m_backends.store->lastError() : syncError;
    qCCritical(lcServer).noquote()
        << "storage write failed:" << error << "- closing every connection";
    if (m_onStorageFailed)
        m_onStorageFailed(error);
}

void Transactions::commitGroup()
{
    commitOpenGroup();
    if (m_unsynced.isEmpty() || m_storageFailed)
        return;
    // Closing: wait here for everything committed (what the writer posts later finds
    // its groups sent already).
    const auto barrier = m_backends.store->durabilityBarrier();
    onDurable(m_lastTicket, barrier ? barrier() : QString());
}

void Transactions::commitOpenGroup()
{
    m_groupCommitTimer.stop();
    if (!m_groupOpen)
        return;
    m_groupOpen = false;
    if (!commitStore()) {
        failStorage();
        return;
    }
    QList<Outgoing> sends = std::exchange(m_awaitingCommit, {});
    const quint64 ticket = m_lastTicket + 1;
    const bool waits = m_backends.store->notifyWhenDurable(
        &m_syncNotifier, [this, ticket](const QString &error) { onDurable(ticket, error); });
    if (!waits) {
        // commit() is durable by itself, for every group of this store: nothing waits.
        Q_ASSERT(m_unsynced.isEmpty());
        sendAll(sends);
        return;
    }
    m_lastTicket = ticket;
    Unsynced &group = m_unsynced.emplace_back();
    group.ticket = ticket;
    group.committed.start();
    if (m_deliverBeforeSync)
        sendHoldingAnswers(sends, ticket);
    else
        group.sends = std::move(sends);
}

void Transactions::sendHoldingAnswers(const QList<Outgoing> &sends, quint64 ticket)
{
    for (const Outgoing &out : sends) {
        if (out.delivery)
            m_fanout.deliver(*out.delivery);
        else if (out.connection)
            hold(out, ticket);
    }
}

void Transactions::hold(const Outgoing &out, quint64 ticket)
{
    if (!out.connection)
        return; // closed meanwhile
    ClientConnection &connection = *out.connection;
    if (!out.text.isEmpty()) {
        if (!connection.isHolding())
            m_holding.append(&connection);
        connection.sendWhenDurable(ticket, out.text);
    }
    if (!out.subscribeSession.isEmpty())
        subscribe(connection, out.subscribeSession,
            { out.subscribeRevision, out.summary, out.wholeAsked });
}

void Transactions::onDurable(quint64 ticket, const QString &error)
{
    if (m_storageFailed || m_unsynced.isEmpty() || m_unsynced.front().ticket > ticket)
        return; // sent already (commitGroup() waited for it), or nothing may go out
    if (!error.isEmpty()) {
        failStorage(error);
        return;
    }
    // Sent in order; one group's sends may queue more behind what still waits.
    while (!m_unsynced.isEmpty() && m_unsynced.front().ticket <= ticket) {
        Unsynced group = m_unsynced.takeFirst();
        m_metrics.observeSync(double(group.committed.nsecsElapsed()) / 1e9);
        sendAll(group.sends);
    }
    // Each holding connection once: the ones with recent requests, not every follower.
    m_holding.removeIf([ticket](const QPointer<ClientConnection> &connection) {
        return !connection || connection->releaseHeld(ticket);
    });
}

bool Transactions::queueBehindCommits(Outgoing &&out)
{
    if (m_groupOpen)
        m_awaitingCommit.append(std::move(out));
    else if (m_unsynced.isEmpty())
        return false;
    else if (m_deliverBeforeSync)
        hold(out, m_unsynced.last().ticket); // no sync of its own: waits for the last one
    else
        m_unsynced.last().sends.append(std::move(out)); // no sync of its own: after those
    return true;
}

void Transactions::sendAll(const QList<Outgoing> &sends)
{
    for (const Outgoing &out : sends) {
        if (out.delivery) {
            m_fanout.deliver(*out.delivery);
            continue;
        }
        if (!out.connection)
            continue; // closed meanwhile
        if (!out.text.isEmpty())
            out.connection->send(out.text);
        if (!out.subscribeSession.isEmpty())
            subscribe(*out.connection, out.subscribeSession,
                { out.subscribeRevision, out.summary, out.wholeAsked });
    }
}

void Transactions::subscribe(ClientConnection &connection, const QString &sessionId,
    const ClientConnection::Subscription &subscription)
{
    connection.subscriptions.insert(sessionId, subscription);
    m_fanout.subscribed(connection, sessionId, subscription.summary);
}

void Transactions::publish(Session &session, ServerFrame event)
{
    Q_ASSERT(m_depth > 0);
    const qint64 revision = session.nextRevision();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (auto *change = std::get_if<ParticipantChangeEvent>(&event)) {
        change->sessionId = session.id();
        change->epoch = session.epoch();
        change->revision = revision;
        change->timestamp = now;
        // The one way a live change reaches the roster (and the membership history), as a
        // replay's does.
        session.applyChange(*change);
    } else if (auto *message = std::get_if<MessageEvent>(&event)) {
        message->sessionId = session.id();
        message->epoch = session.epoch();
        message->message.revision = revision;
        message->message.timestamp = now;
        // The name travels with the message, so it outlives the author's membership.
        message->message.authorName = session.displayNameOf(message->message.authorId);
        session.appendMessage(message->message);
    } else if (auto *settings = std::get_if<SessionSettingsEvent>(&event)) {
        settings->sessionId = session.id();
        settings->epoch = session.epoch();
        settings->revision = revision;
        settings->timestamp = now;
        session.setSettings(settings->settings);
    } else if (auto *renamed = std::get_if<SessionRenamedEvent>(&event)) {
        renamed->sessionId = session.id();
        renamed->epoch = session.epoch();
        renamed->revision = revision;
        renamed->timestamp = now;
        session.setTitle(renamed->title);
    } else if (auto *deleted = std::get_if<SessionDeletedEvent>(&event)) {
        deleted->sessionId = session.id();
        deleted->epoch = session.epoch();
        deleted->revision = revision;
        deleted->timestamp = now;
        session.markDeleted();
    }
    // Encoded once; every recipient and every later resume gets this very text.
    const QString text = encode(event);
    session.record(revision, text);
    if (m_backends.store)
        m_backends.store->appendEvent(session.id(), revision, text);
    const auto *change = std::get_if<ParticipantChangeEvent>(&event);
    if (m_backends.cluster && change && change->participantType == ParticipantType::User
        && change->type != ParticipantChangeEvent::Type::Updated)
        m_backends.cluster->setMembership(change->participantId, session.id(),
            change->type == ParticipantChangeEvent::Type::Added);
    m_metrics.countEventPublished();
    Outgoing out;
    out.delivery = Delivery { session.id(), revision, text,
        change && change->type == ParticipantChangeEvent::Type::Removed ? change->participantId
                                                                        : QString(),
        std::nullopt };
    if (const auto *message = std::get_if<MessageEvent>(&event))
        out.delivery->activity = SessionActivityPush::activityOf(*message);
    m_outbox.append(std::move(out));
}

void Transactions::post(ClientConnection *connection, const QString &text, const QString &subscribe,
    qint64 revision, bool summary, bool wholeAsked)
{
    if (m_depth == 0) {
        // A read must not overtake the changes it may show: it goes out after them.
        Outgoing out;
        out.connection = connection;
        out.text = text;
        out.subscribeSession = subscribe;
        out.subscribeRevision = revision;
        out.summary = summary;
        out.wholeAsked = wholeAsked;
        if (queueBehindCommits(std::move(out)))
            return;
        if (!text.isEmpty())
            connection->send(text);
        if (!subscribe.isEmpty())
            this->subscribe(*connection, subscribe, { revision, summary, wholeAsked });
        return;
    }
    Outgoing out;
    out.connection = connection;
    out.text = text;
    out.subscribeSession = subscribe;
    out.subscribeRevision = revision;
    out.summary = summary;
    out.wholeAsked = wholeAsked;
    m_outbox.append(std::move(out));
}

void Transactions::sendSnapshot(
    ClientConnection *connection, const Session &session, RosterMode mode)
{
    if (RosterSummaries::wantsSummary(
            *connection, session, mode, m_registry.options().largeSessionThreshold)) {
        post(connection, encode(session.summarySnapshot(connection->userId)), session.id(),
            session.revision(), true);
        return;
    }
    const auto followed = connection->subscriptions.constFind(session.id());
    const bool wholeAsked = mode == RosterMode::Full
        || (mode == RosterMode::Default && followed != connection->subscriptions.cend()
            && followed->wholeAsked);
    post(connection, encode(session.snapshot()), session.id(), session.revision(), false,
        wholeAsked);
}

void Transactions::sendAfterCommit(ClientConnection *connection, const QString &text)
{
    Outgoing out;
    out.connection = connection;
    out.text = text;
    if (!queueBehindCommits(std::move(out)))
        connection->send(text);
}
