import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Helpy
import Helpy.Client

// Connection state and the last error, with Retry when offline.
Pane {
    id: banner
    objectName: "connectionBanner"

    readonly property bool offline: AppController.signedIn
                                    && AppController.connectionState === WebSocketService.Disconnected
    readonly property bool connecting: AppController.connectionState === WebSocketService.Connecting
    readonly property bool reconnecting: AppController.connectionState === WebSocketService.Reconnecting
    readonly property bool hasError: AppController.errorString.length > 0
                                     && AppController.signedIn

    visible: offline || connecting || reconnecting || hasError
    padding: 8
    leftPadding: 16
    rightPadding: 8
    background: Rectangle {
        color: banner.offline || banner.hasError ? Qt.rgba(Theme.danger.r, Theme.danger.g, Theme.danger.b, 0.16)
                                                 : Qt.rgba(Theme.reconnecting.r, Theme.reconnecting.g, Theme.reconnecting.b, 0.18)
    }
    Accessible.role: Accessible.AlertMessage
    Accessible.name: statusLabel.text

    RowLayout {
        anchors.left: parent.left
        anchors.right: parent.right
        spacing: 8

        BusyIndicator {
            running: banner.connecting
            visible: running
            Layout.preferredWidth: 22
            Layout.preferredHeight: 22
        }
        Label {
            id: statusLabel
            objectName: "connectionStatus"
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            text: banner.reconnecting ? qsTr("Connection lost — reconnecting in %n s…", "",
                                             AppController.reconnectSeconds)
                  : banner.connecting ? qsTr("Connecting to %1…").arg(AppController.serverAddress)
                  : banner.offline ? (banner.hasError ? AppController.errorString
                                                      : qsTr("Offline — the connection was lost."))
                  : banner.hasError ? AppController.errorString
                  : qsTr("Connected")
        }
        Button {
            objectName: "retryButton"
            focusPolicy: Qt.TabFocus // a click leaves the focus where the user was typing
            text: banner.reconnecting ? qsTr("Retry now") : qsTr("Retry")
            visible: banner.offline || banner.reconnecting
            Accessible.name: qsTr("Retry connecting")
            onClicked: AppController.retry()
        }
        Button {
            objectName: "bannerCancelButton"
            focusPolicy: Qt.TabFocus
            text: qsTr("Cancel")
            visible: banner.connecting || banner.reconnecting
            Accessible.name: qsTr("Stop connecting")
            onClicked: AppController.cancelConnecting()
        }
        ToolButton {
            objectName: "dismissErrorButton"
            text: "✕"
            focusPolicy: Qt.TabFocus
            visible: banner.hasError && !banner.offline
            Accessible.name: qsTr("Dismiss the message")
            onClicked: AppController.clearError()
        }
    }
}
