// SPDX-License-Identifier: MIT
#include "sqlitesessionstore.h"

#include "logging.h"
#include "protocol.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

#include <algorithm>
#include <vector>

namespace {

/// Migration step N brings the schema from version N-1 to N.
const QList<QStringList> &migrations()
{
    static const QList<QStringList> steps {
        // 1: identities, sessions and their event logs, invite codes
        {
            QStringLiteral("CREATE TABLE users (id TEXT PRIMARY KEY, token TEXT NOT NULL UNIQUE,"
                           " display_name TEXT NOT NULL)"),
            QStringLiteral("CREATE TABLE sessions (id TEXT PRIMARY KEY, title TEXT NOT NULL,"
                           " epoch TEXT NOT NULL)"),
            QStringLiteral("CREATE TABLE events (session_id TEXT NOT NULL REFERENCES sessions(id),"
                           " revision INTEGER NOT NULL, frame TEXT NOT NULL,"
                           " PRIMARY KEY (session_id, revision)) WITHOUT ROWID"),
            QStringLiteral("CREATE TABLE invites (code TEXT PRIMARY KEY,"
                           " session_id TEXT NOT NULL REFERENCES sessions(id))"),
        },
        // 2: answers already given, so a retry after a restart is still applied once
        {
            QStringLiteral("CREATE TABLE answers (seq INTEGER PRIMARY KEY AUTOINCREMENT,"
                           " user_id TEXT NOT NULL, request_id TEXT NOT NULL, answer TEXT NOT NULL,"
                           " UNIQUE (user_id, request_id))"),
        },
        // 3: each user's answers by age, so that trimming them costs that user's rows only;
        // list_sessions answers are not kept any more (a retried read is recomputed)
        {
            QStringLiteral("CREATE INDEX answers_by_user ON answers (user_id, seq)"),
            QStringLiteral("DELETE FROM answers WHERE instr(answer, '\"sessions\":[') > 0"),
        },
        // 4 (membership): invite terms (expiry, uses, revocation) and bans. Codes made before
        // expire a week after the upgrade, as new ones do by default.
        {
            QStringLiteral("ALTER TABLE invites ADD COLUMN expires_at TEXT"),
            QStringLiteral("ALTER TABLE invites ADD COLUMN max_uses INTEGER"),
            QStringLiteral("ALTER TABLE invites ADD COLUMN uses INTEGER NOT NULL DEFAULT 0"),
            QStringLiteral("ALTER TABLE invites ADD COLUMN revoked INTEGER NOT NULL DEFAULT 0"),
            QStringLiteral("UPDATE invites SET expires_at ="
                           " strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '+7 days')"),
            QStringLiteral("CREATE TABLE bans (session_id TEXT NOT NULL REFERENCES sessions(id),"
                           " user_id TEXT NOT NULL, PRIMARY KEY (session_id, user_id))"
                           " WITHOUT ROWID"),
        },
        // 5 (issue 16): the events and the answers are logs appended to, so a commit writes the
        // last page of each and no page in the middle of a B-tree. A deleted session's events
        // before its deletion (sessions.log_from) are left to the writer's sweep; answers are
        // trimmed from the oldest end to the bytes load() reads (answer_log.pos is the running
        // end of the answers' bytes). answer_log keeps no per-user index: load() never read a
        // user's answers beyond the newest bytes it keeps in all.
        {
            QStringLiteral("CREATE TABLE event_log (seq INTEGER PRIMARY KEY,"
                           " session_id TEXT NOT NULL REFERENCES sessions(id),"
                           " revision INTEGER NOT NULL,"
                           " frame TEXT NOT NULL)"),
            QStringLiteral("INSERT INTO event_log (session_id, revision, frame)"
                           " SELECT session_id, revision, frame FROM events"
                           " ORDER BY session_id, revision"),
            QStringLiteral("DROP TABLE events"),
            QStringLiteral("ALTER TABLE sessions ADD COLUMN log_from INTEGER NOT NULL DEFAULT 0"),
            QStringLiteral(
                "CREATE TABLE answer_log (pos INTEGER PRIMARY KEY,"
                " user_id TEXT NOT NULL, request_id TEXT NOT NULL, answer TEXT NOT NULL)"),
            QStringLiteral("INSERT INTO answer_log (pos, user_id, request_id, answer)"
                           " SELECT sum(2 * (length(request_id) + length(answer)) + 1)"
                           " OVER (ORDER BY seq), user_id, request_id, answer FROM answers"
                           " ORDER BY seq"),
            QStringLiteral("DROP TABLE answers"),
        },
    };
    return steps;
}

} // namespace

