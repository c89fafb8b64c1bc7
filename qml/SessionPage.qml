pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Helpy
import Helpy.Client
import Helpy.Models

// One session: the chat on the left, the participants beside it.
Page {
    id: page
    objectName: "sessionPage"

    property GroupSession session
    /// The settings dialog is the window's (Main.qml opens it).
    signal settingsRequested()
    readonly property bool canManage: session?.canManage ?? false

    title: session?.title ?? ""

    /// A participant group's header: its name, how many, how many online.
    function groupTitle(group: string, total: int, online: int): string {
        return (group === "helpy" ? qsTr("Helpys · %1 (%2 online)")
              : group === "owner" ? qsTr("Owners · %1 (%2 online)")
              : group === "moderator" ? qsTr("Moderators · %1 (%2 online)")
              : qsTr("Members · %1 (%2 online)")).arg(total).arg(online)
    }

    header: ToolBar {
        RowLayout {
            anchors.fill: parent
            anchors.leftMargin: 4
            anchors.rightMargin: 6
            spacing: 4

            ToolButton {
                objectName: "backButton"
                text: qsTr("‹ Sessions")
                Accessible.name: qsTr("Back to your sessions")
                onClicked: AppController.closeSession()
            }
            ColumnLayout {
                spacing: 0
                Layout.fillWidth: true
                // The title stays readable when the actions need the room (a long language):
                // the invite code gives way first (Copy invite's ▾ menu offers it too).
                Layout.minimumWidth: 150
                Layout.preferredWidth: 150 // the rest of the row, once the actions have theirs
                Layout.leftMargin: 8
                Label {
                    objectName: "sessionTitle"
                    text: page.title
                    font.bold: true
                    font.pixelSize: 17
                    elide: Text.ElideRight
                    Layout.fillWidth: true
                }
                Label {
                    // Where the session lives: this computer (and the address others use),
                    // or the host's address.
                    objectName: "sessionLocation"
                    // (A page shown without the app, as tests do, has no controller.)
                    text: AppController?.sessionLocation ?? ""
                    visible: text.length > 0
                    color: Theme.subtleText
                    font.pixelSize: 12
                    elide: Text.ElideRight
                    Layout.fillWidth: true
                    Accessible.name: text
                }
            }
            Label {
                id: inviteCodeLabel
                objectName: "inviteCodeLabel"
                readonly property string whole: qsTr("Invite code: %1").arg(page.session?.inviteCode ?? "")
                visible: page.canManage && (page.session?.inviteCode ?? "").length > 0
                // Whole or not at all: a code cut short would be read out wrong. It gives
                // way when the actions need the room (Copy invite's ▾ menu offers it too).
                text: width + 1 >= codeMetrics.advanceWidth ? whole : ""
                color: Theme.subtleText
                Layout.minimumWidth: 0
                Layout.fillWidth: true
                Layout.preferredWidth: codeMetrics.advanceWidth
                Layout.maximumWidth: codeMetrics.advanceWidth
                Accessible.name: whole
                TextMetrics {
                    id: codeMetrics
                    font: inviteCodeLabel.font
                    text: inviteCodeLabel.whole
                }
            }
            ToolButton {
                objectName: "copyInviteButton"
                focusPolicy: Qt.TabFocus
                visible: page.canManage
                text: qsTr("Copy invite")
                Accessible.name: qsTr("Copy the invite link")
                onClicked: {
                    if (page.session.inviteCode.length > 0)
                        AppController.copyToClipboard(AppController.inviteLink(page.session.inviteCode))
                    else
                        page.session.createInvite()
                }
            }
            ToolButton {
                // The link names this computer's LAN address; here the others, and the code.
                objectName: "inviteMenuButton"
                visible: page.canManage && (page.session?.inviteCode ?? "").length > 0
                text: "▾"
                Accessible.name: qsTr("More ways to invite")
                onClicked: inviteMenu.open()
                // A popup rather than a Menu: its rows come from a model (Repeater).
                Popup {
                    id: inviteMenu
                    objectName: "inviteMenu"
                    y: parent.height
                    padding: 4
                    contentItem: Column {
                        Repeater {
                            model: AppController?.hostAddresses ?? []
                            delegate: ItemDelegate {
                                required property string modelData
                                width: 260
                                text: qsTr("Copy link with %1").arg(modelData)
                                onClicked: {
                                    inviteMenu.close()
                                    AppController.copyToClipboard(AppController.inviteLink(
                                        page.session.inviteCode, modelData))
                                }
                            }
                        }
                        ItemDelegate {
                            objectName: "copyCodeItem"
                            width: 260
                            text: qsTr("Copy invite code only")
                            onClicked: {
                                inviteMenu.close()
                                AppController.copyToClipboard(page.session.inviteCode)
                            }
                        }
                    }
                }
            }
            ToolButton {
                objectName: "addHelpyButton"
                focusPolicy: Qt.TabFocus
                // The rule book's answer: moderators and owners add Helpys.
                visible: page.session?.canAddHelpy ?? false
                text: qsTr("Add Helpy…")
                Accessible.name: qsTr("Add a Helpy tutor to the session")
                onClicked: addHelpyDialog.open()
            }
            Switch {
                objectName: "helpysAnswerSwitch"
                visible: page.session?.canAddHelpy ?? false
                text: qsTr("Helpys answer questions")
                checked: page.session?.helpysAnswerQuestions ?? false
                Accessible.name: qsTr("Helpys answer questions without being mentioned")
                onToggled: {
                    if (page.session)
                        page.session.helpysAnswerQuestions = checked
                    // Shown as the server has it: the event turns it on.
                    checked = Qt.binding(() => page.session?.helpysAnswerQuestions ?? false)
                }
            }
            ToolButton {
                objectName: "muteButton"
                focusPolicy: Qt.TabFocus
                checkable: true
                checked: AppController?.currentSessionMuted ?? false
                text: checked ? qsTr("Muted") : qsTr("Mute")
                Accessible.name: checked ? qsTr("Unmute this session's notifications")
                                         : qsTr("Mute this session's notifications")
                onToggled: {
                    AppController.currentSessionMuted = checked
                    checked = Qt.binding(() => AppController?.currentSessionMuted ?? false)
                }
            }
            ToolButton {
                objectName: "sessionSettingsButton"
                focusPolicy: Qt.TabFocus
                text: "⚙"
                Accessible.name: qsTr("Settings")
                onClicked: page.settingsRequested()
            }
            ToolButton {
                objectName: "leaveButton"
                text: qsTr("Leave")
                // The rule book's answer (a last owner's ownership passes on as they leave).
                enabled: page.session?.canLeave ?? false
                Accessible.name: qsTr("Leave the session")
                onClicked: page.session.leave()
            }
        }
    }

    RowLayout {
        anchors.fill: parent
        spacing: 0

        ColumnLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            spacing: 0

            FindBar {
                id: findBar
                Layout.fillWidth: true
                messages: page.session ? page.session.messages : null
                onCurrentRowChanged: messageList.showRow(currentRow)
                onClosed: composer.focusInput()
            }

            ListView {
                id: messageList
                objectName: "messageList"

                // True while the reader is at the newest message: then the list follows the
                // conversation; scrolled up, it stays put and counts what arrives instead.
                property bool followsEnd: true
                // The message count when the reader left the bottom.
                property int countWhenLeft: 0
                readonly property int unseenCount: followsEnd ? 0 : Math.max(0, count - countWhenLeft)
                // Only the reader moves the list away from the end: a wheel, a drag, a flick or
                // the scroll bar (a model reset or our own positioning moves contentY too).
                readonly property bool readerScrolling: moving || messageScrollBar.pressed

                function isAtEnd(): bool {
                    const end = originY + contentHeight + bottomMargin - height
                    return contentY >= end - 4
                }
                // The bubble the reader clicked (Up/Down move it): Ctrl+C copies it (-1: none).
                property int selectedRow: -1
                // Shows `row` in the middle (a find match): the list stops following the end.
                function showRow(row: int) {
                    if (row < 0 || row >= count)
                        return
                    if (followsEnd)
                        countWhenLeft = count
                    followsEnd = false
                    positionViewAtIndex(row, ListView.Center)
                }
                function copyRow(row: int) {
                    if (row >= 0 && model)
                        ChatFormat.copyText(model.textAt(row))
                }
                function showNewest() {
                    followsEnd = true
                    followEnd()
                }
                // Delegates settle their height after they are placed (text wraps once it
                // has a width), so following means positioning again whenever that happens.
                function followEnd() {
                    if (!followsEnd || count === 0)
                        return
                    positionViewAtEnd()
                }

                Layout.fillWidth: true
                Layout.fillHeight: true
                clip: true
                model: page.session ? page.session.messages : null
                spacing: 6
                topMargin: 12
                bottomMargin: 12
                // Keep the rows near the view made: with few of them, a chat of tall messages
                // reopened at its end sent Qt 6.4's ListView into a polish loop (content height
                // estimate → fixup → new rows → new estimate; tst_chat_journeys
                // reopeningAChatOfTallMessagesShowsItsEnd hangs without it).
                cacheBuffer: 4000
                Accessible.role: Accessible.List
                Accessible.name: qsTr("Messages")
                ScrollBar.vertical: ScrollBar {
                    id: messageScrollBar
                    onPressedChanged: messageList.readerMoved()
                }
                delegate: MessageDelegate {
                    id: messageLine
                    width: ListView.view.width
                    selected: messageList.selectedRow === index
                    findTerm: findBar.query
                    currentMatch: findBar.currentRow === index
                    onActivated: {
                        messageList.selectedRow = index
                        messageList.forceActiveFocus()
                    }
                    onMenuRequested: (x, y) => {
                        messageList.selectedRow = index
                        messageList.forceActiveFocus()
                        messageMenu.row = index
                        const at = messageLine.mapToItem(messageList, x, y)
                        messageMenu.popup(at.x, at.y)
                    }
                }
                Keys.onPressed: (event) => {
                    if ((event.key === Qt.Key_Up || event.key === Qt.Key_Down) && selectedRow >= 0) {
                        // The selection moves from bubble to bubble, and stays in view.
                        selectedRow = Math.max(0, Math.min(count - 1,
                                                           selectedRow + (event.key === Qt.Key_Up ? -1 : 1)))
                        if (followsEnd)
                            countWhenLeft = count
                        followsEnd = false
                        positionViewAtIndex(selectedRow, ListView.Contain)
                        event.accepted = true
                    } else if (event.matches(StandardKey.Copy) && selectedRow >= 0) {
                        copyRow(selectedRow)
                        event.accepted = true
                    } else if (event.key === Qt.Key_Escape && selectedRow >= 0) {
                        selectedRow = -1
                        composer.focusInput()
                        event.accepted = true
                    }
                }
                Menu {
                    id: messageMenu
                    objectName: "messageMenu"
                    property int row: -1
                    MenuItem {
                        objectName: "copyMessageItem"
                        text: qsTr("Copy text")
                        Accessible.name: qsTr("Copy the message text")
                        onTriggered: messageList.copyRow(messageMenu.row)
                    }
                    onClosed: messageList.forceActiveFocus()
                }

                function readerMoved() {
                    const atEnd = isAtEnd()
                    if (followsEnd === atEnd)
                        return
                    if (!atEnd)
                        countWhenLeft = count
                    followsEnd = atEnd
                }
                onContentYChanged: if (readerScrolling) readerMoved()
                onMovementEnded: readerMoved()
                onCountChanged: followLater.start()
                onContentHeightChanged: followLater.start()
                onHeightChanged: followLater.start()
                onWidthChanged: followLater.start()
                Component.onCompleted: followEnd()
                // Once the current changes have settled (one event-loop turn), not per change.
                Timer {
                    id: followLater
                    interval: 0
                    onTriggered: {
                        messageList.followEnd()
                        unreadMarker.place()
                    }
                }
                Connections {
                    target: messageList.model
                    // A resync swaps the rows: contentY jumps, but the reader did not move.
                    function onModelReset() {
                        followLater.start()
                        messageList.selectedRow = -1 // its row may hold another message now
                    }
                }

                Label {
                    objectName: "emptyChatHint"
                    anchors.centerIn: parent
                    width: Math.min(implicitWidth, parent.width - 32)
                    visible: messageList.count === 0
                    text: qsTr("No messages yet. Copy the invite code for your group, or add a Helpy tutor.")
                    color: Theme.subtleText
                    wrapMode: Text.Wrap
                    horizontalAlignment: Text.AlignHCenter
                }

                // "New since you left": a line before the first message that was unread when
                // the page opened (GroupSession.firstUnreadMessageId), over the gap above it.
                Item {
                    id: unreadMarker
                    objectName: "unreadMarker"
                    parent: messageList.contentItem
                    z: 1
                    property Item target: null
                    function place() {
                        const id = page.session?.firstUnreadMessageId ?? ""
                        const row = id.length > 0 ? page.session.messages.rowOf(id) : -1
                        target = row >= 0 ? messageList.itemAtIndex(row) : null
                    }
                    visible: target !== null
                    width: messageList.width
                    height: 14
                    y: target ? target.y - (messageList.spacing + height) / 2 : 0
                    Accessible.role: Accessible.Separator
                    Accessible.name: qsTr("New messages since you left")
                    Rectangle {
                        x: 12
                        width: parent.width - 24
                        height: 1
                        anchors.verticalCenter: parent.verticalCenter
                        color: Theme.danger
                    }
                    Label {
                        anchors.right: parent.right
                        anchors.rightMargin: 20
                        anchors.verticalCenter: parent.verticalCenter
                        leftPadding: 4
                        rightPadding: 4
                        text: qsTr("New")
                        color: Theme.danger
                        font.pixelSize: 11
                        font.bold: true
                        background: Rectangle { color: Theme.palette.base }
                    }
                    Connections {
                        target: page.session
                        function onFirstUnreadChanged() { unreadMarker.place() }
                    }
                }

                NewMessagesButton {
                    // On the view itself, not on its content: it stays put while the list scrolls.
                    parent: messageList
                    z: 1
                    anchors.horizontalCenter: parent.horizontalCenter
                    anchors.bottom: parent.bottom
                    anchors.bottomMargin: 12
                    count: messageList.unseenCount
                    onClicked: messageList.showNewest()
                }
            }

            Label {
                objectName: "typingLabel"
                Layout.fillWidth: true
                Layout.leftMargin: 16
                Layout.preferredHeight: implicitHeight
                text: page.session?.typingText ?? ""
                textFormat: Text.PlainText
                color: Theme.subtleText
                font.italic: true
                elide: Text.ElideRight
                opacity: text.length > 0 ? 1 : 0
            }

            MessageComposer {
                id: composer
                Layout.fillWidth: true
                maxLength: page.session?.maxMessageLength ?? 4000
                participants: page.session?.participants ?? null
                onTypingChanged: (typing) => page.session.setTyping(typing)
                onSendRequested: (text) => {
                    // Your own message takes you to the newest, wherever you were.
                    messageList.showNewest()
                    page.session.sendMessage(text)
                }
            }
        }

        Rectangle {
            Layout.fillHeight: true
            Layout.preferredWidth: 1
            color: Theme.border
        }

        Pane {
            Layout.fillHeight: true
            Layout.preferredWidth: 290
            padding: 0
            background: Rectangle { color: Theme.panel }

            ColumnLayout {
                anchors.fill: parent
                spacing: 0

                RowLayout {
                    Layout.fillWidth: true
                    Layout.margins: 12
                    spacing: 8

                    Label {
                        objectName: "participantHeader"
                        Layout.fillWidth: true
                        // A large session's list may hold only its stage: the session's count.
                        readonly property int total: (page.session?.rosterPartial ?? false)
                                                     ? page.session.participantCount
                                                     : participantList.count
                        text: qsTr("Participants — %1").arg(total.toLocaleString(Qt.locale(), "f", 0))
                        font.bold: true
                        elide: Text.ElideRight
                    }
                    Button {
                        objectName: "showEveryoneButton"
                        visible: page.session?.rosterPartial ?? false
                        text: qsTr("Show everyone")
                        flat: true
                        Accessible.description: qsTr("Load the whole list of participants")
                        onClicked: page.session.requestFullRoster()
                    }
                }
                ListView {
                    id: participantList
                    objectName: "participantList"
                    Layout.fillWidth: true
                    Layout.fillHeight: true
                    clip: true
                    // People by role (online first, then by name), Helpys last in their
                    // own group; a header with the count opens each group.
                    model: ParticipantSortModel {
                        id: sortedParticipants
                        sourceModel: page.session ? page.session.participants : null
                    }
                    keyNavigationEnabled: true
                    activeFocusOnTab: true
                    Accessible.role: Accessible.List
                    Accessible.name: qsTr("Participants")
                    ScrollBar.vertical: ScrollBar {}
                    section.property: "group"
                    delegate: ParticipantDelegate {
                        width: ListView.view.width
                        session: page.session
                        groupTitle: page.groupTitle(group, sortedParticipants.groupCounts[group] ?? 0,
                                                    sortedParticipants.onlineCounts[group] ?? 0)
                        onActionsClosed: composer.focusInput()
                    }
                }
            }
        }
    }

    Shortcut {
        // "Ctrl" is Command on macOS: the platform's Find everywhere.
        sequence: "Ctrl+F"
        onActivated: findBar.open()
    }

    AddHelpyDialog {
        id: addHelpyDialog
        anchors.centerIn: Overlay.overlay
        onHelpyRequested: (name, subject, instructions) => page.session.addHelpy(name, subject, instructions)
        onClosed: composer.focusInput()
    }
}
