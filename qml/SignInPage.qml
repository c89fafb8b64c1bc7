import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Helpy
import Helpy.Client

// Who you are, then: host a session on this computer, or join one by address and code.
Page {
    id: page
    objectName: "signInPage"
    title: qsTr("Sign in")

    function joinNow() {
        AppController.displayName = nameField.text
        AppController.join(serverField.text, codeField.text)
    }
    function hostNow() {
        AppController.displayName = nameField.text
        AppController.hostSession(titleField.text)
    }

    // A pasted invite link (helpy://HOST:PORT/CODE) fills both fields of the Join box.
    function takeInviteLink(text) {
        const server = AppController.inviteLinkServer(text)
        if (server.length === 0)
            return false
        serverField.text = server
        codeField.text = AppController.inviteLinkCode(text)
        return true
    }

    // A later launch (the desktop's helpy:// handler) handed a link to this window.
    Connections {
        target: AppController
        function onPendingInviteLinkChanged() {
            page.takeInviteLink(AppController.pendingInviteLink)
        }
    }

    Component.onCompleted: {
        if (AppController.pendingInviteLink.length > 0)
            takeInviteLink(AppController.pendingInviteLink)
        nameField.forceActiveFocus()
    }

    ColumnLayout {
        anchors.centerIn: parent
        width: Math.min(page.width - 48, 460)
        spacing: 18

        Label {
            text: qsTr("Helpy")
            font.pixelSize: 30
            font.bold: true
            color: Theme.accent
            Layout.alignment: Qt.AlignHCenter
        }
        Label {
            text: qsTr("Live study sessions with your group and Helpy tutors.")
            color: Theme.subtleText
            wrapMode: Text.Wrap
            horizontalAlignment: Text.AlignHCenter
            Layout.fillWidth: true
        }

        Label {
            text: qsTr("Your name")
            font.bold: true
        }
        TextField {
            id: nameField
            objectName: "nameField"
            Layout.fillWidth: true
            text: AppController.displayName
            placeholderText: qsTr("e.g. Ana")
            maximumLength: 100
            Accessible.name: qsTr("Your name")
            KeyNavigation.tab: AppController.canHost ? titleField : serverField
        }

        GroupBox {
            title: qsTr("Host a session on this computer")
            visible: AppController.canHost
            Layout.fillWidth: true

            RowLayout {
                anchors.fill: parent
                spacing: 8
                TextField {
                    id: titleField
                    objectName: "titleField"
                    Layout.fillWidth: true
                    placeholderText: qsTr("Session title, e.g. Algebra revision")
                    Accessible.name: qsTr("Session title")
                    KeyNavigation.tab: hostButton
                    onAccepted: page.hostNow()
                }
                Button {
                    id: hostButton
                    objectName: "hostButton"
                    text: qsTr("Host")
                    enabled: nameField.text.trim().length > 0 && !AppController.busy
                    Accessible.name: qsTr("Host a session on this computer")
                    KeyNavigation.tab: serverField
                    onClicked: page.hostNow()
                }
                Button {
                    objectName: "helpyTutorsButton"
                    text: qsTr("Helpy tutors…")
                    Accessible.name: qsTr("Set the model Helpy tutors answer with")
                    onClicked: tutorsDialog.open()
                }
            }
        }

        GroupBox {
            title: qsTr("Join a session")
            Layout.fillWidth: true

            GridLayout {
                anchors.fill: parent
                columns: 2
                columnSpacing: 8
                rowSpacing: 8

                Label { text: qsTr("Server") }
                TextField {
                    id: serverField
                    objectName: "serverField"
                    Layout.fillWidth: true
                    text: AppController.defaultServer
                    placeholderText: qsTr("ws://host:port")
                    inputMethodHints: Qt.ImhUrlCharactersOnly | Qt.ImhNoAutoUppercase
                    Accessible.name: qsTr("Server address")
                    KeyNavigation.tab: codeField
                    property int previousLength: 0
                    onTextEdited: {
                        // More than a keystroke at once (a paste) that is a whole link.
                        if (text.length - previousLength > 1 && AppController.isInviteLink(text))
                            page.takeInviteLink(text)
                        previousLength = text.length
                    }
                }
                Label { text: qsTr("Invite code") }
                TextField {
                    id: codeField
                    objectName: "inviteCodeField"
                    Layout.fillWidth: true
                    placeholderText: qsTr("e.g. K7PQ2M, or paste an invite link")
                    Accessible.name: qsTr("Invite code or invite link")
                    KeyNavigation.tab: joinButton
                    property int previousLength: 0
                    onTextEdited: {
                        if (text.length - previousLength > 1 && AppController.isInviteLink(text))
                            page.takeInviteLink(text)
                        previousLength = text.length
                    }
                    onAccepted: if (joinButton.enabled) page.joinNow()
                }
                Item { Layout.preferredWidth: 1 }
                Button {
                    id: joinButton
                    objectName: "joinButton"
                    Layout.alignment: Qt.AlignRight
                    text: qsTr("Join")
                    highlighted: true
                    enabled: nameField.text.trim().length > 0 && codeField.text.trim().length > 0
                             && !AppController.busy
                    Accessible.name: qsTr("Join the session")
                    KeyNavigation.tab: nameField
                    onClicked: page.joinNow()
                }
            }
        }

        RowLayout {
            Layout.fillWidth: true
            spacing: 8
            BusyIndicator {
                running: AppController.busy
                visible: running
                Layout.preferredWidth: 24
                Layout.preferredHeight: 24
            }
            Button {
                objectName: "cancelConnectingButton"
                text: qsTr("Cancel")
                // Connecting to a server that may not be there: the user can always stop it.
                visible: AppController.busy
                         && AppController.connectionState !== WebSocketService.Connected
                Accessible.name: qsTr("Cancel connecting")
                onClicked: AppController.cancelConnecting()
            }
            Label {
                objectName: "signInError"
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                color: Theme.danger
                text: AppController.errorString
                visible: text.length > 0
                Accessible.role: Accessible.AlertMessage
                Accessible.name: text
            }
        }
    }

    HelpyTutorsDialog {
        id: tutorsDialog
        anchors.centerIn: Overlay.overlay
    }
}
