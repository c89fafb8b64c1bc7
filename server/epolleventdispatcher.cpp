// SPDX-License-Identifier: MIT
#include "epolleventdispatcher.h"

#include "logging.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QVarLengthArray>

#include <cerrno>
#include <cstring>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace {
constexpr int MaxReadyPerPass = 256;
}

quint32 EpollEventDispatcher::Watched::events() const
{
    quint32 events = 0;
    if (read)
        events |= EPOLLIN;
    if (write)
        events |= EPOLLOUT;
    if (exception)
        events |= EPOLLPRI;
    return events;
}

EpollEventDispatcher::EpollEventDispatcher(QObject *parent)
    : QAbstractEventDispatcher(parent)
    , m_epoll(epoll_create1(EPOLL_CLOEXEC))
    , m_wakeFd(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
{
    if (m_epoll < 0 || m_wakeFd < 0)
        qFatal("epoll event dispatcher: %s", std::strerror(errno));
    epoll_event event {};
    event.events = EPOLLIN;
    event.data.fd = m_wakeFd;
    if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wakeFd, &event) != 0)
        qFatal("epoll event dispatcher: %s", std::strerror(errno));
}

EpollEventDispatcher::~EpollEventDispatcher()
{
    ::close(m_wakeFd);
    ::close(m_epoll);
}

bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    m_interrupted.store(false, std::memory_order_relaxed);
    Q_EMIT awake();
    QCoreApplication::sendPostedEvents();

    const bool mayWait = flags.testFlag(QEventLoop::WaitForMoreEvents)
        && !m_interrupted.load(std::memory_order_relaxed);
    const int timeoutMs = mayWait ? waitMs() : 0;
    if (mayWait)
        Q_EMIT aboutToBlock();
    // On the stack: a handler may run a nested loop, which polls into its own.
    epoll_event ready[MaxReadyPerPass];
    int count = epoll_wait(m_epoll, ready, MaxReadyPerPass, timeoutMs);
    if (count < 0) {
        if (errno != EINTR)
            qCWarning(lcServer) << "epoll_wait:" << std::strerror(errno);
        count = 0;
    }
    bool handled = false;
    const bool notifiers = !flags.testFlag(QEventLoop::ExcludeSocketNotifiers);
    for (int i = 0; i < count; ++i) {
        const int fd = ready[i].data.fd;
        if (fd == m_wakeFd) {
            // Drained first, then the flag cleared: cleared first, a wake-up written in
            // between would be drained unseen with the flag set again, and every later
            // wakeUp() would skip the write — the loop asleep with posts queued. A post whose
            // wake-up finds the flag still set is in the queue already: the next pass's
            // sendPostedEvents() takes it.
            eventfd_t drained;
            (void)eventfd_read(m_wakeFd, &drained);
            m_wakeUpPending.store(false, std::memory_order_release);
            continue;
        }
        if (notifiers)
            handled |= activateSocketNotifier(fd, ready[i].events);
    }
    if (!flags.testFlag(QEventLoop::X11ExcludeTimers))
        handled |= activateTimers();
    return handled;
}

bool EpollEventDispatcher::activateSocketNotifier(int fd, quint32 events)
{
    // As Qt's poll dispatcher: a hang-up or an error is news for the reader (and an error
    // for the writer too). Each step looks the descriptor up again: the one before may have
    // closed it.
    bool handled = false;
    const auto send = [&](QSocketNotifier *Watched::*which) {
        const auto found = m_watched.constFind(fd);
        if (found == m_watched.cend() || !((*found).*which))
            return;
        QEvent event(QEvent::SockAct);
        QCoreApplication::sendEvent((*found).*which, &event);
        handled = true;
    };
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP))
        send(&Watched::read);
    if (events & (EPOLLOUT | EPOLLERR))
        send(&Watched::write);
    if (events & EPOLLPRI)
        send(&Watched::exception);
    return handled;
}

void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    const bool wasWatched = m_watched.contains(fd);
    Watched &watched = m_watched[fd];
    switch (notifier->type()) {
    case QSocketNotifier::Read:
        watched.read = notifier;
        break;
    case QSocketNotifier::Write:
        watched.write = notifier;
        break;
    case QSocketNotifier::Exception:
        watched.exception = notifier;
        break;
    }
    updateEpoll(fd, watched, wasWatched);
}

void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    const auto found = m_watched.find(fd);
    if (found == m_watched.end())
        return;
    Watched &watched = *found;
    for (QSocketNotifier **slot : { &watched.read, &watched.write, &watched.exception }) {
        if (*slot == notifier)
            *slot = nullptr;
    }
    if (watched.events() == 0) {
        m_watched.erase(found);
        // Already closed (it left the epoll set with its last descriptor): nothing to do.
        (void)epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr);
        return;
    }
    updateEpoll(fd, watched, true);
}

