// SPDX-License-Identifier: MIT
// Unread, notifications, the session list and settings, end to end: the real Main.qml
// (offscreen), a real SessionServer on 127.0.0.1 port 0, Ana (a plain client) writing in two
// sessions, Ben in the app. Any QML warning fails the running test.
#include "appcontroller.h"
#include "appwindow.h"
#include "notifier.h"
#include "quickitems.h"
#include "servicewaits.h"
#include "sessionserver.h"
#include "websocketservice.h"

#include <QPalette>
#include <QQmlApplicationEngine>
#include <QQmlContext>
#include <QQmlExpression>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QtQml/QQmlExtensionPlugin>

#include <memory>

Q_IMPORT_QML_PLUGIN(HelpyPlugin)
Q_IMPORT_QML_PLUGIN(Helpy_ClientPlugin)
Q_IMPORT_QML_PLUGIN(Helpy_ModelsPlugin)

using namespace Protocol;
using namespace Qt::StringLiterals;

class TestUnread : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void backgroundMessagesCountAndShowInTheTitle();
    void openingMarksReadAndPlacesTheMarker();
    void activityOfASessionNotFollowedCounts();
    void notificationsForMentionsAndBackgroundOnly();
    void sessionListShowsPreviewsByLastActivity();
    void settingsArePersistedAndSwitchTheTheme();

private:
    /// Ana owns "Algebra" and "Biology"; Ben (the app) joins both and is on Biology's page.
    void benInBothSessions();
    void startApp();
    /// Ana writes `text` in `sessionId`; returns the messageId.
    QString anaSays(const QString &sessionId, const QString &text);
    void openSession(const QString &sessionId);
    QQuickItem *item(const QString &objectName) const;
    int unreadOf(const QString &sessionId) const;
    QVariant sortedData(int row, int role) const;
    QVariant evaluate(const QString &expression) const;
    /// The item named `objectName` in the delegate of row `row` of the session list.
    QQuickItem *inRow(int row, const QString &objectName) const;

    std::unique_ptr<SessionServer> m_server;
    std::unique_ptr<WebSocketService> m_ana;
    QString m_algebra;
    QString m_biology;
    QHash<QString, QString> m_invites;
    std::unique_ptr<AppController> m_controller;
    std::unique_ptr<QQmlApplicationEngine> m_engine;
    QQuickWindow *m_window = nullptr;
};

void TestUnread::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"HelpyTest"_s);
    QCoreApplication::setApplicationName(u"tst_unread"_s);
    QQuickStyle::setStyle(u"Fusion"_s);
}

void TestUnread::init()
{
    QSettings().clear();
    m_server = std::make_unique<SessionServer>();
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
    m_ana = std::make_unique<WebSocketService>();
    QVERIFY(connectAndWelcome(*m_ana, m_server->url(), u"Ana"_s));
    for (const QString title : { u"Algebra"_s, u"Biology"_s }) {
        const auto created = await([&](auto done) { m_ana->createSession(title, done); });
        const auto result = resultOf<CreateSessionResult>(created.ack);
        QVERIFY(result);
        (title == u"Algebra"_s ? m_algebra : m_biology) = result->sessionId;
        QVERIFY(await([&](auto done) { m_ana->joinSession(result->sessionId, done); }).ok);
        const auto invite = resultOf<CreateInviteResult>(
            await([&](auto done) { m_ana->createInvite(result->sessionId, done); }).ack);
        QVERIFY(invite);
        m_invites.insert(result->sessionId, invite->inviteCode);
    }
    startApp();
}

void TestUnread::startApp()
{
    m_controller = std::make_unique<AppController>(nullptr);
    m_engine = std::make_unique<QQmlApplicationEngine>();
    loadMainWindow(*m_engine, m_window);
    QVERIFY(m_window);
    // Offscreen, no window manager makes the window active: say it is, as a desktop would.
    m_controller->setWindowActive(true);
}

void TestUnread::cleanup()
{
    m_engine.reset();
    m_window = nullptr;
    m_controller.reset();
    m_ana.reset();
    m_server.reset();
    m_invites.clear();
}

QQuickItem *TestUnread::item(const QString &objectName) const
{
    return m_window ? findItem(m_window->contentItem(), objectName) : nullptr;
}

QQuickItem *TestUnread::inRow(int row, const QString &objectName) const
{
    QQuickItem *list = item(u"sessionList"_s);
    QQuickItem *delegate = nullptr;
    if (!list
        || !QMetaObject::invokeMethod(
            list, "itemAtIndex", Q_RETURN_ARG(QQuickItem *, delegate), Q_ARG(int, row))
        || !delegate)
        return nullptr;
    return findItem(delegate, objectName);
}

