import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Helpy

// Ctrl+K: join another session by invite link, or by invite code (and server, when not on
// one yet).
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
                                                                  : AppController.defaultServer
        codeField.clear()
        codeField.previousLength = 0
        codeField.forceActiveFocus()
    }
    onAccepted: {
        if (AppController.displayName.length === 0)
            return
        AppController.join(serverField.text, codeField.text)
    }

    // A pasted invite link (helpy://HOST:PORT/CODE) fills both fields.
    function takeInviteLink(text) {
        const server = AppController.inviteLinkServer(text)
        if (server.length === 0)
            return
        serverField.text = server
        codeField.text = AppController.inviteLinkCode(text)
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
            placeholderText: qsTr("ws://host:port")
            Accessible.name: qsTr("Server address")
            onAccepted: dialog.accept()
            property int previousLength: 0
            onTextEdited: {
                if (text.length - previousLength > 1 && AppController.isInviteLink(text))
                    dialog.takeInviteLink(text)
                previousLength = text.length
            }
        }
        Label { text: qsTr("Invite code") }
        TextField {
            id: codeField
            objectName: "joinDialogCode"
            Layout.fillWidth: true
            placeholderText: qsTr("Invite code, or paste an invite link")
            Accessible.name: qsTr("Invite code or invite link")
            onAccepted: dialog.accept()
            property int previousLength: 0
            onTextEdited: {
                if (text.length - previousLength > 1 && AppController.isInviteLink(text))
                    dialog.takeInviteLink(text)
                previousLength = text.length
            }
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
