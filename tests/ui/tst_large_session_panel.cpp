// SPDX-License-Identifier: MIT
// The participant panel of a large session (roster_summary), in the real QML (offscreen):
// the header shows the session's count while the list holds only the stage and you, and
// "Show everyone" loads the whole list. A small session's panel has no such button.
#include "rawclient.h"
#include "serveroptions.h"
#include "uiscene.h"

#include <QJsonArray>
#include <QQuickStyle>
#include <QStandardPaths>
#include <QtQml/QQmlExtensionPlugin>

Q_IMPORT_QML_PLUGIN(HelpyPlugin)
Q_IMPORT_QML_PLUGIN(Helpy_ClientPlugin)
Q_IMPORT_QML_PLUGIN(Helpy_ModelsPlugin)

using namespace Protocol;
using namespace Qt::StringLiterals;

class TestLargeSessionPanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();

    void theHeaderShowsTheCountAndShowEveryoneLoadsTheList();
    void aSmallSessionShowsEveryoneAsBefore();

private:
    /// UiScene's server and session, with large sessions from more than `threshold`.
    void startServer(int threshold);
    void crowd(int people);
    void click(QQuickItem *target);

    UiScene m_scene;
    std::vector<std::unique_ptr<RawClient>> m_crowd;
};

void TestLargeSessionPanel::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"HelpyTest"_s);
    QCoreApplication::setApplicationName(u"tst_large_session_panel"_s);
    QQuickStyle::setStyle(u"Fusion"_s);
}

void TestLargeSessionPanel::cleanup()
{
    m_crowd.clear();
    m_scene.reset();
}

void TestLargeSessionPanel::startServer(int threshold)
{
    QSettings().clear();
    QSettings().setValue(u"ui/language"_s, u"en"_s);
    ServerOptions options;
    options.presenceGraceSeconds = 0;
    options.largeSessionThreshold = threshold;
    options.rosterSummaryIntervalMs = 50;
    options.maxHellosPerSecondPerAddress = 100000;
    options.maxRequestsPerSecondPerAddress = 100000;
    m_scene.server = std::make_unique<SessionServer>(options);
    QVERIFY2(m_scene.server->listen(), qPrintable(m_scene.server->errorString()));
    m_scene.owner = m_scene.connectClient(u"Ana"_s);
    QVERIFY(m_scene.owner);
    m_scene.owner->createSession(u"Lecture"_s, [this](const WebSocketService::Reply &r) {
        if (const auto result = resultOf<CreateSessionResult>(r.ack))
            m_scene.sessionId = result->sessionId;
    });
    QTRY_VERIFY(!m_scene.sessionId.isEmpty());
    bool joined = false;
    m_scene.owner->joinSession(
        m_scene.sessionId, [&joined](const WebSocketService::Reply &) { joined = true; });
    QTRY_VERIFY(joined);
    m_scene.owner->createInvite(m_scene.sessionId, [this](const WebSocketService::Reply &r) {
        if (const auto result = resultOf<CreateInviteResult>(r.ack))
            m_scene.inviteCode = result->inviteCode;
    });
    QTRY_VERIFY(!m_scene.inviteCode.isEmpty());
}

void TestLargeSessionPanel::crowd(int people)
{
    for (int i = 0; i < people; ++i) {
        auto client = std::make_unique<RawClient>();
        QVERIFY(client->open(m_scene.server->url()));
        client->send({ { "type", "hello" }, { "protocol", 1 },
            { "displayName", u"Student %1"_s.arg(m_crowd.size() + 1) },
            { "features", QJsonArray { "roster_summary" } } });
        QVERIFY(client->waitFor([](const QJsonObject &f) { return f["type"] == "welcome"; }));
        QCOMPARE(client->request(
                     { { "type", "join_session" }, { "inviteCode", m_scene.inviteCode } })["type"],
            "ack");
        m_crowd.push_back(std::move(client));
    }
}

void TestLargeSessionPanel::click(QQuickItem *target)
{
    QVERIFY(target);
    QVERIFY(target->isVisible());
    const QPointF center = target->mapToScene(QPointF(target->width() / 2, target->height() / 2));
    QTest::mouseClick(m_scene.window, Qt::LeftButton, Qt::NoModifier, center.toPoint());
}

void TestLargeSessionPanel::theHeaderShowsTheCountAndShowEveryoneLoadsTheList()
{
    startServer(3);
    crowd(5);
    m_scene.loadApp();
    m_scene.joinAsBen();
    QQuickItem *header = m_scene.item(u"participantHeader"_s);
    QQuickItem *list = m_scene.item(u"participantList"_s);
    QQuickItem *showEveryone = m_scene.item(u"showEveryoneButton"_s);
    QVERIFY(header && list && showEveryone);
    // Ana, five students and Ben; the list holds the stage (Ana) and Ben.
    QTRY_COMPARE(header->property("text").toString(), u"Participants — 7"_s);
    QCOMPARE(list->property("count").toInt(), 2);
    QVERIFY(showEveryone->isVisible());

    // More join while Ben looks: the count follows (roster_summary), the list does not grow.
    crowd(2);
    QTRY_COMPARE(header->property("text").toString(), u"Participants — 9"_s);
    QCOMPARE(list->property("count").toInt(), 2);

    click(showEveryone);
    QTRY_COMPARE(list->property("count").toInt(), 9);
    QVERIFY(!showEveryone->isVisible());
    QCOMPARE(header->property("text").toString(), u"Participants — 9"_s);
    // The whole list from then on.
    crowd(1);
    QTRY_COMPARE(list->property("count").toInt(), 10);
    QCOMPARE(header->property("text").toString(), u"Participants — 10"_s);
}

void TestLargeSessionPanel::aSmallSessionShowsEveryoneAsBefore()
{
    startServer(200);
    crowd(3);
    m_scene.loadApp();
    m_scene.joinAsBen();
    QQuickItem *header = m_scene.item(u"participantHeader"_s);
    QQuickItem *list = m_scene.item(u"participantList"_s);
    QTRY_COMPARE(list->property("count").toInt(), 5);
    QCOMPARE(header->property("text").toString(), u"Participants — 5"_s);
    QVERIFY(!m_scene.item(u"showEveryoneButton"_s)->isVisible());
}

QTEST_MAIN(TestLargeSessionPanel)
#include "tst_large_session_panel.moc"