QVariant TestUnread::evaluate(const QString &expression) const
{
    QQmlExpression expr(qmlContext(m_window), m_window, expression);
    return expr.evaluate();
}

int TestUnread::unreadOf(const QString &sessionId) const
{
    SessionListModel *model = m_controller->sessions();
    const int row = model->rowOf(sessionId);
    return row < 0 ? -1 : model->index(row).data(SessionListModel::UnreadCountRole).toInt();
}

QVariant TestUnread::sortedData(int row, int role) const
{
    return m_controller->sessionsByActivity()->index(row, 0).data(role);
}

QString TestUnread::anaSays(const QString &sessionId, const QString &text)
{
    const auto reply = await([&](auto done) { m_ana->sendMessage(sessionId, text, done); });
    const auto result = resultOf<SendMessageResult>(reply.ack);
    return result ? result->messageId : QString();
}

void TestUnread::openSession(const QString &sessionId)
{
    m_controller->openSession(sessionId);
    QTRY_VERIFY(m_controller->currentSession() && m_controller->currentSession()->isLoaded());
    QTRY_VERIFY(item(u"sessionPage"_s));
}

void TestUnread::benInBothSessions()
{
    m_controller->setDisplayName(u"Ben"_s);
    m_controller->join(m_server->url().toString(), m_invites.value(m_algebra));
    QTRY_VERIFY(m_controller->currentSession()
        && m_controller->currentSession()->sessionId() == m_algebra
        && m_controller->currentSession()->isLoaded());
    m_controller->joinByCode(m_invites.value(m_biology));
    QTRY_VERIFY(m_controller->currentSession()
        && m_controller->currentSession()->sessionId() == m_biology
        && m_controller->currentSession()->isLoaded());
    m_controller->refreshSessions();
    QTRY_COMPARE(m_controller->sessions()->count(), 2);
    QTRY_VERIFY(item(u"sessionPage"_s));
}

void TestUnread::backgroundMessagesCountAndShowInTheTitle()
{
    benInBothSessions();
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(m_controller->unreadTotal(), 0);
    QCOMPARE(m_window->title(), u"Biology — Helpy"_s);

    QVERIFY(!anaSays(m_algebra, u"Did anyone do exercise 3?"_s).isEmpty());
    QVERIFY(!anaSays(m_algebra, u"I am stuck at part b"_s).isEmpty());
    QTRY_COMPARE(m_controller->unreadTotal(), 2);
    QTRY_COMPARE(unreadOf(m_algebra), 2);
    QCOMPARE(unreadOf(m_biology), 0);
    QCOMPARE(m_window->title(), u"(2) Biology — Helpy"_s);

    // A message in the session being read is read at once.
    QVERIFY(!anaSays(m_biology, u"Cells next week"_s).isEmpty());
    QTRY_COMPARE(m_controller->currentSession()->messages()->count() > 0, true);
    QTRY_VERIFY(m_controller->unread()->lastMessage(m_biology).has_value());
    QCOMPARE(m_controller->unreadTotal(), 2);

    // The badge in the list.
    m_controller->closeSession();
    QTRY_VERIFY(item(u"sessionListPage"_s));
    const int algebraRow = m_controller->sessionsByActivity()->rowOf(m_algebra);
    QTRY_VERIFY(
        inRow(algebraRow, u"unreadBadge"_s) && inRow(algebraRow, u"unreadBadge"_s)->isVisible());
    QVERIFY(!inRow(1 - algebraRow, u"unreadBadge"_s)->isVisible());
    QCOMPARE(m_window->title(), u"(2) Helpy"_s);
}

void TestUnread::openingMarksReadAndPlacesTheMarker()
{
    benInBothSessions();
    if (QTest::currentTestFailed())
        return;
    openSession(m_algebra);
    const QString old = anaSays(m_algebra, u"Read while you were here"_s);
    QTRY_VERIFY(m_controller->currentSession()->messages()->rowOf(old) >= 0);
    openSession(m_biology);
    const QString firstNew = anaSays(m_algebra, u"New one"_s);
    QVERIFY(!anaSays(m_algebra, u"Another new one"_s).isEmpty());
    QTRY_COMPARE(m_controller->unreadTotal(), 2);

    openSession(m_algebra);
    QCOMPARE(m_controller->unreadTotal(), 0);
    QCOMPARE(unreadOf(m_algebra), 0);
    QCOMPARE(m_window->title(), u"Algebra — Helpy"_s);
    GroupSession *session = m_controller->currentSession();
    QTRY_COMPARE(session->firstUnreadMessageId(), firstNew);

    // The marker line sits between the last read message and the first new one.
    auto *list = qobject_cast<QQuickItem *>(item(u"messageList"_s));
    QVERIFY(list);
    QQuickItem *marker = nullptr;
    QTRY_VERIFY((marker = item(u"unreadMarker"_s)) && marker->isVisible());
    QQuickItem *newRow = nullptr;
    QQuickItem *oldRow = nullptr;
    QMetaObject::invokeMethod(list, "itemAtIndex", Q_RETURN_ARG(QQuickItem *, newRow),
        Q_ARG(int, session->messages()->rowOf(firstNew)));
    QMetaObject::invokeMethod(list, "itemAtIndex", Q_RETURN_ARG(QQuickItem *, oldRow),
        Q_ARG(int, session->messages()->rowOf(old)));
    QVERIFY(newRow && oldRow);
    QTRY_VERIFY(marker->y() + marker->height() / 2 < newRow->y());
    QVERIFY(marker->y() + marker->height() / 2 > oldRow->y() + oldRow->height());

    // Read now: leaving and coming back shows no marker.
    openSession(m_biology);
    openSession(m_algebra);
    QTRY_VERIFY(m_controller->currentSession()->firstUnreadMessageId().isEmpty());
    QTRY_VERIFY(!item(u"unreadMarker"_s)->isVisible());
}

