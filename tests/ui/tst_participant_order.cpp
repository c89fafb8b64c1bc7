// SPDX-License-Identifier: MIT
// The participant panel as shown: owners, moderators, members (online first, then by name),
// Helpys last; a header with counts opens each group; a role or presence change moves the
// row. Real server, real QML (offscreen); the order is read from the rows' positions.
#include "uiscene.h"
#include "uiwalk.h"

#include <QQmlContext>
#include <QQmlProperty>
#include <QQuickStyle>
#include <QStandardPaths>
#include <QtQml/QQmlExtensionPlugin>

#include <algorithm>

Q_IMPORT_QML_PLUGIN(HelpyPlugin)
Q_IMPORT_QML_PLUGIN(Helpy_ClientPlugin)
Q_IMPORT_QML_PLUGIN(Helpy_ModelsPlugin)

using namespace Protocol;

class TestParticipantOrder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void ordersByRoleThenPresenceWithHelpysLast();
    void roleChangeMovesTheRow();
    void goingOfflineMovesTheRowDown();
    void hoverShowsRoleAndSinceWhen();

private:
    /// Display names of the rows, top to bottom.
    QStringList shownOrder() const;
    /// The visible group headers' texts, top to bottom.
    QStringList shownHeaders() const;
    QQuickItem *row(const QString &participantId) const;

    UiScene m_scene;
    std::unique_ptr<WebSocketService> m_abe;
    std::unique_ptr<WebSocketService> m_dan;
};

void TestParticipantOrder::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("HelpyTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_participant_order"));
    QQuickStyle::setStyle(QStringLiteral("Fusion"));
}

void TestParticipantOrder::init()
{
    QSettings().clear();
    QSettings().setValue(QStringLiteral("ui/language"), QStringLiteral("en"));
    m_scene.startServer(0); // a dropped connection is offline at once
    m_scene.loadApp();
    m_scene.joinAsBen();
    // Joined after Ben, named around him: join order is not the order shown.
    for (auto *client : { &m_dan, &m_abe }) {
        *client = m_scene.connectClient(
            client == &m_dan ? QStringLiteral("Dan") : QStringLiteral("Abe"));
        QVERIFY(*client);
        bool joined = false;
        (*client)->joinByInvite(
            m_scene.inviteCode, [&joined](const WebSocketService::Reply &) { joined = true; });
        QTRY_VERIFY(joined);
    }
    m_scene.owner->addHelpy(
        m_scene.sessionId, QStringLiteral("Math Helpy"), QStringLiteral("Mathematics"), QString());
    QTRY_COMPARE(m_scene.item(QStringLiteral("participantList"))->property("count").toInt(), 5);
}

void TestParticipantOrder::cleanup()
{
    m_abe.reset();
    m_dan.reset();
    m_scene.reset();
}

QQuickItem *TestParticipantOrder::row(const QString &participantId) const
{
    return m_scene.item(QStringLiteral("participant_") + participantId);
}

QStringList TestParticipantOrder::shownOrder() const
{
    QList<QQuickItem *> rows;
    for (QQuickItem *item : visibleItems(m_scene.window)) {
        if (item->objectName().startsWith(u"participant_")
            && item->property("participantId").isValid())
            rows << item;
    }
    std::sort(
        rows.begin(), rows.end(), [](QQuickItem *a, QQuickItem *b) { return a->y() < b->y(); });
    QStringList names;
    for (QQuickItem *item : std::as_const(rows))
        names << item->property("displayName").toString();
    return names;
}

QStringList TestParticipantOrder::shownHeaders() const
{
    QList<QQuickItem *> headers;
    for (QQuickItem *item : visibleItems(m_scene.window)) {
        if (item->objectName().startsWith(u"participantGroup_"))
            headers << item;
    }
    std::sort(headers.begin(), headers.end(),
        [](QQuickItem *a, QQuickItem *b) { return a->mapToScene({}).y() < b->mapToScene({}).y(); });
    QStringList texts;
    for (QQuickItem *item : std::as_const(headers))
        texts << item->property("text").toString();
    return texts;
}

void TestParticipantOrder::ordersByRoleThenPresenceWithHelpysLast()
{
    QTRY_COMPARE(shownOrder(), QStringList({ "Ana", "Abe", "Ben", "Dan", "Math Helpy" }));
    QTRY_COMPARE(shownHeaders(),
        QStringList(
            { "Owners · 1 (1 online)", "Members · 3 (3 online)", "Helpys · 1 (1 online)" }));
}

void TestParticipantOrder::roleChangeMovesTheRow()
{
    m_scene.owner->setRole(m_scene.sessionId, m_dan->userId(), Role::Moderator);
    QTRY_COMPARE(shownOrder(), QStringList({ "Ana", "Dan", "Abe", "Ben", "Math Helpy" }));
    QTRY_COMPARE(shownHeaders(),
        QStringList({ "Owners · 1 (1 online)", "Moderators · 1 (1 online)",
            "Members · 2 (2 online)", "Helpys · 1 (1 online)" }));
    // And back: the group goes with its last member.
    m_scene.owner->setRole(m_scene.sessionId, m_dan->userId(), Role::Member);
    QTRY_COMPARE(shownOrder(), QStringList({ "Ana", "Abe", "Ben", "Dan", "Math Helpy" }));
    QTRY_COMPARE(shownHeaders().size(), 3);
}

void TestParticipantOrder::goingOfflineMovesTheRowDown()
{
    QTRY_COMPARE(shownOrder(), QStringList({ "Ana", "Abe", "Ben", "Dan", "Math Helpy" }));
    m_abe->setAutoReconnect(false);
    m_abe->disconnectFromServer();
    QTRY_COMPARE(shownOrder(), QStringList({ "Ana", "Ben", "Dan", "Abe", "Math Helpy" }));
    QTRY_COMPARE(shownHeaders().value(1), QStringLiteral("Members · 3 (2 online)"));
    QCOMPARE(row(m_abe->userId())->property("presence").toString(), QStringLiteral("offline"));
}

void TestParticipantOrder::hoverShowsRoleAndSinceWhen()
{
    QQuickItem *ana = row(m_scene.owner->userId());
    QVERIFY(ana);
    // What the hover shows (ToolTip.text, attached to the row).
    const QString tip
        = QQmlProperty(ana, QStringLiteral("ToolTip.text"), qmlContext(ana)).read().toString();
    QVERIFY2(tip.startsWith(u"Owner · joined "), qPrintable(tip));
    // The time joined, in the locale's short format.
    const QDateTime joined = ana->property("joinedAt").toDateTime();
    QVERIFY(joined.isValid());
    QVERIFY2(tip.endsWith(QLocale().toString(joined.toLocalTime(), QLocale::ShortFormat)),
        qPrintable(tip));
    QCOMPARE(
        QQmlProperty(ana, QStringLiteral("ToolTip.delay"), qmlContext(ana)).read().toInt(), 500);
}

QTEST_MAIN(TestParticipantOrder)
#include "tst_participant_order.moc"
