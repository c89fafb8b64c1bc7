// SPDX-License-Identifier: MIT
#pragma once

/// Qt 6.4 has no colour-scheme API: follow the platform palette (a dark desktop theme gives
/// a dark window colour), or HELPY_COLOR_SCHEME=dark|light. Call after QGuiApplication.
void applyColorScheme();
