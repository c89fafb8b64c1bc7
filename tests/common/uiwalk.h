// SPDX-License-Identifier: MIT
// Walking what a window shows, for the tests that check every visible item (translations,
// accessibility, idle): the visible items under a window (popups included: they live in
// its overlay), and every popup of a page opened in turn.
#pragma once

#include <QQuickItem>
#include <QQuickWindow>
#include <QTest>

#include <functional>

/// Every visible item under `root` (itself included), depth-first.
inline void collectVisibleItems(QQuickItem *root, QList<QQuickItem *> &items)
{
    if (!root->isVisible() || root->opacity() == 0)
        return;
    items << root;
    const auto children = root->childItems();
    for (QQuickItem *child : children)
        collectVisibleItems(child, items);
}

inline QList<QQuickItem *> visibleItems(QQuickWindow *window)
{
    QList<QQuickItem *> items;
    collectVisibleItems(window->contentItem(), items);
    return items;
}

/// Where an item is, for failure messages: its QML type and the object names above it.
inline QString describe(QQuickItem *item)
{
    QStringList path;
    for (QQuickItem *i = item; i; i = i->parentItem()) {
        if (!i->objectName().isEmpty())
            path.prepend(i->objectName());
    }
    return QStringLiteral("%1 in %2")
        .arg(QString::fromLatin1(item->metaObject()->className()), path.join(QLatin1Char('/')));
}

/// The popups (dialogs, menus) declared under `root` on what is shown; not tool tips, nor
/// those of a page already gone (deleted later).
inline QList<QObject *> popupsUnder(QObject *root)
{
    QList<QObject *> popups;
    const auto objects = root->findChildren<QObject *>();
    for (QObject *object : objects) {
        if (!object->inherits("QQuickPopup") || object->inherits("QQuickToolTip"))
            continue;
        auto *parent = object->property("parent").value<QQuickItem *>();
        if (parent && parent->window() && parent->isVisible())
            popups << object;
    }
    return popups;
}

/// Opens each popup under `root` in turn, calls `visit` with it open, closes it again.
inline void forEachPopupOpened(QObject *root, const std::function<void(QObject *)> &visit)
{
    for (QObject *popup : popupsUnder(root)) {
        QMetaObject::invokeMethod(popup, "open");
        QTRY_VERIFY2(popup->property("opened").toBool(), qPrintable(popup->objectName()));
        visit(popup);
        QMetaObject::invokeMethod(popup, "close");
        QTRY_VERIFY(!popup->property("visible").toBool());
        if (QTest::currentTestFailed())
            return;
    }
}
