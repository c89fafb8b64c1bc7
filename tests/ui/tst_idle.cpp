// SPDX-License-Identifier: MIT
// A window left open costs nothing: once settled, no animation or repeating timer runs and
// no frame is drawn, on the sign-in page and on a session page (the message box focused).
// The text cursor blinks only for a while after the last input (CursorBlinkLimiter).
// scripts/idle-cpu.sh measures the same as CPU time of the real app.
#include "uiscene.h"
#include "uiwalk.h"

#include <QElapsedTimer>
#include <QQuickStyle>
#include <QStandardPaths>
#include <QtQml/QQmlExtensionPlugin>

Q_IMPORT_QML_PLUGIN(HelpyPlugin)
Q_IMPORT_QML_PLUGIN(Helpy_ClientPlugin)
Q_IMPORT_QML_PLUGIN(Helpy_ModelsPlugin)

namespace {

/// How long "idle" is watched. A time window, not a synchronisation: nothing is awaited.
constexpr int idleWindowMs = 1500;

} // namespace

class TestIdle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void signInPageDrawsNothingWhenIdle();
    void sessionPageDrawsNothingWhenIdle();
    void typingBlinksTheCursorAgainForAWhile();

private:
    QObject *limiter() const;
    /// Waits until the cursor stops blinking and the window has drawn its last frame.
    void settle();
    /// Frames drawn during the idle window.
    int framesWhileIdle();
    /// Animations, repeating timers and busy indicators running now ("" if none).
    QStringList running() const;

    UiScene m_scene;
};

void TestIdle::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("HelpyTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_idle"));
    QQuickStyle::setStyle(QStringLiteral("Fusion"));
}

void TestIdle::init()
{
    QSettings().clear();
    QSettings().setValue(QStringLiteral("ui/language"), QStringLiteral("en"));
    m_scene.startServer();
    m_scene.loadApp();
    QVERIFY(limiter());
    limiter()->setProperty("blinkTimeout", 300); // 5 s in the app
}

void TestIdle::cleanup()
{
    m_scene.reset();
}

QObject *TestIdle::limiter() const
{
    return m_scene.window->findChild<QObject *>(QStringLiteral("cursorBlinkLimiter"));
}

void TestIdle::settle()
{
    QTRY_VERIFY(!limiter()->property("blinking").toBool());
    // The last frames (the cursor shown steady, a layout finishing) are drawn by now.
    QSignalSpy frames(m_scene.window, &QQuickWindow::frameSwapped);
    QTRY_VERIFY_WITH_TIMEOUT(!frames.wait(300), 5000);
}

int TestIdle::framesWhileIdle()
{
    QSignalSpy frames(m_scene.window, &QQuickWindow::frameSwapped);
    QElapsedTimer watched;
    watched.start();
    while (watched.elapsed() < idleWindowMs)
        QTest::qWait(50);
    return int(frames.size());
}

QStringList TestIdle::running() const
{
    QStringList found;
    const auto objects = m_scene.window->findChildren<QObject *>();
    for (QObject *object : objects) {
        const QString what = QStringLiteral("%1 “%2”").arg(
            QString::fromLatin1(object->metaObject()->className()), object->objectName());
        if (object->inherits("QQuickAbstractAnimation") && object->property("running").toBool())
            found << what;
        else if (object->inherits("QQmlTimer") && object->property("running").toBool()
            && object->property("repeat").toBool())
            found << what;
        else if (object->inherits("QQuickBusyIndicator") && object->property("running").toBool())
            found << what;
    }
    return found;
}

void TestIdle::signInPageDrawsNothingWhenIdle()
{
    QQuickItem *name = m_scene.item(QStringLiteral("nameField"));
    QVERIFY(name);
    name->forceActiveFocus(); // a blinking cursor, as when the page opens
    settle();
    QVERIFY2(running().isEmpty(), qPrintable(running().join(u", ")));
    QCOMPARE(framesWhileIdle(), 0);
}

void TestIdle::sessionPageDrawsNothingWhenIdle()
{
    m_scene.joinAsBen();
    const MessageListModel *messages = m_scene.controller->currentSession()->messages();
    const int before = messages->count();
    m_scene.controller->currentSession()->sendMessage(QStringLiteral("Hello"));
    QTRY_COMPARE(messages->count(), before + 1);
    settle();
    QVERIFY2(running().isEmpty(), qPrintable(running().join(u", ")));
    QCOMPARE(framesWhileIdle(), 0);
}

void TestIdle::typingBlinksTheCursorAgainForAWhile()
{
    QQuickItem *name = m_scene.item(QStringLiteral("nameField"));
    name->forceActiveFocus();
    settle();
    QTest::keyClick(m_scene.window, Qt::Key_B);
    QCOMPARE(name->property("text").toString(), QStringLiteral("b"));
    QVERIFY(limiter()->property("blinking").toBool());
    QSignalSpy frames(m_scene.window, &QQuickWindow::frameSwapped);
    QVERIFY(frames.wait()); // the letter, then the cursor blinking
    settle();
    QCOMPARE(framesWhileIdle(), 0);
}

QTEST_MAIN(TestIdle)
#include "tst_idle.moc"