SqliteSessionStore::SqliteSessionStore(QString path)
    : m_path(std::move(path))
    , m_connectionName(QStringLiteral("helpy-store-") + QUuid::createUuid().toString(QUuid::Id128))
{ }

SqliteSessionStore::~SqliteSessionStore()
{
    m_writer->stop(); // writes what was committed; the last connection to close checkpoints
    // Everything delivered was written: the next run goes on with the same epochs.
    if (m_running && m_writer->error().isEmpty())
        exec(QStringLiteral("DELETE FROM meta WHERE key = 'running'"));
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
}

QString SqliteSessionStore::describe() const
{
    return QStringLiteral("SQLite %1").arg(QFileInfo(m_path).absoluteFilePath());
}

bool SqliteSessionStore::exec(const QString &statement, const QVariantList &values)
{
    QSqlQuery query(m_db);
    if (!query.prepare(statement)) {
        m_lastError = query.lastError().text();
        m_failed = true;
        return false;
    }
    for (const QVariant &value : values)
        query.addBindValue(value);
    if (!query.exec()) {
        m_lastError = query.lastError().text();
        m_failed = true;
        qCCritical(lcServer) << "storage:" << statement.left(60) << "failed:" << m_lastError;
        return false;
    }
    return true;
}

bool SqliteSessionStore::open(QString *error)
{
    auto fail = [&](const QString &message) {
        m_lastError = message;
        if (error)
            *error = QStringLiteral("%1: %2").arg(describe(), message);
        return false;
    };
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QSQLITE")))
        return fail(QStringLiteral("the Qt SQLite driver is not installed (libqt6sql6-sqlite)"));
    const QFileInfo file(m_path);
    if (!QDir().mkpath(file.absolutePath()))
        return fail(QStringLiteral("cannot create the folder %1").arg(file.absolutePath()));
    if (file.exists() && !file.isWritable())
        return fail(QStringLiteral("the file is not writable"));
    // Two servers on one file would both number the same sessions' events: one owner only.
    m_lock = std::make_unique<QLockFile>(m_path + QStringLiteral(".lock"));
    m_lock->setStaleLockTime(0); // a crashed owner's lock is stale once its pid is gone
    if (!m_lock->tryLock(0)) {
        qint64 pid = 0;
        QString host, app;
        m_lock->getLockInfo(&pid, &host, &app);
        m_lock.reset();
        return fail(QStringLiteral("in use by another server (%1, pid %2)").arg(app).arg(pid));
    }

    m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
    m_db.setDatabaseName(m_path);
    if (!m_db.open())
        return fail(m_db.lastError().text());
    // SQLite opens anything lazily; reading the schema proves the file is a database.
    {
        QSqlQuery probe(m_db);
        if (!probe.exec(QStringLiteral("PRAGMA schema_version")))
            return fail(QStringLiteral("not a usable database (%1)").arg(probe.lastError().text()));
    } // a query left open would hold a read transaction, and WAL cannot be entered inside one
    {
        QSqlQuery wal(m_db);
        if (!wal.exec(QStringLiteral("PRAGMA journal_mode=WAL")) || !wal.next()
            || wal.value(0).toString().compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0)
            return fail(
                QStringLiteral("cannot switch to WAL mode (%1)").arg(wal.lastError().text()));
    }
    // This connection migrates and loads; every later write goes through m_writer's own.
    if (!exec(QStringLiteral("PRAGMA synchronous=FULL"))
        || !exec(QStringLiteral("PRAGMA foreign_keys=ON"))
        || !exec(QStringLiteral("PRAGMA busy_timeout=5000")))
        return fail(m_lastError);
    QString migrationError;
    if (!migrate(&migrationError))
        return fail(migrationError);
    if (!markRunning())
        return fail(m_lastError);
    QString writerError;
    if (!m_writer->start({ m_path, m_answerBytesLoaded, CacheKiB, m_commitSpacing }, &writerError))
        return fail(writerError);
    qCInfo(lcServer) << "storage:" << describe();
    return true;
}

