// SPDX-License-Identifier: MIT
// The session list as a chat app shows it: the model's activity roles and the sort proxy
// (both under QAbstractItemModelTester), the unread tracker fed by the service's signals, and
// the notification rule with its mention matching and relative times.
#include "mentions.h"
#include "notificationpolicy.h"
#include "sessionlistmodel.h"
#include "sessionlistsortmodel.h"
#include "unreadtracker.h"
#include "websocketservice.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace Protocol;
using namespace Qt::StringLiterals;

namespace {

const QDateTime kNoon(QDate(2026, 11, 26), QTime(12, 0), Qt::UTC);

MessagePreview preview(qint64 revision, const QString &text, const QDateTime &at = kNoon,
    const QString &author = u"u-ana"_s)
{
    return { revision, u"m-%1"_s.arg(revision), author, u"Ana"_s, text, at };
}

SessionSummary summary(
    const QString &id, const QString &title, std::optional<MessagePreview> last = std::nullopt)
{
    SessionSummary s { id, title, Role::Member, 2, last ? last->revision : 1 };
    s.lastMessage = last;
    return s;
}

QStringList order(const QAbstractItemModel &model)
{
    QStringList ids;
    for (int row = 0; row < model.rowCount(); ++row)
        ids << model.index(row, 0).data(SessionListModel::SessionIdRole).toString();
    return ids;
}

} // namespace

class TestSessionList : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void activityRolesChangeAlone();
    void sortedByLastActivity();
    void trackerCountsMessagesByOthersOnce();
    void trackerReadsTheSessionBeingRead();
    void mentions_data();
    void mentions();
    void notifyRule();
    void relativeTimes();
};

void TestSessionList::activityRolesChangeAlone()
{
    SessionListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSessions(
        { summary(u"a"_s, u"Algebra"_s, preview(3, u"hi"_s)), summary(u"b"_s, u"Biology"_s) });
    const QModelIndex a = model.index(0);
    QCOMPARE(a.data(SessionListModel::LastMessageTextRole).toString(), u"hi"_s);
    QCOMPARE(a.data(SessionListModel::LastMessageAuthorRole).toString(), u"Ana"_s);
    QCOMPARE(a.data(SessionListModel::LastActivityRole).toDateTime(), kNoon);
    QVERIFY(!model.index(1).data(SessionListModel::LastActivityRole).toDateTime().isValid());

    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setActivity(u"a"_s, { 2, false, std::nullopt });
    QCOMPARE(changed.size(), 1);
    QCOMPARE(
        changed.at(0).at(2).value<QList<int>>(), QList<int> { SessionListModel::UnreadCountRole });
    QCOMPARE(a.data(SessionListModel::UnreadCountRole).toInt(), 2);

    // A newer message known here wins over the row's; an older one does not.
    changed.clear();
    model.setActivity(u"a"_s, { 2, true, preview(5, u"newer"_s, kNoon.addSecs(60)) });
    QCOMPARE(changed.size(), 1);
    const auto roles = changed.at(0).at(2).value<QList<int>>();
    QVERIFY(roles.contains(SessionListModel::MutedRole));
    QVERIFY(roles.contains(SessionListModel::LastMessageTextRole));
    QVERIFY(!roles.contains(SessionListModel::UnreadCountRole));
    QCOMPARE(a.data(SessionListModel::LastMessageTextRole).toString(), u"newer"_s);
    model.setActivity(u"a"_s, { 2, true, preview(2, u"older"_s) });
    QCOMPARE(a.data(SessionListModel::LastMessageTextRole).toString(), u"hi"_s);

    // Own messages, and hosting, are marked.
    model.setLocalUserId(u"u-ana"_s);
    QVERIFY(a.data(SessionListModel::LastMessageIsOwnRole).toBool());
    changed.clear();
    model.setHosted(true);
    QCOMPARE(changed.size(), 1);
    QVERIFY(model.index(1).data(SessionListModel::HostedRole).toBool());
    // Nothing new: no signal.
    changed.clear();
    model.setHosted(true);
    model.setActivity(u"a"_s, { 2, true, preview(2, u"older"_s) });
    QCOMPARE(changed.size(), 0);
}

