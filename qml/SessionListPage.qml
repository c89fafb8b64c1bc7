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
    signal settingsRequested()
    // What relative times ("5 min") are counted from: once a minute while the list shows.
    property date now: new Date()
    Timer {
        interval: 60000
        repeat: true
        running: page.visible
        onTriggered: page.now = new Date()
    }
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
                objectName: "settingsButton"
                text: qsTr("Settings…")
                Accessible.name: qsTr("Settings: name, theme, notifications, language")
                onClicked: page.settingsRequested()
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
            // Newest activity first, as chat apps list conversations.
            model: AppController.sessionsByActivity
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
                required property string lastMessageText
                required property string lastMessageAuthor
                required property bool lastMessageIsOwn
                required property date lastActivity
                required property int unreadCount
                required property bool muted
                required property bool hosted
                required property int index

                readonly property string preview: lastMessageText.length === 0 ? ""
                    : lastMessageIsOwn ? qsTr("You: %1").arg(lastMessageText)
                    : lastMessageAuthor.length > 0 ? qsTr("%1: %2").arg(lastMessageAuthor).arg(lastMessageText)
                    : lastMessageText
                readonly property string when: AppController.relativeTime(lastActivity, page.now)

                width: ListView.view.width
                highlighted: ListView.isCurrentItem
                text: title
                Accessible.name: (unreadCount > 0 ? qsTr("%1, %n unread message(s)", "", unreadCount).arg(title) : title)
                                 + (preview.length > 0 ? qsTr(", last: %1, %2").arg(preview).arg(when) : "")
                contentItem: RowLayout {
                    spacing: 12
                    ColumnLayout {
                        spacing: 2
                        Layout.fillWidth: true
                        RowLayout {
                            spacing: 6
                            Layout.fillWidth: true
                            Label {
                                objectName: "sessionRowTitle"
                                text: row.title
                                font.bold: true
                                elide: Text.ElideRight
                                Layout.fillWidth: true
                            }
                            Label {
                                objectName: "hostedMark"
                                visible: row.hosted
                                text: qsTr("hosted here")
                                color: Theme.accent
                                font.pixelSize: 11
                                Accessible.name: qsTr("Hosted on this computer")
                            }
                            Label {
                                objectName: "mutedMark"
                                visible: row.muted
                                text: qsTr("muted")
                                color: Theme.subtleText
                                font.pixelSize: 11
                                Accessible.name: qsTr("Notifications muted")
                            }
                            Label {
                                objectName: "sessionRowTime"
                                text: row.when
                                color: row.unreadCount > 0 ? Theme.accent : Theme.subtleText
                                font.pixelSize: 12
                            }
                        }
                        RowLayout {
                            spacing: 6
                            Layout.fillWidth: true
                            Label {
                                objectName: "sessionRowPreview"
                                text: row.preview.length > 0 ? row.preview
                                      : qsTr("%n participant(s), you are %1", "", row.participantCount).arg(row.role === "owner" ? qsTr("owner") : row.role === "moderator" ? qsTr("moderator") : qsTr("member"))
                                // Plain text: a message is never markup here.
                                textFormat: Text.PlainText
                                maximumLineCount: 1
                                elide: Text.ElideRight
                                color: Theme.subtleText
                                Layout.fillWidth: true
                            }
                            Label {
                                objectName: "unreadBadge"
                                visible: row.unreadCount > 0
                                text: row.unreadCount > 99 ? "99+" : String(row.unreadCount)
                                color: "white"
                                font.pixelSize: 11
                                font.bold: true
                                horizontalAlignment: Text.AlignHCenter
                                leftPadding: 6
                                rightPadding: 6
                                topPadding: 2
                                bottomPadding: 2
                                Layout.minimumWidth: 20
                                Accessible.role: Accessible.StaticText
                                Accessible.name: qsTr("%n unread", "", row.unreadCount)
                                background: Rectangle {
                                    radius: height / 2
                                    color: row.muted ? Theme.offline : Theme.accent
                                }
                            }
                        }
                    }
                    ToolButton {
                        // (Muting is on the session's page, and shown in the row.)
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
