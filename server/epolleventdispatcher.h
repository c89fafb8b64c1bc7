// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractEventDispatcher>
#include <QHash>

#include <atomic>
#include <chrono>
#include <map>

class QSocketNotifier;

/**
 * @brief An event dispatcher for the headless server whose cost per pass grows with the
 * connections that have something to say, not with all of them.
 *
 * Qt 6.4's UNIX dispatcher rebuilds a pollfd array of every socket notifier, polls them all
 * and walks them all again, on each pass: with 10,000 connections, a pass that reads one
 * message costs 10,000 × (a kernel poll callback + a user-space check) — a third of the
 * server's CPU in the many-rooms benchmark. This one keeps the notifiers registered with an
 * epoll instance (level-triggered, as poll) and gets back only the ready ones; timers are
 * kept ordered by deadline. Wake-ups from other threads go through an eventfd.
 *
 * Install it before the QCoreApplication exists:
 * `QCoreApplication::setEventDispatcher(new EpollEventDispatcher)`. Linux only.
 */
class EpollEventDispatcher final : public QAbstractEventDispatcher
{
    Q_OBJECT

public:
    explicit EpollEventDispatcher(QObject *parent = nullptr);
    ~EpollEventDispatcher() override;

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;

    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;

    void registerTimer(
        int timerId, qint64 interval, Qt::TimerType timerType, QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;

    void wakeUp() override;
    void interrupt() override;

private:
    using Clock = std::chrono::steady_clock;

    /// The notifiers of one descriptor (read, write, exception), as epoll knows them.
    struct Watched
    {
        QSocketNotifier *read = nullptr;
        QSocketNotifier *write = nullptr;
        QSocketNotifier *exception = nullptr;
        quint32 events() const;
    };
    struct Timer
    {
        QObject *object = nullptr;
        qint64 intervalMs = 0;
        Qt::TimerType type = Qt::CoarseTimer;
        std::multimap<Clock::time_point, int>::iterator due;
    };

    void updateEpoll(int fd, const Watched &watched, bool wasWatched);
    /// Milliseconds epoll may wait: -1 without timers, 0 when one is due.
    int waitMs() const;
    bool activateSocketNotifier(int fd, quint32 events);
    bool activateTimers();
    void schedule(int timerId, Timer &timer, Clock::time_point deadline);

    int m_epoll = -1;
    int m_wakeFd = -1;
    std::atomic<bool> m_wakeUpPending { false };
    std::atomic<bool> m_interrupted { false };
    QHash<int, Watched> m_watched; // fd → its notifiers
    QHash<int, Timer> m_timers; // timer id → timer
    QMultiHash<QObject *, int> m_timersOf; // object → its timer ids
    std::multimap<Clock::time_point, int> m_deadlines; // deadline → timer id
};