void TestUnread::activityOfASessionNotFollowedCounts()
{
    benInBothSessions();
    if (QTest::currentTestFailed())
        return;
    // The app again, as after a restart: its new connection follows only what it opens.
    m_engine.reset();
    m_window = nullptr;
    m_controller.reset();
    startApp();
    if (QTest::currentTestFailed())
        return;
    m_controller->join(m_server->url().toString(), m_invites.value(m_biology));
    QTRY_VERIFY(m_controller->currentSession()
        && m_controller->currentSession()->sessionId() == m_biology
        && m_controller->currentSession()->isLoaded());
    QSignalSpy notified(m_controller->notifier(), &Notifier::notificationRequested);
    QVERIFY(!anaSays(m_algebra, u"Anyone there?"_s).isEmpty());
    QTRY_COMPARE(m_controller->unreadTotal(), 1);
    QTRY_COMPARE(notified.size(), 1);
    QCOMPARE(notified.at(0).at(0).toString(), m_algebra);
    QCOMPARE(notified.at(0).at(2).toString(), u"Ana: Anyone there?"_s);
    m_controller->refreshSessions();
    QTRY_COMPARE(unreadOf(m_algebra), 1);
}

void TestUnread::notificationsForMentionsAndBackgroundOnly()
{
    benInBothSessions();
    if (QTest::currentTestFailed())
        return;
    openSession(m_algebra);
    QSignalSpy notified(m_controller->notifier(), &Notifier::notificationRequested);

    // The session being read: only a mention notifies.
    const QString plain = anaSays(m_algebra, u"plain words"_s);
    QTRY_VERIFY(m_controller->currentSession()->messages()->rowOf(plain) >= 0);
    QCOMPARE(notified.size(), 0);
    QVERIFY(!anaSays(m_algebra, u"@ben can you check?"_s).isEmpty());
    QTRY_COMPARE(notified.size(), 1);
    QCOMPARE(notified.at(0).at(0).toString(), m_algebra);
    QCOMPARE(notified.at(0).at(1).toString(), u"Algebra"_s);

    // Your own message never notifies, even mentioning yourself.
    m_controller->currentSession()->sendMessage(u"note to @Ben"_s);
    QTRY_VERIFY(m_controller->unread()->lastMessage(m_algebra)->text == u"note to @Ben"_s);

    // A background session notifies…
    QVERIFY(!anaSays(m_biology, u"background news"_s).isEmpty());
    QTRY_COMPARE(notified.size(), 2);
    QCOMPARE(notified.at(1).at(0).toString(), m_biology);

    // …unless muted (still counted as unread).
    m_controller->setSessionMuted(m_biology, true);
    QVERIFY(!anaSays(m_biology, u"while muted"_s).isEmpty());
    QTRY_COMPARE(unreadOf(m_biology), 2);
    QVERIFY(!anaSays(m_algebra, u"@Ben and now?"_s).isEmpty()); // a later one that does notify
    QTRY_COMPARE(notified.size(), 3);
    QCOMPARE(notified.at(2).at(0).toString(), m_algebra);

    // The mute is kept, and shown on the page of the session.
    QVERIFY(
        QSettings().value(u"unread/%1/%2/muted"_s.arg(m_controller->userId(), m_biology)).toBool());
    openSession(m_biology);
    QTRY_VERIFY(item(u"muteButton"_s) && item(u"muteButton"_s)->property("checked").toBool());

    // Notifications off: none at all.
    openSession(m_algebra);
    m_controller->appSettings()->setNotificationsEnabled(false);
    m_controller->setSessionMuted(m_biology, false);
    QVERIFY(!anaSays(m_biology, u"nobody hears"_s).isEmpty());
    QTRY_COMPARE(unreadOf(m_biology), 1); // read when its page was open
    QCOMPARE(notified.size(), 3);

    // Clicking a notification opens its session.
    m_controller->appSettings()->setNotificationsEnabled(true);
    // (The offscreen platform cannot raise a window, and says so.)
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"does not support raise"_s));
    Q_EMIT m_controller->notifier()->activated(m_biology);
    QTRY_COMPARE(m_controller->currentSession()->sessionId(), m_biology);
}

