pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Helpy

// The sessions this user is in; create a new one or join one by code (Ctrl+K).
Page {
    id: page
    objectName: "sessionListPage"
    title: qsTr("Your sessions")

    signal joinRequested()
    /// A row was chosen (clicked, or Return on the current one).
    signal sessionChosen(string sessionId)

    onSessionChosen: (sessionId) => AppController.openSession(sessionId)

    header: ToolBar {
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: 12
            anchors.rightMargin: 6
            Label {
                text: qsTr("Signed in as %1").arg(AppController.displayName)
                elide: Text.ElideRight
                Layout.fillWidth: true
            }
            Label {
                visible: AppController.hosting
                text: qsTr("Hosting at %1").arg(AppController.hostAddress)
                color: Theme.subtleText
            }
            ToolButton {
                text: qsTr("Join…")
                Accessible.name: qsTr("Join a session with an invite link or code (Ctrl+K)")
                onClicked: page.joinRequested()
            }
            ToolButton {
                text: qsTr("Sign out")
                Accessible.name: qsTr("Sign out")
                onClicked: AppController.signOut()
            }
        }
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 16
        spacing: 12

        RowLayout {
            Layout.fillWidth: true
            spacing: 8
            TextField {
                id: newTitle
                objectName: "newSessionTitle"
                Layout.fillWidth: true
                placeholderText: qsTr("New session title")
                Accessible.name: qsTr("New session title")
                onAccepted: createButton.clicked()
            }
            Button {
                id: createButton
                objectName: "createSessionButton"
                text: qsTr("Create session")
                enabled: newTitle.text.trim().length > 0 && !AppController.busy
                Accessible.name: qsTr("Create a new session")
                onClicked: {
                    AppController.createSession(newTitle.text.trim())
                    newTitle.clear()
                }
            }
        }

        ListView {
            id: list
            objectName: "sessionList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: AppController.sessions
            spacing: 4
            keyNavigationEnabled: true
            focus: true
            Accessible.role: Accessible.List
            Accessible.name: qsTr("Your sessions")

            delegate: ItemDelegate {
                id: row
                required property string sessionId
                required property string title
                required property string role
                required property int participantCount
                required property int index

                width: ListView.view.width
                highlighted: ListView.isCurrentItem
                text: title
                Accessible.name: qsTr("%1, %2 participants, you are %3").arg(title).arg(participantCount).arg(role === "owner" ? qsTr("owner") : role === "moderator" ? qsTr("moderator") : qsTr("member"))
                contentItem: RowLayout {
                    spacing: 12
                    Label {
                        text: row.title
                        font.bold: true
                        elide: Text.ElideRight
                        Layout.fillWidth: true
                    }
                    Label {
                        text: qsTr("%n participant(s)", "", row.participantCount)
                        color: Theme.subtleText
                    }
                    Label {
                        text: row.role === "owner" ? qsTr("owner") : row.role === "moderator" ? qsTr("moderator") : qsTr("member")
                        color: Theme.subtleText
                    }
                    ToolButton {
                        objectName: "sessionMenuButton"
                        // Renaming and deleting are the owner's (docs/protocol.md, Permissions).
                        visible: row.role === "owner"
                        text: "⋯"
                        Accessible.name: qsTr("More actions for %1").arg(row.title)
                        onClicked: rowMenu.popup()
                    }
                }
                Menu {
                    id: rowMenu
                    MenuItem {
                        objectName: "renameSessionItem"
                        text: qsTr("Rename…")
                        onTriggered: renameDialog.openFor(row.sessionId, row.title)
                    }
                    MenuItem {
                        objectName: "deleteSessionItem"
                        text: qsTr("Delete…")
                        onTriggered: deleteDialog.openFor(row.sessionId, row.title)
                    }
                }
                onClicked: page.sessionChosen(sessionId)
                Keys.onReturnPressed: page.sessionChosen(sessionId)
            }

            Label {
                anchors.centerIn: parent
                width: parent.width - 32
                visible: list.count === 0
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                color: Theme.subtleText
                text: qsTr("You are in no session yet. Create one, or join one with an invite code (Ctrl+K).")
            }
        }
    }

    Dialog {
        id: renameDialog
        objectName: "renameSessionDialog"
        property string sessionId
        function openFor(id: string, title: string) {
            sessionId = id
            renameField.text = title
            open()
            renameField.selectAll()
            renameField.forceActiveFocus()
        }
        anchors.centerIn: Overlay.overlay
        width: Math.min(page.width - 48, 400)
        modal: true
        title: qsTr("Rename the session")
        standardButtons: Dialog.Ok | Dialog.Cancel
        onAccepted: AppController.renameSession(sessionId, renameField.text)
        TextField {
            id: renameField
            objectName: "renameSessionField"
            width: parent.width
            maximumLength: 100
            Accessible.name: qsTr("New title")
            onAccepted: renameDialog.accept()
        }
    }

    Dialog {
        id: deleteDialog
        objectName: "deleteSessionDialog"
        property string sessionId
        property string sessionTitle
        function openFor(id: string, title: string) {
            sessionId = id
            sessionTitle = title
            open()
        }
        anchors.centerIn: Overlay.overlay
        width: Math.min(page.width - 48, 400)
        modal: true
        title: qsTr("Delete “%1”?").arg(sessionTitle)
        standardButtons: Dialog.Ok | Dialog.Cancel
        onAccepted: AppController.deleteSession(sessionId)
        Label {
            width: parent.width
            wrapMode: Text.Wrap
            text: qsTr("The session, its messages and its invite codes go for everyone in it. This cannot be undone.")
        }
    }
}