void EpollEventDispatcher::updateEpoll(int fd, const Watched &watched, bool wasWatched)
{
    epoll_event event {};
    event.events = watched.events();
    event.data.fd = fd;
    int op = wasWatched ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (epoll_ctl(m_epoll, op, fd, &event) == 0)
        return;
    // The descriptor was closed and reused behind a notifier's back (MOD: not there), or
    // is still there from before (ADD: exists): the other operation then.
    if ((op == EPOLL_CTL_MOD && errno == ENOENT) || (op == EPOLL_CTL_ADD && errno == EEXIST)) {
        op = op == EPOLL_CTL_MOD ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
        if (epoll_ctl(m_epoll, op, fd, &event) == 0)
            return;
    }
    qCWarning(lcServer) << "epoll cannot watch descriptor" << fd << ":" << std::strerror(errno);
}

void EpollEventDispatcher::registerTimer(
    int timerId, qint64 interval, Qt::TimerType timerType, QObject *object)
{
    Timer &timer = m_timers[timerId];
    timer.object = object;
    timer.intervalMs = std::max<qint64>(0, interval);
    timer.type = timerType;
    timer.due = m_deadlines.end();
    m_timersOf.insert(object, timerId);
    schedule(timerId, timer, Clock::now() + std::chrono::milliseconds(timer.intervalMs));
}

void EpollEventDispatcher::schedule(int timerId, Timer &timer, Clock::time_point deadline)
{
    if (timer.due != m_deadlines.end())
        m_deadlines.erase(timer.due);
    timer.due = m_deadlines.emplace(deadline, timerId);
}

bool EpollEventDispatcher::unregisterTimer(int timerId)
{
    const auto found = m_timers.find(timerId);
    if (found == m_timers.end())
        return false;
    m_deadlines.erase(found->due);
    m_timersOf.remove(found->object, timerId);
    m_timers.erase(found);
    return true;
}

bool EpollEventDispatcher::unregisterTimers(QObject *object)
{
    const QList<int> ids = m_timersOf.values(object);
    for (int id : ids)
        unregisterTimer(id);
    return !ids.isEmpty();
}

QList<QAbstractEventDispatcher::TimerInfo> EpollEventDispatcher::registeredTimers(
    QObject *object) const
{
    QList<TimerInfo> timers;
    for (auto it = m_timersOf.constFind(object); it != m_timersOf.cend() && it.key() == object;
         ++it) {
        const Timer &timer = m_timers.value(*it);
        timers.append(TimerInfo(*it, int(timer.intervalMs), timer.type));
    }
    return timers;
}

int EpollEventDispatcher::remainingTime(int timerId)
{
    const auto found = m_timers.constFind(timerId);
    if (found == m_timers.cend())
        return -1;
    const auto left
        = std::chrono::ceil<std::chrono::milliseconds>(found->due->first - Clock::now());
    return int(std::max<qint64>(0, left.count()));
}

int EpollEventDispatcher::waitMs() const
{
    if (m_deadlines.empty())
        return -1;
    const auto left
        = std::chrono::ceil<std::chrono::milliseconds>(m_deadlines.begin()->first - Clock::now());
    return int(std::clamp<qint64>(left.count(), 0, std::numeric_limits<int>::max()));
}

bool EpollEventDispatcher::activateTimers()
{
    const Clock::time_point now = Clock::now();
    // The due ones first: their handlers may start, stop and restart timers. Each fires at
    // most once per pass.
    QVarLengthArray<int, 64> due;
    for (auto it = m_deadlines.cbegin(); it != m_deadlines.cend() && it->first <= now; ++it)
        due.append(it->second);
    bool fired = false;
    for (const int id : due) {
        const auto found = m_timers.find(id);
        if (found == m_timers.end() || found->due->first > now)
            continue; // stopped, or restarted, by an earlier handler
        // The next deadline is set before the handler runs (it may stop the timer); one
        // that fell behind skips what it missed rather than firing in a burst.
        const auto interval = std::chrono::milliseconds(found->intervalMs);
        Clock::time_point next = found->due->first + interval;
        if (next <= now)
            next = now + interval;
        schedule(id, *found, next);
        QTimerEvent event(id);
        QCoreApplication::sendEvent(found->object, &event);
        fired = true;
    }
    return fired;
}

void EpollEventDispatcher::wakeUp()
{
    if (m_wakeUpPending.exchange(true, std::memory_order_acq_rel))
        return;
    (void)eventfd_write(m_wakeFd, 1);
}

void EpollEventDispatcher::interrupt()
{
    m_interrupted.store(true, std::memory_order_relaxed);
    wakeUp();
}
