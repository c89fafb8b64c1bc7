// SPDX-License-Identifier: MIT
#include "sqlitesessionstore.h"

#include "logging.h"
#include "protocol.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

#include <algorithm>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace {

QString syncError(const char *call, const QByteArray &path)
{
    return QStringLiteral("%1 %2: %3")
        .arg(QLatin1String(call), QFile::decodeName(path),
            QString::fromLocal8Bit(std::strerror(errno)));
}

/// A user's answers are trimmed to the last answersPerUser once this many more were written.
constexpr int AnswersBetweenPrunes = 64;

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

    m_walPath = QFile::encodeName(QFileInfo(m_path).absoluteFilePath() + QStringLiteral("-wal"));
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
    // NORMAL: a commit writes the log without syncing it (a crash of the process loses
    // nothing); durabilityBarrier() syncs it before anything committed is acknowledged or
    // delivered, so that what was acknowledged survives a power cut as with FULL.
    if (!exec(QStringLiteral("PRAGMA synchronous=NORMAL"))
        || !exec(QStringLiteral("PRAGMA foreign_keys=ON"))
        || !exec(QStringLiteral("PRAGMA busy_timeout=5000"))
        // SQLite's page cache is 2 MiB by default: a busy server's indexes (answers by user,
        // events by session) outgrow it and every commit re-reads pages from the OS.
        || !exec(QStringLiteral("PRAGMA cache_size=-%1").arg(CacheKiB)))
        return fail(m_lastError);
    QString migrationError;
    if (!migrate(&migrationError))
        return fail(migrationError);
    qCInfo(lcServer) << "storage:" << describe();
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
    query.exec(QStringLiteral("SELECT id, title, epoch FROM sessions"));
    while (query.next()) {
        sessionIndex.insert(query.value(0).toString(), contents.sessions.size());
        contents.sessions.append({ query.value(0).toString(), query.value(1).toString(),
            query.value(2).toString(), {}, {} });
    }
    query.exec(QStringLiteral(
        "SELECT session_id, revision, frame FROM events ORDER BY session_id, revision"));
    while (query.next()) {
        const auto it = sessionIndex.constFind(query.value(0).toString());
        if (it == sessionIndex.cend())
            continue;
        StoredSession &session = contents.sessions[*it];
        if (query.value(1).toLongLong() != session.events.size() + 1) {
            qCCritical(lcServer) << "storage: session" << session.id << "has a hole in its log at"
                                 << session.events.size() + 1 << "; later events are ignored";
            continue;
        }
        session.events.append(query.value(2).toString());
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
    // The newest answers, up to the bytes memory keeps of them: the table may hold more.
    query.exec(QStringLiteral("SELECT user_id, request_id, answer FROM answers ORDER BY seq DESC"));
    qint64 bytes = 0;
    while (query.next()) {
        StoredAnswer answer { query.value(0).toString(), query.value(1).toString(),
            query.value(2).toString() };
        bytes += qint64(answer.requestId.size() + answer.answer.size()) * qint64(sizeof(QChar));
        if (bytes > m_answerBytesLoaded)
            break;
        contents.answers.append(std::move(answer));
    }
    std::reverse(contents.answers.begin(), contents.answers.end()); // oldest first
    return contents;
}

void SqliteSessionStore::begin()
{
    m_failed = false;
    if (!m_db.transaction()) {
        m_lastError = m_db.lastError().text();
        m_failed = true;
    }
}

bool SqliteSessionStore::commit()
{
    if (m_failed) {
        m_db.rollback();
        return false;
    }
    if (!m_db.commit()) {
        m_lastError = m_db.lastError().text();
        m_db.rollback();
        return false;
    }
    return true;
}

