// SPDX-License-Identifier: MIT
// The participant menu offers exactly what the rule book allows: for each remove / leave /
// role row of the permission table, a real server is put in the row's situation, the real
// SessionPage (offscreen) shows the session to A, and the menu item for the action is shown
// if and only if the row allows it. Where it is shown, using it does it on the server.
#include "groupsession.h"
#include "permissionscene.h"
#include "websocketservice.h"

#include "appwindow.h"
#include "quickitems.h"
#include <QQmlEngine>

#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickView>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QtQml/QQmlExtensionPlugin>

Q_IMPORT_QML_PLUGIN(HelpyPlugin)
Q_IMPORT_QML_PLUGIN(Helpy_ClientPlugin)
Q_IMPORT_QML_PLUGIN(Helpy_ModelsPlugin)

using namespace Protocol;
using namespace Qt::StringLiterals;
using PermissionTable::Action;

namespace {

/// The menu item a row's action is offered by.
QString menuItemFor(const PermissionTable::Row &row, bool self)
{
    if (row.action == Action::Remove)
        return self ? u"leaveAction"_s : u"removeAction"_s;
    switch (row.role) {
    case Role::Owner:
        return u"makeOwnerAction"_s;
    case Role::Moderator:
        return u"makeModeratorAction"_s;
    case Role::Member:
        break;
    }
    return u"makeMemberAction"_s;
}

} // namespace

class TestMenuPermissions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QQuickStyle::setStyle(u"Fusion"_s);
    }

    void menuMatchesTheTable_data()
    {
        QTest::addColumn<int>("index");
        const auto rows = PermissionTable::rows();
        for (int i = 0; i < rows.size(); ++i) {
            if (rows.at(i).action == Action::Remove || rows.at(i).action == Action::SetRole
                || rows.at(i).action == Action::AddHelpy)
                QTest::newRow(rows.at(i).name) << i;
        }
    }

    void menuMatchesTheTable()
    {
        QFETCH(int, index);
        const PermissionTable::Row row = PermissionTable::rows().at(index);
        PermissionTable::Scene scene;
        QVERIFY(scene.build(row.roster));
        const QString actor = scene.idOf.value(u"A"_s);
        const QString target = scene.idOf.value(row.target);
        const bool allowed = !row.refusal.has_value();

        // A, in the app: the same identity (token), the session loaded.
        WebSocketService service;
        QSignalSpy welcomed(&service, &WebSocketService::welcomed);
        service.connectToServer(scene.server->url(), u"A"_s, scene.client(u"A"_s).token);
        QVERIFY(welcomed.wait());
        QCOMPARE(service.userId(), actor);
        GroupSession session(&service, scene.sessionId);
        session.join();
        QTRY_VERIFY(session.isLoaded());
        QTRY_COMPARE(session.participants()->count(), int(row.roster.size()));

        QQuickView view;
        showSessionPage(view, &session);
        QVERIFY(view.status() == QQuickView::Ready && view.isExposed());

        if (row.action == Action::AddHelpy) {
            // The toolbar offers "Add Helpy…" only where the rule book allows it.
            QQuickItem *add = findItem(view.rootObject(), u"addHelpyButton"_s);
            QVERIFY(add);
            QTRY_COMPARE(add->isVisible(), allowed);
            return;
        }
        QQuickItem *delegate = nullptr;
        QTRY_VERIFY((delegate = findItem(view.rootObject(), u"participant_"_s + target)));
        QObject *menu = delegate->findChild<QObject *>(u"participantMenu"_s);
        QVERIFY(menu);
        auto *actions = delegate->findChild<QQuickItem *>(u"participantActions"_s);
        QVERIFY(actions);
        auto *item = delegate->findChild<QQuickItem *>(menuItemFor(row, target == actor));
        QVERIFY(item);
        if (row.action == Action::Remove && target == actor) {
            // The toolbar's Leave button follows the same rule.
            QQuickItem *leave = findItem(view.rootObject(), u"leaveButton"_s);
            QVERIFY(leave);
            QCOMPARE(leave->isEnabled(), allowed);
        }
        if (!actions->isVisible()) {
            // No actions at all on this row: then nothing may be allowed.
            QVERIFY2(!allowed, "the row allows an action the menu does not offer");
            return;
        }
        QMetaObject::invokeMethod(menu, "open");
        QTRY_COMPARE(menu->property("opened").toBool(), true);
        QCOMPARE(item->isVisible(), allowed);
        if (!allowed)
            return;

        // Offered: using it does it.
        QMetaObject::invokeMethod(item, "clicked");
        auto targetNow = [&]() -> std::optional<Participant> {
            const QList<Participant> participants = scene.server->participants(scene.sessionId);
            for (const Participant &p : participants) {
                if (p.id == target)
                    return p;
            }
            return std::nullopt;
        };
        if (row.action == Action::Remove) {
            QTRY_VERIFY(!targetNow());
        } else {
            auto roleOfTarget = [&] { return targetNow() ? targetNow()->role : Role::Member; };
            QTRY_COMPARE(toString(roleOfTarget()), toString(row.role));
        }
    }
};

QTEST_MAIN(TestMenuPermissions)
#include "tst_menu_permissions.moc"