bool SqliteSessionStore::markRunning()
{
    // 'running' stays in the file while a server has it open. Found at start, the last run
    // did not stop cleanly (killed, crashed, power cut): it may have delivered events that
    // its writer never synced (ServerOptions::deliverBeforeSync), which clients hold and
    // this file does not. Their revisions mean nothing now, so each session starts a new
    // epoch, and every client that comes back takes a snapshot of what is here.
    bool unclean = false;
    {
        QSqlQuery query(m_db);
        unclean = query.exec(QStringLiteral("SELECT value FROM meta WHERE key = 'running'"))
            && query.next();
    }
    m_failed = false;
    m_db.transaction();
    if (unclean) {
        exec(QStringLiteral("UPDATE sessions SET epoch = lower(hex(randomblob(8)))"));
        qCWarning(lcServer) << "storage: the last run did not stop cleanly; every session"
                               " starts a new epoch (its clients take a snapshot)";
    }
    exec(QStringLiteral("INSERT OR REPLACE INTO meta (key, value) VALUES ('running', ?)"),
        { QDateTime::currentDateTimeUtc().toString(Qt::ISODate) });
    if (m_failed || !m_db.commit()) {
        m_db.rollback();
        m_lastError = QStringLiteral("cannot write (%1)").arg(m_lastError);
        return false;
    }
    m_running = true;
    return true;
}

