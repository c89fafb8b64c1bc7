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

/// The answers are trimmed to the bytes kept once this many more were written.
constexpr int AnswersBetweenTrims = 64;

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
        , trimAnswers(db)
        , sweepScan(db)
        , sweepDelete(db)
        , saveSweep(db)
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
                    "INSERT INTO event_log (session_id, revision, frame) VALUES (?, ?, ?)") },
            { &invite,
                QStringLiteral("INSERT OR REPLACE INTO invites"
                               " (code, session_id, expires_at, max_uses, uses, revoked)"
                               " VALUES (?, ?, ?, ?, ?, ?)") },
            { &answer,
                QStringLiteral("INSERT INTO answer_log (pos, user_id, request_id, answer)"
                               " VALUES (?, ?, ?, ?)") },
            { &trimAnswers, QStringLiteral("DELETE FROM answer_log WHERE pos <= ?") },
            { &sweepScan,
                QStringLiteral("SELECT seq, session_id FROM event_log WHERE seq > ?"
                               " ORDER BY seq LIMIT ?") },
            { &sweepDelete, QStringLiteral("DELETE FROM event_log WHERE seq = ?") },
            { &saveSweep,
                QStringLiteral(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('log_sweep', ?)") },
        };
        for (const auto &[query, statement] : all) {
            if (!query->prepare(statement)) {
                *error = query->lastError().text();
                return false;
            }
        }
        return true;
    }

    QSqlQuery user, session, event, invite, answer, trimAnswers, sweepScan, sweepDelete, saveSweep;
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
    // Only an empty queue has the writer waiting for it: one wake-up per commit, not per
    // batch (the spacing's wait is not woken by every batch that joins it).
    if (m_queue.isEmpty())
        m_work.notify_one();
    m_queue.append(std::move(batch));
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
    ++m_hurried;
    m_work.notify_one();
    m_changed.wait(lock, [&] { return m_durable >= number || !m_error.isEmpty(); });
    --m_hurried;
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
        m_work.notify_one();
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
        bool opened = db.open()
            && runOnce(db, QStringLiteral("PRAGMA synchronous=FULL"), {}, &error)
            && runOnce(db, QStringLiteral("PRAGMA foreign_keys=ON"), {}, &error)
            && runOnce(db, QStringLiteral("PRAGMA busy_timeout=5000"), {}, &error)
            && runOnce(
                db, QStringLiteral("PRAGMA cache_size=-%1").arg(m_options.cacheKiB), {}, &error)
            && statements.emplace(db).prepare(&error);
        m_statements = opened ? &*statements : nullptr;
        opened = opened && resume(&error);
        {
            std::lock_guard lock(m_mutex);
            if (opened)
                m_ready = true;
            else
                m_error = described(error.isEmpty() ? db.lastError().text() : error);
            m_changed.notify_all();
        }
        using Clock = std::chrono::steady_clock;
        // None before the first: a default time point is the clock's epoch (the machine's
        // boot), and within `commitSpacing` of the boot the first commit would wait.
        std::optional<Clock::time_point> lastCommit;
        while (opened) {
            QList<Batch> batches;
            quint64 last = 0;
            {
                std::unique_lock lock(m_mutex);
                // A sweep under way goes on while nothing else is to be written; it is
                // stored, so a stop leaves it for the next run.
                m_work.wait(lock,
                    [this] { return !m_queue.isEmpty() || m_stopping || m_sweep.has_value(); });
                if (m_queue.isEmpty() && m_stopping)
                    break; // everything is written
                // Too soon after the last commit: what arrives meanwhile joins this one.
                if (lastCommit) {
                    m_work.wait_until(lock, *lastCommit + m_options.commitSpacing,
                        [this] { return m_stopping || m_hurried > 0; });
                }
                lastCommit = Clock::now();
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
    m_appended.clear();
    QString error;
    for (const Batch &batch : batches) {
        for (const Write &each : batch) {
            if (!write(each, &error)) {
                db.rollback();
                return error;
            }
        }
    }
    // A sweep under way takes one step in each transaction: with the batches, it costs no
    // fsync of its own; alone (nothing else waits), it goes on a step per commit spacing.
    if (m_sweep && !sweepStep(&error)) {
        db.rollback();
        return error;
    }
    if (!db.commit()) {
        error = db.lastError().text();
        db.rollback();
        return error;
    }
    *ok = true;
    return {};
}

bool SqliteWriter::resume(QString *error)
{
    QSqlQuery query(m_statements->db);
    query.setForwardOnly(true);
    if (!query.exec(QStringLiteral("SELECT coalesce(max(pos), 0) FROM answer_log"))
        || !query.next()) {
        *error = query.lastError().text();
        return false;
    }
    m_answerEnd = query.value(0).toLongLong();
    if (!query.exec(QStringLiteral("SELECT value FROM meta WHERE key = 'log_sweep'"))) {
        *error = query.lastError().text();
        return false;
    }
    if (!query.next())
        return true; // no garbage in the log
    const QStringList parts = query.value(0).toString().split(QLatin1Char(' '));
    m_sweep = Sweep { parts.value(0).toLongLong(), parts.value(1) == QLatin1String("1") };
    if (!query.exec(QStringLiteral("SELECT id, log_from FROM sessions WHERE log_from > 0"))) {
        *error = query.lastError().text();
        return false;
    }
    while (query.next())
        m_logFrom.insert(query.value(0).toString(), query.value(1).toLongLong());
    return true;
}

bool SqliteWriter::saveSweep(QString *error)
{
    if (!m_sweep) {
        // Every deleted session's earlier rows are gone: nothing to remember of them.
        m_logFrom.clear();
        return runOnce(m_statements->db, QStringLiteral("DELETE FROM meta WHERE key = 'log_sweep'"),
            {}, error);
    }
    return execute(m_statements->saveSweep,
        { QStringLiteral("%1 %2").arg(m_sweep->cursor).arg(m_sweep->again ? 1 : 0) }, error);
}

bool SqliteWriter::sweepStep(QString *error)
{
    Statements &s = *m_statements;
    if (!execute(s.sweepScan, { m_sweep->cursor, SweepRows }, error))
        return false;
    QList<qint64> garbage;
    int rows = 0;
    while (s.sweepScan.next()) {
        ++rows;
        m_sweep->cursor = s.sweepScan.value(0).toLongLong();
        const auto deleted = m_logFrom.constFind(s.sweepScan.value(1).toString());
        if (deleted != m_logFrom.cend() && m_sweep->cursor < *deleted)
            garbage.append(m_sweep->cursor);
    }
    s.sweepScan.finish();
    for (const qint64 seq : garbage) {
        if (!execute(s.sweepDelete, { seq }, error))
            return false;
    }
    if (rows < SweepRows) { // the end of the log
        if (m_sweep->again)
            m_sweep = Sweep {}; // a session deleted meanwhile may have rows behind the cursor
        else
            m_sweep.reset();
    }
    return saveSweep(error);
}

bool SqliteWriter::write(const Write &write, QString *error)
{
    Statements &s = *m_statements;
    if (const auto *user = std::get_if<SessionStore::StoredUser>(&write))
        return execute(s.user, { user->id, user->token, user->displayName }, error);
    if (const auto *session = std::get_if<SessionWrite>(&write))
        return execute(s.session, { session->id, session->title, session->epoch }, error);
    if (const auto *event = std::get_if<EventWrite>(&write)) {
        if (!execute(s.event, { event->sessionId, event->revision, event->event }, error))
            return false;
        m_appended.insert(
            event->sessionId, { event->revision, s.event.lastInsertId().toLongLong() });
        return true;
    }
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
    if (const auto *forget = std::get_if<ForgetWrite>(&write))
        return this->forget(*forget, error);
    return saveAnswer(std::get<SessionStore::StoredAnswer>(write), error);
}

bool SqliteWriter::forget(const ForgetWrite &forget, QString *error)
{
    // The deletion is the log's first event now: a log is read from revision 1, gapless. It
    // was appended in this transaction (deleting publishes it, then forgets).
    qint64 first = 0;
    const auto appended = m_appended.constFind(forget.sessionId);
    if (appended != m_appended.cend() && appended->first == forget.deletedRevision) {
        first = appended->second;
    } else {
        // Written earlier (nothing does so today): looked for, a scan of the log. Not there
        // at all, the session's log is emptied (it begins past the log's end).
        QSqlQuery query(m_statements->db);
        query.prepare(QStringLiteral(
            "SELECT coalesce((SELECT max(seq) FROM event_log WHERE session_id = ?"
            " AND revision = ?), (SELECT coalesce(max(seq), 0) + 1 FROM event_log))"));
        query.addBindValue(forget.sessionId);
        query.addBindValue(forget.deletedRevision);
        if (!query.exec() || !query.next()) {
            *error = query.lastError().text();
            return false;
        }
        first = query.value(0).toLongLong();
        qCWarning(lcServer) << "storage: the deletion of" << forget.sessionId
                            << "was not written with it; its log begins at row" << first;
    }
    const QSqlDatabase &db = m_statements->db;
    if (!runOnce(
            db, QStringLiteral("UPDATE event_log SET revision = 1 WHERE seq = ?"), { first }, error)
        || !runOnce(db, QStringLiteral("UPDATE sessions SET log_from = ? WHERE id = ?"),
            { first, forget.sessionId }, error)
        || !runOnce(db, QStringLiteral("DELETE FROM invites WHERE session_id = ?"),
            { forget.sessionId }, error)
        || !runOnce(db, QStringLiteral("DELETE FROM bans WHERE session_id = ?"),
            { forget.sessionId }, error))
        return false;
    // Its earlier rows are garbage from now on (load() skips them); the sweep deletes them.
    m_logFrom.insert(forget.sessionId, first);
    if (m_sweep)
        m_sweep->again = true; // the pass under way may be past some of them
    else
        m_sweep = Sweep {};
    return saveSweep(error);
}

bool SqliteWriter::saveAnswer(const SessionStore::StoredAnswer &answer, QString *error)
{
    Statements &s = *m_statements;
    // pos is the running end of the answers' bytes (plus one each, so that it grows with
    // every answer): the oldest beyond the bytes kept are a range at the start of the table.
    m_answerEnd += answerBytes(answer) + 1;
    if (!execute(s.answer, { m_answerEnd, answer.userId, answer.requestId, answer.answer }, error))
        return false;
    if (++m_answersSinceTrim < AnswersBetweenTrims)
        return true;
    m_answersSinceTrim = 0;
    return execute(s.trimAnswers, { m_answerEnd - m_options.answerBytesKept }, error);
}
