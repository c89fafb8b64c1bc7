import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Helpy

// Ctrl+K: join another session by invite code (and server, when not on one yet).
Dialog {
    id: dialog
    objectName: "joinDialog"

    title: qsTr("Join a session")
    modal: true
    standardButtons: Dialog.Ok | Dialog.Cancel
    closePolicy: Popup.CloseOnEscape | Popup.CloseOnPressOutside
    width: 400

    onOpened: {
        serverField.text = AppController.serverAddress.length > 0 ? AppController.serverAddress
                         : AppController.lastServer.length > 0 ? AppController.lastServer
                         : "ws://127.0.0.1:8787"
        codeField.clear()
        codeField.forceActiveFocus()
    }
    onAccepted: {
        if (AppController.displayName.length === 0)
            return
        AppController.join(serverField.text, codeField.text)
    }

    GridLayout {
        anchors.fill: parent
        columns: 2
        columnSpacing: 8
        rowSpacing: 8
        Label { text: qsTr("Server") }
        TextField {
            id: serverField
            objectName: "joinDialogServer"
            Layout.fillWidth: true
            placeholderText: "ws://host:port"
            Accessible.name: qsTr("Server address")
            onAccepted: dialog.accept()
        }
        Label { text: qsTr("Invite code") }
        TextField {
            id: codeField
            objectName: "joinDialogCode"
            Layout.fillWidth: true
            font.capitalization: Font.AllUppercase
            Accessible.name: qsTr("Invite code")
            onAccepted: dialog.accept()
        }
        Label {
            Layout.columnSpan: 2
            Layout.fillWidth: true
            visible: AppController.displayName.length === 0
            wrapMode: Text.Wrap
            color: Theme.danger
            text: qsTr("Enter your name on the sign-in page first.")
        }
    }
}
