pragma Singleton
import QtQuick

// Colours on top of the application palette, which main() sets light or dark to follow
// the system. Everything else (text, window, buttons) comes from the palette itself.
QtObject {
    readonly property SystemPalette palette: SystemPalette { colorGroup: SystemPalette.Active }
    readonly property SystemPalette disabledPalette: SystemPalette { colorGroup: SystemPalette.Disabled }
    readonly property bool dark: palette.window.hslLightness < 0.5

    readonly property color accent: dark ? "#7aa7ff" : "#2f5fd0"
    readonly property color online: dark ? "#4cc38a" : "#1f9d55"
    readonly property color reconnecting: dark ? "#f0b849" : "#d18a00"
    readonly property color offline: dark ? "#8b8f98" : "#9aa0a6"
    readonly property color helpy: dark ? "#c49bff" : "#7b3fe4"
    readonly property color danger: dark ? "#ff7b72" : "#c62828"
    readonly property color subtleText: Qt.rgba(palette.windowText.r, palette.windowText.g,
                                                palette.windowText.b, 0.62)
    readonly property color panel: dark ? Qt.lighter(palette.window, 1.25) : Qt.darker(palette.window, 1.04)
    readonly property color ownBubble: dark ? "#24406e" : "#dce7ff"
    readonly property color otherBubble: dark ? Qt.lighter(palette.base, 1.35) : "#ffffff"
    readonly property color border: dark ? Qt.lighter(palette.window, 1.6) : Qt.darker(palette.window, 1.15)

    function presenceColor(presence: string): color {
        return presence === "online" ? online : presence === "reconnecting" ? reconnecting : offline
    }

    // A name's colour as text on a bubble: darker than the avatar's on light backgrounds.
    function nameColor(key: string): color {
        return dark ? Qt.lighter(avatarColor(key), 1.3) : Qt.darker(avatarColor(key), 1.35)
    }

    // A stable colour per participant, so an avatar keeps its colour between runs.
    function avatarColor(key: string): color {
        let hash = 0
        for (let i = 0; i < key.length; ++i)
            hash = (hash * 31 + key.charCodeAt(i)) % 360
        return Qt.hsla(hash / 360, 0.45, dark ? 0.42 : 0.55, 1)
    }
}
