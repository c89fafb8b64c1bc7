// SPDX-License-Identifier: MIT
#pragma once

#include <QQuickItem>

/// The item named `objectName` under `root`, depth-first through the visual tree (ListView
/// delegates are only reachable that way), or null.
inline QQuickItem *findItem(QQuickItem *root, const QString &objectName)
{
    if (root->objectName() == objectName)
        return root;
    const auto children = root->childItems();
    for (QQuickItem *child : children) {
        if (QQuickItem *found = findItem(child, objectName))
            return found;
    }
    return nullptr;
}