void TestSessionList::sortedByLastActivity()
{
    SessionListModel model;
    SessionListSortModel sorted(&model);
    QAbstractItemModelTester tester(
        &sorted, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSessions({ summary(u"a"_s, u"Algebra"_s, preview(3, u"x"_s, kNoon)),
        summary(u"b"_s, u"Biology"_s, preview(4, u"y"_s, kNoon.addSecs(10))),
        summary(u"c"_s, u"Chemistry"_s), summary(u"d"_s, u"Art"_s) });
    // Newest first; without a message last, by title.
    QCOMPARE(order(sorted), (QStringList { u"b"_s, u"a"_s, u"d"_s, u"c"_s }));
    QCOMPARE(sorted.count(), 4);
    QCOMPARE(sorted.rowOf(u"c"_s), 3);
    QCOMPARE(sorted.rowOf(u"nope"_s), -1);

    // A message moves its session to the top.
    model.setActivity(u"c"_s, { 1, false, preview(9, u"z"_s, kNoon.addSecs(20)) });
    QCOMPARE(order(sorted), (QStringList { u"c"_s, u"b"_s, u"a"_s, u"d"_s }));
    // A new list from the server keeps the order by activity.
    model.setSessions({ summary(u"a"_s, u"Algebra"_s, preview(12, u"x"_s, kNoon.addSecs(30))),
        summary(u"b"_s, u"Biology"_s, preview(4, u"y"_s, kNoon.addSecs(10))) });
    QCOMPARE(order(sorted), (QStringList { u"a"_s, u"b"_s }));
    QCOMPARE(sorted.count(), 2);
}

void TestSessionList::trackerCountsMessagesByOthersOnce()
{
    WebSocketService service;
    UnreadTracker tracker(&service);
    QSignalSpy arrived(&tracker, &UnreadTracker::messageArrived);
    QSignalSpy total(&tracker, &UnreadTracker::totalChanged);
    tracker.setViewing(u"b"_s);
    const auto activity = [&](qint64 revision, const QString &text) {
        Q_EMIT service.sessionActivityReceived(SessionActivity { u"a"_s, preview(revision, text) });
    };
    activity(5, u"one"_s);
    activity(6, u"two"_s);
    activity(6, u"two again"_s); // the same revision: known already
    ChatMessage message;
    message.messageId = u"m-6"_s;
    message.authorId = u"u-ana"_s;
    message.revision = 6;
    message.text = u"two"_s;
    Q_EMIT service.messageReceived(MessageEvent { u"a"_s, u"e"_s, message });
    QCOMPARE(tracker.unreadCount(u"a"_s), 2);
    QCOMPARE(tracker.total(), 2);
    QCOMPARE(arrived.size(), 2);
    QCOMPARE(arrived.at(0).at(2).toBool(), false); // not being read
    QCOMPARE(tracker.lastMessage(u"a"_s)->text, u"two"_s);
    // A notice is not conversation.
    message.revision = 7;
    message.kind = MessageKind::Notice;
    Q_EMIT service.messageReceived(MessageEvent { u"a"_s, u"e"_s, message });
    QCOMPARE(tracker.unreadCount(u"a"_s), 2);

    tracker.markRead(u"a"_s);
    QCOMPARE(tracker.unreadCount(u"a"_s), 0);
    QCOMPARE(tracker.total(), 0);
    QCOMPARE(tracker.lastReadRevision(u"a"_s), 6);
    QVERIFY(total.size() >= 2);
}

void TestSessionList::trackerReadsTheSessionBeingRead()
{
    WebSocketService service;
    UnreadTracker tracker(&service);
    QSignalSpy arrived(&tracker, &UnreadTracker::messageArrived);
    tracker.setViewing(u"a"_s);
    Q_EMIT service.sessionActivityReceived(SessionActivity { u"a"_s, preview(3, u"hi"_s) });
    QCOMPARE(tracker.unreadCount(u"a"_s), 0);
    QCOMPARE(arrived.size(), 1);
    QCOMPARE(arrived.at(0).at(2).toBool(), true);
    // The window in the background: the open session's messages are unread too …
    tracker.setWindowActive(false);
    Q_EMIT service.sessionActivityReceived(SessionActivity { u"a"_s, preview(4, u"ho"_s) });
    QCOMPARE(tracker.unreadCount(u"a"_s), 1);
    QCOMPARE(arrived.at(1).at(2).toBool(), false);
    // … until it is active again.
    tracker.setWindowActive(true);
    QCOMPARE(tracker.unreadCount(u"a"_s), 0);
    QCOMPARE(tracker.lastReadRevision(u"a"_s), 4);
    // A muted session counts, flagged.
    tracker.setMuted(u"b"_s, true);
    QVERIFY(tracker.isMuted(u"b"_s));
}

void TestSessionList::mentions_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("mentioned");
    QTest::newRow("start") << u"@Ben look"_s << true;
    QTest::newRow("any case") << u"hey @ben!"_s << true;
    QTest::newRow("end") << u"thanks @Ben"_s << true;
    QTest::newRow("longer name") << u"@Benjamin look"_s << false;
    QTest::newRow("inside a word") << u"mail@Ben.org"_s << false;
    QTest::newRow("no at") << u"Ben, look"_s << false;
    QTest::newRow("second try") << u"@Benny and @Ben"_s << true;
}

void TestSessionList::mentions()
{
    QFETCH(QString, text);
    QFETCH(bool, mentioned);
    // The notification rule reads mentions as the bubbles do (models/mentions.h).
    QCOMPARE(Mentions::mentions(text, u"Ben"_s), mentioned);
}

void TestSessionList::notifyRule()
{
    using NotificationPolicy::shouldNotify;
    QVERIFY(shouldNotify(u"hi"_s, u"Ben"_s, { true, false, false }));
    QVERIFY(!shouldNotify(u"hi"_s, u"Ben"_s, { true, false, true })); // being read
    QVERIFY(shouldNotify(u"@Ben hi"_s, u"Ben"_s, { true, false, true })); // a mention
    QVERIFY(!shouldNotify(u"@Ben hi"_s, u"Ben"_s, { true, true, false })); // muted
    QVERIFY(!shouldNotify(u"hi"_s, u"Ben"_s, { false, false, false })); // switched off
}

void TestSessionList::relativeTimes()
{
    using NotificationPolicy::relativeTime;
    const QDateTime now = QDateTime(QDate(2026, 11, 26), QTime(15, 0)).toUTC();
    QCOMPARE(relativeTime(now.addSecs(-20), now), u"now"_s);
    QCOMPARE(relativeTime(now.addSecs(-5 * 60), now), u"5 min"_s);
    QCOMPARE(relativeTime(now.addSecs(-3 * 3600), now),
        QLocale().toString(now.addSecs(-3 * 3600).toLocalTime().time(), QLocale::ShortFormat));
    QCOMPARE(relativeTime(now.addDays(-1), now), u"Yesterday"_s);
    QCOMPARE(relativeTime(now.addDays(-9), now),
        QLocale().toString(now.addDays(-9).toLocalTime().date(), QLocale::ShortFormat));
    QVERIFY(relativeTime({}, now).isEmpty());
}

QTEST_GUILESS_MAIN(TestSessionList)
#include "tst_sessionlist.moc"
