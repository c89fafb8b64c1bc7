// SPDX-License-Identifier: MIT
#pragma once

#include "sessionstore.h"

#include <QLockFile>
#include <QSqlDatabase>

#include <memory>

/**
 * @brief SessionStore in one SQLite file (Qt SQL), WAL mode, one transaction per change.
 *
 * A commit writes the log; durabilityBarrier() syncs it, so that the caller can run the
 * fsync off its event loop (Transactions does) and still send nothing before it is done.
 *
 * The schema carries a version in `meta`; open() applies the migration steps from the
 * file's version up to SchemaVersion, each in its own transaction.
 */
class SqliteSessionStore final : public SessionStore
{
public:
    static constexpr int SchemaVersion = 4;
    /// SQLite's page cache, at most (PRAGMA cache_size): enough for the hot indexes.
    static constexpr int CacheKiB = 32 * 1024;

    explicit SqliteSessionStore(QString path);
    ~SqliteSessionStore() override;

    bool open(QString *error) override;
    Contents load() override;
    void begin() override;
    bool commit() override;
    /// An fdatasync of the write-ahead log: commit() only writes it (synchronous=NORMAL),
    /// which a crash of the process cannot lose; the barrier makes it survive a power cut.
    std::function<QString()> durabilityBarrier() override;
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

    /// Each user's last `perUser` answers are kept (trimmed every few writes); load() reads
    /// the newest up to `bytesLoaded` (UTF-16 bytes of answer and requestId).
    void setAnswerBudget(int perUser, qint64 bytesLoaded);

private:
    bool exec(const QString &statement, const QVariantList &values = {});
    bool migrate(QString *error);

    QString m_path;
    QByteArray m_walPath; ///< SQLite's write-ahead log, which durabilityBarrier() syncs
    QString m_connectionName;
    QSqlDatabase m_db;
    std::unique_ptr<QLockFile> m_lock;
    QString m_lastError;
    bool m_failed = false; ///< a statement of the open transaction failed
    QHash<QString, int> m_answersSincePrune; ///< by user: answers written since its last trim
    int m_answersPerUser = 1024;
    qint64 m_answerBytesLoaded = 64 * 1024 * 1024;
};
