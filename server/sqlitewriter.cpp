// SPDX-License-Identifier: MIT
#include "sqlitewriter.h"

#include "logging.h"
#include "protocol.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

#include <algorithm>
#include <optional>

namespace {

/// A user's answers are trimmed to the last answersPerUser once this many more were written.
constexpr int AnswersBetweenPrunes = 64;

} // namespace

/// The statements written all the time, prepared once on the thread's connection.
struct SqliteWriter::Statements
{
    explicit Statements(const QSqlDatabase &db)
        : user(db)
        , session(db)
        , event(db)
        , invite(db)
        , answer(db)
        , beyondKept(db)
        , pruneAnswers(db)
        , db(db)
    { }

    bool prepare(QString *error)
    {
        const std::pair<QSqlQuery *, QString> all[] = {
            { &user,
                QStringLiteral("INSERT INTO users (id, token, display_name) VALUES (?, ?, ?)"
                               " ON CONFLICT(id) DO UPDATE SET display_name ="
                               " excluded.display_name") },
            { &session,
                QStringLiteral("INSERT INTO sessions (id, title, epoch) VALUES (?, ?, ?)") },
            { &event,
                QStringLiteral(
                    "INSERT INTO events (session_id, revision, frame) VALUES (?, ?, ?)") },
            { &invite,
                QStringLiteral("INSERT OR REPLACE INTO invites"
                               " (code, session_id, expires_at, max_uses, uses, revoked)"
                               " VALUES (?, ?, ?, ?, ?, ?)") },
            { &answer,
                QStringLiteral("INSERT OR IGNORE INTO answers (user_id, request_id, answer)"
                               " VALUES (?, ?, ?)") },
            { &beyondKept,
                QStringLiteral("SELECT seq FROM answers WHERE user_id = ?"
                               " ORDER BY seq DESC LIMIT 1 OFFSET ?") },
            { &pruneAnswers, QStringLiteral("DELETE FROM answers WHERE user_id = ? AND seq <= ?") },
        };
        for (const auto &[query, statement] : all) {
            if (!query->prepare(statement)) {
                *error = query->lastError().text();
                return false;
            }
        }
        return true;
    }

    QSqlQuery user, session, event, invite, answer, beyondKept, pruneAnswers;
    QSqlDatabase db;
};

namespace {

bool execute(QSqlQuery &query, const QVariantList &values, QString *error)
{
    for (int i = 0; i < values.size(); ++i)
        query.bindValue(i, values.at(i));
    if (query.exec())
        return true;
    *error = query.lastError().text();
    qCCritical(lcServer) << "storage:" << query.lastQuery().left(60) << "failed:" << *error;
    return false;
}

/// An error the waiting side can tell from success: never empty.
QString described(const QString &error)
{
    return error.isEmpty() ? QStringLiteral("SQLite failed without saying why") : error;
}

bool runOnce(
    const QSqlDatabase &db, const QString &statement, const QVariantList &values, QString *error)
{
    QSqlQuery query(db);
    if (!query.prepare(statement)) {
        *error = query.lastError().text();
        return false;
    }
    return execute(query, values, error);
}

} // namespace

SqliteWriter::~SqliteWriter()
{
    stop();
}

bool SqliteWriter::start(const Options &options, QString *error)
{
    m_options = options;
    m_connectionName = QStringLiteral("helpy-writer-") + QUuid::createUuid().toString(QUuid::Id128);
    m_thread = std::thread([this] { run(); });
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [this] { return m_ready || !m_error.isEmpty(); });
    if (m_ready)
        return true;
    if (error)
        *error = m_error;
    lock.unlock();
    stop();
    return false;
}

quint64 SqliteWriter::submit(Batch batch)
{
    std::lock_guard lock(m_mutex);
    if (!m_error.isEmpty() || m_stopping)
        return 0;
    m_queue.append(std::move(batch));
    m_changed.notify_all();
    return ++m_submitted;
}

quint64 SqliteWriter::submitted() const
{
    std::lock_guard lock(m_mutex);
    return m_submitted;
}

QString SqliteWriter::waitDurable(quint64 number)
{
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [&] { return m_durable >= number || !m_error.isEmpty(); });
    return m_durable >= number ? QString() : m_error;
}

void SqliteWriter::notifyWhenDurable(
    quint64 number, QObject *context, std::function<void(const QString &error)> done)
{
    std::lock_guard lock(m_mutex);
    m_notifications.append({ number, context, std::move(done) });
    postDueNotifications();
}

void SqliteWriter::cancelNotifications(const QObject *context)
{
    std::lock_guard lock(m_mutex);
    m_notifications.removeIf([context](const Notification &n) { return n.context == context; });
}

void SqliteWriter::postDueNotifications()
{
    // Posted under the lock: cancelNotifications() cannot return while one is being posted.
    while (!m_notifications.isEmpty()
        && (m_notifications.front().number <= m_durable || !m_error.isEmpty())) {
        Notification n = m_notifications.takeFirst();
        const QString error = n.number <= m_durable ? QString() : m_error;
        QMetaObject::invokeMethod(
            n.context, [done = std::move(n.done), error] { done(error); }, Qt::QueuedConnection);
    }
}

void SqliteWriter::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        m_changed.notify_all();
    }
    if (m_thread.joinable())
        m_thread.join();
}

QString SqliteWriter::error() const
{
    std::lock_guard lock(m_mutex);
    return m_error;
}

quint64 SqliteWriter::transactions() const
{
    std::lock_guard lock(m_mutex);
    return m_transactions;
}

