// SPDX-License-Identifier: MIT
// Every interactive control has a name a screen reader can say and a sensible role: the
// test walks each page, and every dialog and menu opened in turn, and fails on a button,
// field, switch, menu item, delegate or clickable area without one.
#include "uiscene.h"
#include "uiwalk.h"

#include <QAccessible>
#include <QQmlComponent>
#include <QQuickStyle>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QtQml/QQmlExtensionPlugin>

Q_IMPORT_QML_PLUGIN(HelpyPlugin)
Q_IMPORT_QML_PLUGIN(Helpy_ClientPlugin)
Q_IMPORT_QML_PLUGIN(Helpy_ModelsPlugin)

namespace {

/// What the user acts on: buttons of every kind (Button, ToolButton, ItemDelegate,
/// MenuItem, CheckBox, Switch), editable text, combo boxes, and items made clickable with a
/// MouseArea or a TapHandler.
bool isInteractive(QQuickItem *item)
{
    if (!item->isEnabled())
        return false;
    if (item->inherits("QQuickAbstractButton") || item->inherits("QQuickComboBox")
        || item->inherits("QQuickSpinBox") || item->inherits("QQuickSlider"))
        return true;
    if (item->inherits("QQuickTextInput") || item->inherits("QQuickTextEdit"))
        return !item->property("readOnly").toBool();
    if (item->inherits("QQuickMouseArea"))
        return true;
    const auto children = item->children();
    return std::any_of(children.cbegin(), children.cend(), [](QObject *child) {
        return child->inherits("QQuickTapHandler") && child->property("enabled").toBool();
    });
}

/// The item a screen reader announces for `item`: a MouseArea or TapHandler speaks through
/// the item it makes clickable.
QQuickItem *announced(QQuickItem *item)
{
    if (item->inherits("QQuickMouseArea") && item->parentItem())
        return item->parentItem();
    return item;
}

} // namespace

class TestAccessibility : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void signInPageControlsAreNamed();
    void sessionListPageControlsAreNamed();
    void sessionPageControlsAreNamed();
    void anUnnamedControlIsFound();

private:
    /// The unnamed interactive items shown now: "type in path (role)".
    QStringList unnamedControls() const;
    void verifyNamed(QObject *popupRoot);

    UiScene m_scene;
};

void TestAccessibility::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("HelpyTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_accessibility"));
    QQuickStyle::setStyle(QStringLiteral("Fusion"));
}

void TestAccessibility::init()
{
    QSettings().clear();
    QSettings().setValue(QStringLiteral("ui/language"), QStringLiteral("en"));
    m_scene.startServer();
    m_scene.loadApp();
}

void TestAccessibility::cleanup()
{
    m_scene.reset();
}

QStringList TestAccessibility::unnamedControls() const
{
    static const QRegularExpression word(QStringLiteral("\\p{L}"));
    QStringList unnamed;
    for (QQuickItem *item : visibleItems(m_scene.window)) {
        if (!isInteractive(item))
            continue;
        QQuickItem *speaker = announced(item);
        QAccessibleInterface *accessible = QAccessible::queryAccessibleInterface(speaker);
        QString name = accessible ? accessible->text(QAccessible::Name) : QString();
        QAccessible::Role role = accessible ? accessible->role() : QAccessible::NoRole;
        // Without Accessible.* in the QML, a control gives its text as the name and its type
        // as the role once a screen reader listens (the offscreen platform has none to make
        // QAccessible active): the same here. Other items have only what the QML says.
        const bool control = speaker->inherits("QQuickAbstractButton")
            || speaker->inherits("QQuickComboBox") || speaker->inherits("QQuickSpinBox")
            || speaker->inherits("QQuickSlider");
        if (control && name.isEmpty())
            name = speaker->property("text").toString();
        if (control && role == QAccessible::NoRole)
            role = QAccessible::Button;
        // A name says something ("⋮" or "✕" does not); the role is not the bare default.
        if (!name.contains(word) || role == QAccessible::NoRole || role == QAccessible::Client)
            unnamed << QStringLiteral("%1 (name “%2”, role %3)")
                           .arg(describe(item), name)
                           .arg(int(role), 0, 16);
    }
    return unnamed;
}

void TestAccessibility::verifyNamed(QObject *popupRoot)
{
    QStringList unnamed = unnamedControls();
    forEachPopupOpened(popupRoot, [&unnamed, this](QObject *popup) {
        for (const QString &control : unnamedControls()) {
            if (!unnamed.contains(control))
                unnamed << QStringLiteral("%1 in %2").arg(control, popup->objectName());
        }
    });
    QVERIFY2(
        unnamed.isEmpty(), qPrintable(QStringLiteral("without a name: ") + unnamed.join(u"; ")));
}

void TestAccessibility::signInPageControlsAreNamed()
{
    QVERIFY(m_scene.item(QStringLiteral("signInPage")));
    verifyNamed(m_scene.window);
}

void TestAccessibility::sessionListPageControlsAreNamed()
{
    m_scene.joinAsBen();
    m_scene.controller->closeSession();
    QTRY_VERIFY(m_scene.item(QStringLiteral("sessionMenuButton")));
    verifyNamed(m_scene.window);
}

void TestAccessibility::sessionPageControlsAreNamed()
{
    m_scene.joinAsBen();
    // A moderator sees every control the page has; a Helpy in the list has a menu.
    m_scene.owner->setRole(
        m_scene.sessionId, m_scene.controller->userId(), Protocol::Role::Moderator);
    m_scene.owner->addHelpy(
        m_scene.sessionId, QStringLiteral("Math Helpy"), QStringLiteral("Mathematics"), QString());
    QTRY_VERIFY(m_scene.item(QStringLiteral("addHelpyButton"))
        && m_scene.item(QStringLiteral("addHelpyButton"))->isVisible());
    QTRY_COMPARE(m_scene.item(QStringLiteral("participantList"))->property("count").toInt(), 3);
    m_scene.controller->currentSession()->sendMessage(QStringLiteral("Hello"));
    QTRY_VERIFY(m_scene.controller->currentSession()->messages()->count() > 0);
    verifyNamed(m_scene.item(QStringLiteral("sessionPage")));
}

void TestAccessibility::anUnnamedControlIsFound()
{
    // The check itself: a button that only shows a symbol, a field without a name and a
    // clickable rectangle are reported; a named one is not.
    QVERIFY(unnamedControls().isEmpty());
    QQmlComponent component(m_scene.engine.get());
    component.setData(R"(
        import QtQuick
        import QtQuick.Controls
        Column {
            Button { objectName: "symbolOnly"; text: "→" }
            Button { text: "→"; Accessible.name: "Next" }
            TextField { objectName: "nameless" }
            Rectangle {
                objectName: "clickable"; width: 20; height: 20
                MouseArea { anchors.fill: parent }
            }
        })",
        QUrl());
    std::unique_ptr<QObject> extra(component.create());
    QVERIFY2(extra, qPrintable(component.errorString()));
    qobject_cast<QQuickItem *>(extra.get())->setParentItem(m_scene.window->contentItem());
    const QString unnamed = unnamedControls().join(u"; ");
    QVERIFY2(unnamed.contains(u"symbolOnly"), qPrintable(unnamed));
    QVERIFY2(unnamed.contains(u"nameless"), qPrintable(unnamed));
    QVERIFY2(unnamed.contains(u"clickable"), qPrintable(unnamed));
    QCOMPARE(unnamedControls().size(), 3);
}

QTEST_MAIN(TestAccessibility)
#include "tst_accessibility.moc"
