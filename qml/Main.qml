import QtQuick
import QtQuick.Controls
import Helpy

ApplicationWindow {
    id: window
    objectName: "mainWindow"

    width: 1040
    height: 680
    minimumWidth: 640
    minimumHeight: 420
    visible: true
    // "(3) Helpy": the unread messages of every session, as chat apps show them.
    readonly property string baseTitle: AppController.currentSession
                                        && AppController.currentSession.title.length > 0
                                        ? qsTr("%1 — Helpy").arg(AppController.currentSession.title)
                                        : qsTr("Helpy")
    title: AppController.unreadTotal > 0 ? qsTr("(%1) %2").arg(AppController.unreadTotal).arg(baseTitle)
                                         : baseTitle
    // An open session is read while the window is active.
    onActiveChanged: AppController.windowActive = active
    Component.onCompleted: AppController.windowActive = active

    // The controls' palette follows the application palette, which main() makes light or
    // dark like the system (Fusion's own theme palette would otherwise win in Qt 6.4).
    palette.window: Theme.palette.window
    palette.active.windowText: Theme.palette.windowText
    palette.inactive.windowText: Theme.palette.windowText
    palette.base: Theme.palette.base
    palette.alternateBase: Theme.palette.alternateBase
    palette.active.text: Theme.palette.text
    palette.inactive.text: Theme.palette.text
    palette.button: Theme.palette.button
    palette.active.buttonText: Theme.palette.buttonText
    palette.inactive.buttonText: Theme.palette.buttonText
    palette.highlight: Theme.palette.highlight
    palette.highlightedText: Theme.palette.highlightedText
    palette.placeholderText: Theme.palette.placeholderText
    palette.light: Theme.palette.light
    palette.midlight: Theme.palette.midlight
    palette.mid: Theme.palette.mid
    palette.dark: Theme.palette.dark
    palette.shadow: Theme.palette.shadow
    palette.disabled.windowText: Theme.disabledPalette.windowText
    palette.disabled.text: Theme.disabledPalette.text
    palette.disabled.buttonText: Theme.disabledPalette.buttonText

    header: ConnectionBanner {}

    CursorBlinkLimiter { objectName: "cursorBlinkLimiter" } // the cursor blinks for 5 s only

    Loader {
        id: pageLoader
        objectName: "pageLoader"
        anchors.fill: parent
        sourceComponent: !AppController.signedIn ? signInPage
                         : AppController.currentSession ? sessionPage : sessionListPage
    }

    Component {
        id: signInPage
        SignInPage {}
    }
    Component {
        id: sessionListPage
        SessionListPage {}
    }
    Component {
        id: sessionPage
        SessionPage {
            session: AppController.currentSession
        }
    }

    Connections {
        target: pageLoader.item
        ignoreUnknownSignals: true
        function onJoinRequested() { joinDialog.open() }
        function onSettingsRequested() { settingsDialog.open() }
    }

    SettingsDialog {
        id: settingsDialog
        anchors.centerIn: Overlay.overlay
    }

    JoinDialog {
        id: joinDialog
        anchors.centerIn: Overlay.overlay
    }

    TrustCertificateDialog {
        id: trustDialog
        anchors.centerIn: Overlay.overlay
    }
    Connections {
        target: AppController
        function onCertificateConfirmationRequested(address: string, fingerprint: string) {
            trustDialog.address = address
            trustDialog.fingerprint = fingerprint
            trustDialog.open()
        }
    }

    Shortcut {
        sequence: "Ctrl+K"
        onActivated: joinDialog.open()
    }

    // Short notices ("Copied …", "You left …") at the bottom of the window.
    ToolTip {
        id: noticeTip
        objectName: "notice"
        x: (window.width - width) / 2
        y: window.height - height - 72
        timeout: 3500
    }
    Connections {
        target: AppController
        function onNotice(text: string) {
            noticeTip.text = text
            noticeTip.open()
        }
        function onRaiseRequested() {
            window.show()
            window.raise()
            window.requestActivate()
        }
    }
}