void SqliteWriter::run()
{
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
        db.setDatabaseName(m_options.path);
        std::optional<Statements> statements;
        QString error;
        // FULL: each commit syncs the write-ahead log, so a batch reported durable survives
        // a power cut. Its checkpoints (every 1,000 pages of log) run here too.
        const bool opened = db.open()
            && runOnce(db, QStringLiteral("PRAGMA synchronous=FULL"), {}, &error)
            && runOnce(db, QStringLiteral("PRAGMA foreign_keys=ON"), {}, &error)
            && runOnce(db, QStringLiteral("PRAGMA busy_timeout=5000"), {}, &error)
            && runOnce(
                db, QStringLiteral("PRAGMA cache_size=-%1").arg(m_options.cacheKiB), {}, &error)
            && statements.emplace(db).prepare(&error);
        {
            std::lock_guard lock(m_mutex);
            if (opened)
                m_ready = true;
            else
                m_error = described(error.isEmpty() ? db.lastError().text() : error);
            m_changed.notify_all();
        }
        m_statements = opened ? &*statements : nullptr;
        while (opened) {
            QList<Batch> batches;
            quint64 last = 0;
            {
                std::unique_lock lock(m_mutex);
                m_changed.wait(lock, [this] { return !m_queue.isEmpty() || m_stopping; });
                if (m_queue.isEmpty())
                    break; // stopping, and everything is written
                batches = std::exchange(m_queue, {});
                last = m_submitted;
            }
            bool ok = true;
            const QString failed = apply(batches, &ok);
            std::lock_guard lock(m_mutex);
            if (!ok) {
                m_error = described(failed);
                m_queue.clear();
                m_changed.notify_all();
                postDueNotifications();
                break;
            }
            m_durable = last;
            ++m_transactions;
            m_changed.notify_all();
            postDueNotifications();
        }
        m_statements = nullptr;
        statements.reset();
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

QString SqliteWriter::apply(const QList<Batch> &batches, bool *ok)
{
    QSqlDatabase &db = m_statements->db;
    *ok = false;
    if (!db.transaction())
        return db.lastError().text();
    QString error;
    for (const Batch &batch : batches) {
        for (const Write &each : batch) {
            if (!write(each, &error)) {
                db.rollback();
                return error;
            }
        }
    }
    if (!db.commit()) {
        error = db.lastError().text();
        db.rollback();
        return error;
    }
    *ok = true;
    return {};
}

bool SqliteWriter::write(const Write &write, QString *error)
{
    Statements &s = *m_statements;
    if (const auto *user = std::get_if<SessionStore::StoredUser>(&write))
        return execute(s.user, { user->id, user->token, user->displayName }, error);
    if (const auto *session = std::get_if<SessionWrite>(&write))
        return execute(s.session, { session->id, session->title, session->epoch }, error);
    if (const auto *event = std::get_if<EventWrite>(&write))
        return execute(s.event, { event->sessionId, event->revision, event->event }, error);
    if (const auto *invite = std::get_if<SessionStore::StoredInvite>(&write)) {
        return execute(s.invite,
            { invite->code, invite->sessionId, Protocol::formatTimestamp(invite->expiresAt),
                invite->maxUses ? QVariant(*invite->maxUses) : QVariant(QMetaType(QMetaType::Int)),
                invite->uses, invite->revoked ? 1 : 0 },
            error);
    }
    if (const auto *bans = std::get_if<BansWrite>(&write)) {
        if (!runOnce(s.db, QStringLiteral("DELETE FROM bans WHERE session_id = ?"),
                { bans->sessionId }, error))
            return false;
        for (const QString &userId : bans->bannedUserIds) {
            if (!runOnce(s.db,
                    QStringLiteral("INSERT INTO bans (session_id, user_id) VALUES (?, ?)"),
                    { bans->sessionId, userId }, error))
                return false;
        }
        return true;
    }
    if (const auto *forget = std::get_if<ForgetWrite>(&write)) {
        // The deletion becomes the log's first event: a log is read from revision 1, gapless.
        return runOnce(s.db,
                   QStringLiteral("DELETE FROM events WHERE session_id = ? AND revision < ?"),
                   { forget->sessionId, forget->deletedRevision }, error)
            && runOnce(s.db,
                QStringLiteral(
                    "UPDATE events SET revision = 1 WHERE session_id = ? AND revision = ?"),
                { forget->sessionId, forget->deletedRevision }, error)
            && runOnce(s.db, QStringLiteral("DELETE FROM invites WHERE session_id = ?"),
                { forget->sessionId }, error)
            && runOnce(s.db, QStringLiteral("DELETE FROM bans WHERE session_id = ?"),
                { forget->sessionId }, error);
    }
    return saveAnswer(std::get<SessionStore::StoredAnswer>(write), error);
}

bool SqliteWriter::saveAnswer(const SessionStore::StoredAnswer &answer, QString *error)
{
    Statements &s = *m_statements;
    if (!execute(s.answer, { answer.userId, answer.requestId, answer.answer }, error))
        return false;
    // Now and then, this user's answers beyond the last answersPerUser go. Both statements
    // walk this user's entries of answers_by_user only: the cost does not grow with the
    // number of users, nor with anything but answersPerUser.
    int &written = m_answersSincePrune[answer.userId];
    if (++written < AnswersBetweenPrunes)
        return true;
    m_answersSincePrune.remove(answer.userId);
    if (!execute(s.beyondKept, { answer.userId, m_options.answersPerUser }, error))
        return false;
    if (!s.beyondKept.next()) {
        s.beyondKept.finish();
        return true; // not more than answersPerUser
    }
    const qint64 newestGone = s.beyondKept.value(0).toLongLong();
    s.beyondKept.finish();
    return execute(s.pruneAnswers, { answer.userId, newestGone }, error);
}
