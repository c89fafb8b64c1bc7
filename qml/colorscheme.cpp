// SPDX-License-Identifier: MIT
#include "colorscheme.h"

#include <QGuiApplication>
#include <QPalette>
#include <QSettings>

#include <optional>

namespace {

QPalette darkPalette()
{
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
    return p;
}

QPalette lightPalette()
{
    QPalette p;
    const QColor window(0xef, 0xf0, 0xf1), base(Qt::white), text(0x1f, 0x23, 0x28);
    const QColor accent(0x2f, 0x5f, 0xd0);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, window.darker(104));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, window);
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);
    p.setColor(QPalette::Highlight, accent);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::ToolTipBase, QColor(0xff, 0xff, 0xdc));
    p.setColor(QPalette::ToolTipText, Qt::black);
    p.setColor(QPalette::PlaceholderText, QColor(0x80, 0x86, 0x8c));
    p.setColor(QPalette::Link, accent);
    p.setColor(QPalette::Light, Qt::white);
    p.setColor(QPalette::Midlight, window.lighter(104));
    p.setColor(QPalette::Mid, window.darker(130));
    p.setColor(QPalette::Dark, window.darker(150));
    p.setColor(QPalette::Shadow, Qt::black);
    for (auto role : { QPalette::WindowText, QPalette::Text, QPalette::ButtonText })
        p.setColor(QPalette::Disabled, role, QColor(0x9a, 0xa0, 0xa6));
    return p;
}

/// The platform's own palette, before we set one.
const QPalette &systemPalette()
{
    static const QPalette palette = QGuiApplication::palette();
    return palette;
}

} // namespace

void applyColorScheme()
{
    applyColorScheme(QSettings().value(QStringLiteral("ui/theme")).toString());
}

void applyColorScheme(const QString &theme)
{
    const QPalette &system = systemPalette();
    const bool systemIsDark = system.color(QPalette::Window).lightness() < 128;
    const QByteArray forced = qgetenv("HELPY_COLOR_SCHEME").toLower();
    std::optional<bool> dark;
    if (forced == "dark" || forced == "light")
        dark = forced == "dark";
    else if (theme == QLatin1String("dark") || theme == QLatin1String("light"))
        dark = theme == QLatin1String("dark");
    if (!dark || *dark == systemIsDark) {
        // The platform's palette when it already has the wanted lightness.
        QGuiApplication::setPalette(systemIsDark ? darkPalette() : system);
        return;
    }
    QGuiApplication::setPalette(*dark ? darkPalette() : lightPalette());
}
