// SPDX-License-Identifier: MIT
#pragma once

#include "sessionstore.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <variant>

/**
 * @brief The thread that writes SqliteSessionStore's file: every statement, commit, fsync and
 * checkpoint runs here, on a connection of its own, never on the event loop.
 *
 * The loop hands over each committed group of writes as a batch (submit()) and goes on.
 * The thread takes every batch that is waiting, applies them in one SQL transaction and
 * commits it with synchronous=FULL (one fsync of the write-ahead log), then reports that
 * batch number as durable. So the number of fsyncs does not grow with the rate of changes:
 * while one transaction is being written, the batches submitted meanwhile gather for the
 * next. A failed statement or commit rolls that transaction back and fails the writer for
 * good (its error); nothing submitted after is written.
 *
 * The events and the answers are logs it appends to (schema 5). It also keeps them: every
 * 64 answers it trims the oldest beyond the bytes load() reads, and after a session is
 * deleted it sweeps that session's earlier events out of the log, SweepRows rows per
 * transaction (with the batches, or alone while none waits), resumed after a restart.
 */
class SqliteWriter
{
public:
    struct SessionWrite
    {
        QString id;
        QString title;
        QString epoch;
    };
    struct EventWrite
    {
        QString sessionId;
        qint64 revision = 0;
        QString event;
    };
    struct BansWrite
    {
        QString sessionId;
        QStringList bannedUserIds;
    };
    struct ForgetWrite
    {
        QString sessionId;
        qint64 deletedRevision = 0;
    };
    using Write = std::variant<SessionStore::StoredUser, SessionWrite, EventWrite,
        SessionStore::StoredInvite, BansWrite, ForgetWrite, SessionStore::StoredAnswer>;
    using Batch = QList<Write>;

    struct Options
    {
        QString path;
        /// The answers' bytes kept (answerBytes, newest first): what load() reads of them.
        qint64 answerBytesKept = 64 * 1024 * 1024;
        int cacheKiB = 32 * 1024;
        /// A commit begins at least this long after the one before began: under load the
        /// batches that arrive meanwhile share its fsync (at most 1 s / this many per
        /// second). A commit after a quiet spell is not delayed. waitDurable() and stop()
        /// do not wait for it.
        std::chrono::microseconds commitSpacing { 0 };
    };
    /// A sweep of the event log looks at this many rows in each transaction.
    static constexpr int SweepRows = 1024;

    /// What an answer counts for in the budget of answers kept (UTF-16 bytes of its text and
    /// requestId), here and in load().
    static qint64 answerBytes(const SessionStore::StoredAnswer &answer)
    {
        return qint64(answer.requestId.size() + answer.answer.size()) * qint64(sizeof(QChar));
    }

    SqliteWriter() = default;
    /// Writes what was submitted, then stops the thread.
    ~SqliteWriter();
    Q_DISABLE_COPY_MOVE(SqliteWriter)

    /// Starts the thread and opens its connection; false with the error when it cannot.
    bool start(const Options &options, QString *error);
    /// Queues a batch; its number (1, 2, …), or 0 when the writer failed (error()).
    quint64 submit(Batch batch);
    /// The last batch number submitted so far.
    quint64 submitted() const;
    /// Blocks until batch `number` is durable; the writer's error, or empty. Any thread.
    QString waitDurable(quint64 number);
    /// Has `done` called on `context`'s thread (queued) once batch `number` is durable, with
    /// the writer's error if it failed first: the loop waits for no thread. In order of
    /// `number` for one context.
    void notifyWhenDurable(
        quint64 number, QObject *context, std::function<void(const QString &error)> done);
    /// Forgets the notifications asked for `context` (it is going away): none is posted
    /// to it from now on.
    void cancelNotifications(const QObject *context);
    /// Waits for every batch submitted and stops (the destructor does it too).
    void stop();
    /// Empty while every write succeeded.
    QString error() const;
    /// SQL transactions (so fsyncs) written so far: fewer than the batches when they queued.
    quint64 transactions() const;

private:
    void run();
    /// One SQL transaction for `batches`; `ok` false and the error when it failed.
    QString apply(const QList<Batch> &batches, bool *ok);
    bool write(const Write &write, QString *error);
    bool saveAnswer(const SessionStore::StoredAnswer &answer, QString *error);
    bool forget(const ForgetWrite &forget, QString *error);
    /// Reads where the logs stand (the answers' end, deleted sessions, a sweep under way).
    bool resume(QString *error);
    /// Deletes the garbage among the next SweepRows rows of the event log.
    bool sweepStep(QString *error);
    /// Stores where the sweep is (meta 'log_sweep'), or that it is done.
    bool saveSweep(QString *error);
    /// Posts the notifications that are due (durable, or the writer failed). Under m_mutex.
    void postDueNotifications();

    Options m_options;
    QString m_connectionName;

    mutable std::mutex m_mutex;
    std::condition_variable m_changed; ///< ready, durable or failed: for the waiting threads
    std::condition_variable m_work; ///< for the writer: a batch, a stop or a hurry
    QList<Batch> m_queue;
    quint64 m_submitted = 0;
    quint64 m_durable = 0;
    quint64 m_transactions = 0;
    bool m_ready = false;
    bool m_stopping = false;
    int m_hurried = 0; ///< threads in waitDurable(): the next commit is not spaced
    QString m_error;
    struct Notification
    {
        quint64 number = 0;
        QObject *context = nullptr;
        std::function<void(const QString &)> done;
    };
    QList<Notification> m_notifications; ///< by number
    std::thread m_thread;

    // The thread's own (no lock): its prepared statements while it runs, and where its logs
    // stand.
    struct Statements;
    Statements *m_statements = nullptr;
    qint64 m_answerEnd = 0; ///< answer_log.pos of the newest answer
    int m_answersSinceTrim = 0;
    /// The sessions deleted since the last sweep ended, and the first row of their log now
    /// (sessions.log_from): their rows before it are garbage, deleted by the sweep.
    QHash<QString, qint64> m_logFrom;
    /// The sweep under way, if any (kept in meta as 'log_sweep'): the last row it looked at,
    /// and whether a session was deleted after the pass began (so one more pass is due).
    struct Sweep
    {
        qint64 cursor = 0;
        bool again = false;
    };
    std::optional<Sweep> m_sweep;
    /// The rows the open transaction appended, by session: revision and seq of the newest.
    QHash<QString, std::pair<qint64, qint64>> m_appended;
};