bool SqliteSessionStore::migrate(QString *error)
{
    if (!exec(QStringLiteral(
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"))) {
        *error = QStringLiteral("cannot write (%1)").arg(m_lastError);
        return false;
    }
    int version = 0;
    {
        QSqlQuery query(m_db);
        if (query.exec(QStringLiteral("SELECT value FROM meta WHERE key = 'schema_version'"))
            && query.next())
            version = query.value(0).toInt();
    }
    if (version > SchemaVersion) {
        *error = QStringLiteral("written by a newer helpy-server (schema %1; this one knows %2)")
                     .arg(version)
                     .arg(SchemaVersion);
        return false;
    }
    for (int step = version + 1; step <= SchemaVersion; ++step) {
        m_failed = false;
        m_db.transaction();
        for (const QString &statement : migrations().at(step - 1))
            exec(statement);
        exec(
            QStringLiteral("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)"),
            { QString::number(step) });
        if (m_failed || !m_db.commit()) {
            m_db.rollback();
            *error
                = QStringLiteral("migration to schema %1 failed (%2)").arg(step).arg(m_lastError);
            return false;
        }
        qCInfo(lcServer) << "storage: migrated to schema" << step;
    }
    return true;
}

SessionStore::Contents SqliteSessionStore::load()
{
    Contents contents;
    QSqlQuery query(m_db);
    query.setForwardOnly(true);
    query.exec(QStringLiteral("SELECT id, token, display_name FROM users"));
    while (query.next())
        contents.users.append(
            { query.value(0).toString(), query.value(1).toString(), query.value(2).toString() });

    QHash<QString, qsizetype> sessionIndex;
    std::vector<qint64> logFrom; // by session index: where its log begins (after a deletion)
    query.exec(QStringLiteral("SELECT id, title, epoch, log_from FROM sessions"));
    while (query.next()) {
        sessionIndex.insert(query.value(0).toString(), contents.sessions.size());
        contents.sessions.append({ query.value(0).toString(), query.value(1).toString(),
            query.value(2).toString(), {}, {} });
        logFrom.push_back(query.value(3).toLongLong());
    }
    // In the order written, which is each session's order of revisions.
    query.exec(
        QStringLiteral("SELECT seq, session_id, revision, frame FROM event_log ORDER BY seq"));
    while (query.next()) {
        const auto it = sessionIndex.constFind(query.value(1).toString());
        if (it == sessionIndex.cend() || query.value(0).toLongLong() < logFrom[size_t(*it)])
            continue; // before its session's deletion: the writer's sweep has yet to reach it
        StoredSession &session = contents.sessions[*it];
        if (query.value(2).toLongLong() != session.events.size() + 1) {
            qCCritical(lcServer) << "storage: session" << session.id << "has a hole in its log at"
                                 << session.events.size() + 1 << "; later events are ignored";
            continue;
        }
        session.events.append(query.value(3).toString());
    }
    query.exec(QStringLiteral("SELECT session_id, user_id FROM bans ORDER BY session_id"));
    while (query.next()) {
        const auto it = sessionIndex.constFind(query.value(0).toString());
        if (it != sessionIndex.cend())
            contents.sessions[*it].bannedUserIds.append(query.value(1).toString());
    }
    query.exec(QStringLiteral(
        "SELECT code, session_id, expires_at, max_uses, uses, revoked FROM invites"));
    while (query.next()) {
        StoredInvite invite;
        invite.code = query.value(0).toString();
        invite.sessionId = query.value(1).toString();
        invite.expiresAt = Protocol::parseTimestamp(query.value(2).toString());
        if (!query.value(3).isNull())
            invite.maxUses = query.value(3).toInt();
        invite.uses = query.value(4).toInt();
        invite.revoked = query.value(5).toBool();
        contents.invites.append(invite);
    }
    // The newest answers, up to the bytes memory keeps of them: the table may hold a little
    // more (the writer trims it every few answers).
    query.exec(
        QStringLiteral("SELECT user_id, request_id, answer FROM answer_log ORDER BY pos DESC"));
    qint64 bytes = 0;
    while (query.next()) {
        StoredAnswer answer { query.value(0).toString(), query.value(1).toString(),
            query.value(2).toString() };
        bytes += SqliteWriter::answerBytes(answer);
        if (bytes > m_answerBytesLoaded)
            break;
        contents.answers.append(std::move(answer));
    }
    std::reverse(contents.answers.begin(), contents.answers.end()); // oldest first
    return contents;
}

void SqliteSessionStore::begin()
{
    m_open.clear();
}

bool SqliteSessionStore::commit()
{
    if (m_open.isEmpty())
        return m_writer->error().isEmpty(); // nothing to write: durable once what came before is
    if (m_writer->submit(std::exchange(m_open, {})) == 0) {
        m_lastError = m_writer->error();
        return false;
    }
    return true;
}

std::function<QString()> SqliteSessionStore::durabilityBarrier()
{
    // Waits for the writer thread to have written and synced every batch handed over so far.
    return
        [writer = m_writer, number = m_writer->submitted()] { return writer->waitDurable(number); };
}

bool SqliteSessionStore::notifyWhenDurable(
    QObject *context, std::function<void(const QString &error)> done)
{
    m_writer->notifyWhenDurable(m_writer->submitted(), context, std::move(done));
    return true;
}

void SqliteSessionStore::cancelDurableNotifications(const QObject *context)
{
    m_writer->cancelNotifications(context);
}

void SqliteSessionStore::saveUser(const StoredUser &user)
{
    m_open.append(user);
}

void SqliteSessionStore::saveSession(const QString &id, const QString &title, const QString &epoch)
{
    m_open.append(SqliteWriter::SessionWrite { id, title, epoch });
}

void SqliteSessionStore::appendEvent(
    const QString &sessionId, qint64 revision, const QString &event)
{
    m_open.append(SqliteWriter::EventWrite { sessionId, revision, event });
}

void SqliteSessionStore::saveInvite(const StoredInvite &invite)
{
    m_open.append(invite);
}

void SqliteSessionStore::forgetSession(const QString &sessionId, qint64 deletedRevision)
{
    m_open.append(SqliteWriter::ForgetWrite { sessionId, deletedRevision });
}

void SqliteSessionStore::saveBans(const QString &sessionId, const QStringList &bannedUserIds)
{
    m_open.append(SqliteWriter::BansWrite { sessionId, bannedUserIds });
}

void SqliteSessionStore::saveAnswer(
    const QString &userId, const QString &requestId, const QString &answer)
{
    m_open.append(StoredAnswer { userId, requestId, answer });
}

void SqliteSessionStore::setAnswerBudget(qint64 bytesLoaded)
{
    m_answerBytesLoaded = std::max<qint64>(0, bytesLoaded);
}
