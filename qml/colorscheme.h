// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

/// Qt 6.4 has no colour-scheme API: follow the platform palette (a dark desktop theme gives
/// a dark window colour), or HELPY_COLOR_SCHEME=dark|light, or the setting `ui/theme`
/// (AppSettings). Call after QGuiApplication.
void applyColorScheme();
/// Applies "system", "light" or "dark" at once (the settings dialog); HELPY_COLOR_SCHEME still
/// wins. The palette the platform gave is kept, so "system" can come back to it.
void applyColorScheme(const QString &theme);