void TestUnread::sessionListShowsPreviewsByLastActivity()
{
    benInBothSessions();
    if (QTest::currentTestFailed())
        return;
    m_controller->closeSession();
    QTRY_VERIFY(item(u"sessionListPage"_s));
    QVERIFY(!anaSays(m_algebra, u"algebra first"_s).isEmpty());
    QTRY_COMPARE(sortedData(0, SessionListModel::SessionIdRole).toString(), m_algebra);
    QVERIFY(!anaSays(m_biology, u"then biology"_s).isEmpty());
    QTRY_COMPARE(sortedData(0, SessionListModel::SessionIdRole).toString(), m_biology);
    QCOMPARE(sortedData(0, SessionListModel::LastMessageTextRole).toString(), u"then biology"_s);
    QCOMPARE(sortedData(0, SessionListModel::LastMessageAuthorRole).toString(), u"Ana"_s);
    QCOMPARE(sortedData(1, SessionListModel::SessionIdRole).toString(), m_algebra);

    // The list page shows it: the newest first, "Ana: …", "now".
    QTRY_VERIFY(item(u"sessionRowPreview"_s));
    QTRY_COMPARE(item(u"sessionRowPreview"_s)->property("text").toString(), u"Ana: then biology"_s);
    QCOMPARE(item(u"sessionRowTime"_s)->property("text").toString(), u"now"_s);
    QCOMPARE(item(u"sessionRowTitle"_s)->property("text").toString(), u"Biology"_s);

    // A list from the server (say, after a restart of the app) says the same.
    m_controller->refreshSessions();
    QVERIFY(!anaSays(m_algebra, u"algebra again"_s).isEmpty());
    QTRY_COMPARE(sortedData(0, SessionListModel::SessionIdRole).toString(), m_algebra);
    QTRY_COMPARE(inRow(0, u"sessionRowTitle"_s)->property("text").toString(), u"Algebra"_s);
    QVERIFY(!sortedData(0, SessionListModel::HostedRole).toBool()); // Ana's server, not ours
}

void TestUnread::settingsArePersistedAndSwitchTheTheme()
{
    QCOMPARE(evaluate(u"Theme.dark"_s).toBool(), false);
    AppSettings *settings = m_controller->appSettings();
    QCOMPARE(settings->theme(), u"system"_s);
    settings->setTheme(u"dark"_s);
    QTRY_COMPARE(evaluate(u"Theme.dark"_s).toBool(), true);
    QCOMPARE(QGuiApplication::palette().color(QPalette::Window).lightness() < 128, true);
    settings->setTheme(u"light"_s);
    QTRY_COMPARE(evaluate(u"Theme.dark"_s).toBool(), false);
    settings->setTheme(u"dark"_s);
    settings->setNotificationsEnabled(false);
    settings->setLanguage(u"de"_s);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"unknown language"_s));
    settings->setLanguage(u"klingon"_s); // refused: kept as it was
    QCOMPARE(settings->language(), u"de"_s);

    const AppSettings again;
    QCOMPARE(again.theme(), u"dark"_s);
    QCOMPARE(again.notificationsEnabled(), false);
    QCOMPARE(again.language(), u"de"_s);
    QCOMPARE(QSettings().value(u"ui/language"_s).toString(), u"de"_s);
    settings->setTheme(u"system"_s);
    QTRY_COMPARE(evaluate(u"Theme.dark"_s).toBool(), false);

    // The dialog, from the session list.
    m_controller->setDisplayName(u"Ben"_s);
    m_controller->join(m_server->url().toString(), m_invites.value(m_algebra));
    QTRY_VERIFY(m_controller->currentSession() && m_controller->currentSession()->isLoaded());
    m_controller->closeSession();
    QTRY_VERIFY(item(u"settingsButton"_s));
    QVERIFY(QMetaObject::invokeMethod(item(u"settingsButton"_s), "clicked"));
    QObject *dialog = m_window->findChild<QObject *>(u"settingsDialog"_s);
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->property("opened").toBool());
    QQuickItem *name = nullptr;
    QTRY_VERIFY((name = item(u"settingsNameField"_s)));
    QCOMPARE(name->property("text").toString(), u"Ben"_s);
}

QTEST_MAIN(TestUnread)
#include "tst_unread.moc"
