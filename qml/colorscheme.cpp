// SPDX-License-Identifier: MIT
#include "colorscheme.h"

#include <QGuiApplication>
#include <QPalette>

void applyColorScheme()
{
    const QByteArray forced = qgetenv("HELPY_COLOR_SCHEME").toLower();
    const bool dark = forced == "dark"
        || (forced != "light"
            && QGuiApplication::palette().color(QPalette::Window).lightness() < 128);
    if (!dark)
        return;
    QPalette p;
    const QColor window(0x25, 0x27, 0x2b), base(0x1c, 0x1e, 0x22), text(0xe8, 0xea, 0xed);
    const QColor accent(0x4a, 0x7b, 0xe6);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window.lighter(115));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window.lighter(120));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Highlight, accent);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::ToolTipBase, window.lighter(140));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x8b, 0x8f, 0x98));
    p.setColor(QPalette::Link, accent.lighter(130));
    p.setColor(QPalette::Light, window.lighter(160));
    p.setColor(QPalette::Midlight, window.lighter(130));
    p.setColor(QPalette::Mid, window.lighter(110));
    p.setColor(QPalette::Dark, window.darker(130));
    p.setColor(QPalette::Shadow, Qt::black);
    for (auto role : { QPalette::WindowText, QPalette::Text, QPalette::ButtonText })
        p.setColor(QPalette::Disabled, role, QColor(0x7a, 0x7e, 0x86));
    QGuiApplication::setPalette(p);
}
