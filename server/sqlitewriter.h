// SPDX-License-Identifier: MIT
#pragma once

#include "sessionstore.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <condition_variable>
#include <functional>
#include <mutex>
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

    /// What the thread was told about the answers it keeps (SqliteSessionStore::setAnswerBudget).
    struct Options
    {
        QString path;
        int answersPerUser = 1024;
        int cacheKiB = 32 * 1024;
    };

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
    /// Posts the notifications that are due (durable, or the writer failed). Under m_mutex.
    void postDueNotifications();

    Options m_options;
    QString m_connectionName;

    mutable std::mutex m_mutex;
    std::condition_variable m_changed;
    QList<Batch> m_queue;
    quint64 m_submitted = 0;
    quint64 m_durable = 0;
    quint64 m_transactions = 0;
    bool m_ready = false;
    bool m_stopping = false;
    QString m_error;
    struct Notification
    {
        quint64 number = 0;
        QObject *context = nullptr;
        std::function<void(const QString &)> done;
    };
    QList<Notification> m_notifications; ///< by number
    std::thread m_thread;

    // The thread's own (no lock): its prepared statements while it runs, and the answers
    // written per user since their last trim.
    struct Statements;
    Statements *m_statements = nullptr;
    QHash<QString, int> m_answersSincePrune;
};
