// SPDX-License-Identifier: MIT
// The app's QML as the UI tests load it: the whole Main.qml, as main() does, or one
// SessionPage for one session. From the load on, any warning (a binding loop, an unknown
// property, a failed load) fails the running test.
#pragma once

#include <QQmlApplicationEngine>
#include <QQuickView>
#include <QQuickWindow>
#include <QRegularExpression>
#include <QTest>

/// Loads Main.qml into `engine`; `window` is its exposed window (null if that failed).
inline void loadMainWindow(QQmlApplicationEngine &engine, QQuickWindow *&window)
{
    window = nullptr;
    engine.addImportPath(QStringLiteral("qrc:/qt/qml")); // 6.4's default paths lack it
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
    engine.load(QUrl(QStringLiteral("qrc:/qt/qml/Helpy/Main.qml")));
    QCOMPARE(engine.rootObjects().size(), 1);
    window = qobject_cast<QQuickWindow *>(engine.rootObjects().constFirst());
    QVERIFY(window);
    QVERIFY(QTest::qWaitForWindowExposed(window));
}

/// Shows SessionPage.qml for `session` in `view`, 900×600.
template<typename Session> void showSessionPage(QQuickView &view, Session *session)
{
    view.engine()->addImportPath(QStringLiteral("qrc:/qt/qml"));
    view.setInitialProperties({ { QStringLiteral("session"), QVariant::fromValue(session) } });
    view.setResizeMode(QQuickView::SizeRootObjectToView);
    view.resize(900, 600);
    QTest::failOnWarning(QRegularExpression(QStringLiteral(".*")));
    view.setSource(QUrl(QStringLiteral("qrc:/qt/qml/Helpy/SessionPage.qml")));
    QCOMPARE(view.status(), QQuickView::Ready);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
}
