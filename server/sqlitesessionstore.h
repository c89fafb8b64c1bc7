// SPDX-License-Identifier: MIT
#pragma once

#include "sessionstore.h"
#include "sqlitewriter.h"

#include <QLockFile>
#include <QSqlDatabase>

#include <memory>

/**
 * @brief SessionStore in one SQLite file (Qt SQL), WAL mode.
 *
 * The event loop only collects a transaction's writes: commit() hands them to the
 * SqliteWriter thread as one batch, which writes, commits and syncs them there (many batches
 * per SQL transaction and fsync when they queue up). durabilityBarrier() waits for that, so
 * that the caller can wait off its event loop (Transactions does) and still send nothing
 * before it is done.
 *
 * The schema carries a version in `meta`; open() applies the migration steps from the
 * file's version up to SchemaVersion, each in its own transaction.
 */
class SqliteSessionStore final : public SessionStore
{
public:
    static constexpr int SchemaVersion = 5;
    /// SQLite's page cache, at most (PRAGMA cache_size): enough for the hot indexes.
    static constexpr int CacheKiB = 32 * 1024;

    explicit SqliteSessionStore(QString path);
    ~SqliteSessionStore() override;

    bool open(QString *error) override;
    Contents load() override;
    void begin() override;
    bool commit() override;
    /// Waits until the writer thread has committed and synced every batch handed to it so
    /// far (synchronous=FULL: it survives a power cut).
    std::function<QString()> durabilityBarrier() override;
    bool notifyWhenDurable(
        QObject *context, std::function<void(const QString &error)> done) override;
    void cancelDurableNotifications(const QObject *context) override;
    void saveUser(const StoredUser &user) override;
    void saveSession(const QString &id, const QString &title, const QString &epoch) override;
    void appendEvent(const QString &sessionId, qint64 revision, const QString &event) override;
    void saveInvite(const StoredInvite &invite) override;
    void saveBans(const QString &sessionId, const QStringList &bannedUserIds) override;
    void forgetSession(const QString &sessionId, qint64 deletedRevision) override;
    void saveAnswer(
        const QString &userId, const QString &requestId, const QString &answer) override;
    QString lastError() const override { return m_lastError; }
    QString describe() const override;

    /// load() reads the newest answers up to `bytesLoaded` (UTF-16 bytes of answer and
    /// requestId, SqliteWriter::answerBytes); the file keeps those and trims the older ones.
    /// Before open().
    void setAnswerBudget(qint64 bytesLoaded);
    /// SqliteWriter::Options::commitSpacing, before open().
    void setCommitSpacing(std::chrono::microseconds spacing) { m_commitSpacing = spacing; }
    /// SQL transactions the writer thread committed (each one fsync) so far.
    quint64 writtenTransactions() const { return m_writer->transactions(); }

private:
    bool exec(const QString &statement, const QVariantList &values = {});
    bool migrate(QString *error);
    /// Notes in the file that a server runs on it, after starting new epochs if the last
    /// one did not stop cleanly.
    bool markRunning();

    QString m_path;
    QString m_connectionName;
    QSqlDatabase m_db;
    std::unique_ptr<QLockFile> m_lock;
    QString m_lastError;
    bool m_failed = false; ///< a statement of the migration step failed
    bool m_running = false; ///< 'running' is in meta: removed when this store closes cleanly
    SqliteWriter::Batch m_open; ///< the open transaction's writes, for the writer
    qint64 m_answerBytesLoaded = 64 * 1024 * 1024;
    std::chrono::microseconds m_commitSpacing { 0 };
    /// Shared with the durability barriers, which may outlive the store; stopped (its writes
    /// done) by the destructor before the loop's connection closes.
    std::shared_ptr<SqliteWriter> m_writer = std::make_shared<SqliteWriter>();
};