std::function<QString()> SqliteSessionStore::durabilityBarrier()
{
    // A descriptor of its own, opened for each sync: the job may outlive this store's
    // connection, and SQLite's descriptors are not ours to share across threads.
    return [wal = m_walPath]() -> QString {
        const int fd = ::open(wal.constData(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) // no log: SQLite checkpointed and synced it into the database on close
            return errno == ENOENT ? QString() : syncError("open", wal);
        const bool synced = ::fdatasync(fd) == 0;
        const QString error = synced ? QString() : syncError("fdatasync", wal);
        ::close(fd);
        return error;
    };
}

void SqliteSessionStore::saveUser(const StoredUser &user)
{
    exec(QStringLiteral("INSERT INTO users (id, token, display_name) VALUES (?, ?, ?)"
                        " ON CONFLICT(id) DO UPDATE SET display_name = excluded.display_name"),
        { user.id, user.token, user.displayName });
}

void SqliteSessionStore::saveSession(const QString &id, const QString &title, const QString &epoch)
{
    exec(QStringLiteral("INSERT INTO sessions (id, title, epoch) VALUES (?, ?, ?)"),
        { id, title, epoch });
}

void SqliteSessionStore::appendEvent(
    const QString &sessionId, qint64 revision, const QString &event)
{
    exec(QStringLiteral("INSERT INTO events (session_id, revision, frame) VALUES (?, ?, ?)"),
        { sessionId, revision, event });
}

void SqliteSessionStore::saveInvite(const StoredInvite &invite)
{
    exec(QStringLiteral("INSERT OR REPLACE INTO invites"
                        " (code, session_id, expires_at, max_uses, uses, revoked)"
                        " VALUES (?, ?, ?, ?, ?, ?)"),
        { invite.code, invite.sessionId, Protocol::formatTimestamp(invite.expiresAt),
            invite.maxUses ? QVariant(*invite.maxUses) : QVariant(QMetaType(QMetaType::Int)),
            invite.uses, invite.revoked ? 1 : 0 });
}

void SqliteSessionStore::forgetSession(const QString &sessionId, qint64 deletedRevision)
{
    exec(QStringLiteral("DELETE FROM events WHERE session_id = ? AND revision < ?"),
        { sessionId, deletedRevision });
    // The deletion becomes the log's first event: a log is read from revision 1, gapless.
    exec(QStringLiteral("UPDATE events SET revision = 1 WHERE session_id = ? AND revision = ?"),
        { sessionId, deletedRevision });
    exec(QStringLiteral("DELETE FROM invites WHERE session_id = ?"), { sessionId });
    exec(QStringLiteral("DELETE FROM bans WHERE session_id = ?"), { sessionId });
}

void SqliteSessionStore::saveBans(const QString &sessionId, const QStringList &bannedUserIds)
{
    exec(QStringLiteral("DELETE FROM bans WHERE session_id = ?"), { sessionId });
    for (const QString &userId : bannedUserIds)
        exec(QStringLiteral("INSERT INTO bans (session_id, user_id) VALUES (?, ?)"),
            { sessionId, userId });
}

void SqliteSessionStore::saveAnswer(
    const QString &userId, const QString &requestId, const QString &answer)
{
    exec(QStringLiteral(
             "INSERT OR IGNORE INTO answers (user_id, request_id, answer) VALUES (?, ?, ?)"),
        { userId, requestId, answer });
    // Now and then, this user's answers beyond the last answersPerUser go. Both statements
    // walk this user's entries of answers_by_user only: the cost does not grow with the
    // number of users, nor with anything but answersPerUser.
    int &written = m_answersSincePrune[userId];
    if (++written < AnswersBetweenPrunes)
        return;
    m_answersSincePrune.remove(userId);
    QSqlQuery beyondKept(m_db);
    beyondKept.prepare(QStringLiteral("SELECT seq FROM answers WHERE user_id = ?"
                                      " ORDER BY seq DESC LIMIT 1 OFFSET ?"));
    beyondKept.addBindValue(userId);
    beyondKept.addBindValue(m_answersPerUser);
    if (!beyondKept.exec()) {
        m_lastError = beyondKept.lastError().text();
        m_failed = true;
        qCCritical(lcServer) << "storage: finding old answers failed:" << m_lastError;
        return;
    }
    if (!beyondKept.next())
        return; // not more than answersPerUser
    const qint64 newestGone = beyondKept.value(0).toLongLong();
    beyondKept.finish();
    exec(QStringLiteral("DELETE FROM answers WHERE user_id = ? AND seq <= ?"),
        { userId, newestGone });
}

void SqliteSessionStore::setAnswerBudget(int perUser, qint64 bytesLoaded)
{
    m_answersPerUser = std::max(1, perUser);
    m_answerBytesLoaded = bytesLoaded;
}
