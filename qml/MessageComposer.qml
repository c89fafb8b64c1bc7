import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Helpy
import Helpy.Models

// The message box: Enter sends, Shift+Enter starts a new line; it grows to a few lines, then
// scrolls. Near the server's limit a counter shows; past it the text stays and is not sent
// until it fits (it is never cut). Typing '@' offers the session's participants (Up/Down,
// Enter or Tab to choose, Escape to dismiss); a choice inserts "@Name ".
Pane {
    id: composer
    objectName: "messageComposer"

    /// The longest message the server takes, in UTF-16 code units (as QString::size()).
    property int maxLength: 4000
    /// Lines the box grows to before it scrolls.
    property int maxVisibleLines: 6

    /// The session's participants, offered after '@' (a ParticipantListModel).
    property ParticipantListModel participants
    /// Where the "@name" being typed starts (-1: none).
    readonly property int mentionStart: input.activeFocus
                                        ? ChatFormat.mentionStart(input.text, input.cursorPosition) : -1
    // The '@' whose offer the reader dismissed with Escape: not offered again there.
    property int dismissedMention: -1
    onMentionStartChanged: if (mentionStart < 0) dismissedMention = -1
    readonly property bool offeringMentions: mentionStart >= 0 && mentionStart !== dismissedMention
                                             && mentionPopup.count > 0

    readonly property int textLength: input.text.length
    readonly property bool tooLong: textLength > maxLength
    readonly property bool canSend: !tooLong && input.text.trim().length > 0

    signal sendRequested(string text)
    signal typingChanged(bool typing)

    function focusInput() {
        input.forceActiveFocus()
    }

    /// Replaces the "@name" being typed with "@`name` ".
    function chooseMention(name: string) {
        const start = composer.mentionStart
        if (start < 0)
            return
        const mention = "@" + name + " "
        input.remove(start, input.cursorPosition)
        input.insert(start, mention)
        input.cursorPosition = start + mention.length
        input.forceActiveFocus()
    }

    function send() {
        if (!composer.canSend)
            return
        composer.sendRequested(input.text)
        input.clear()
        input.forceActiveFocus()
    }

    padding: 10

    ColumnLayout {
        anchors.fill: parent
        spacing: 4

        RowLayout {
            Layout.fillWidth: true
            spacing: 8

            ScrollView {
                id: inputScroll
                Layout.fillWidth: true
                Layout.alignment: Qt.AlignBottom
                Layout.preferredHeight: Math.min(input.implicitHeight,
                                                 input.topPadding + input.bottomPadding
                                                 + composer.maxVisibleLines * fontMetrics.lineSpacing)
                // A field's frame, as the single-line box had (a TextArea has none of its own).
                background: Rectangle {
                    color: composer.palette.base
                    border.color: input.activeFocus ? composer.palette.highlight : Theme.border
                    radius: 2
                }

                TextArea {
                    id: input
                    objectName: "messageInput"
                    placeholderText: qsTr("Write a message — Enter sends, Shift+Enter starts a new line")
                    wrapMode: TextEdit.Wrap
                    textFormat: TextEdit.PlainText
                    Accessible.name: qsTr("Message")
                    Accessible.description: limitLabel.visible ? limitLabel.text : ""
                    focus: true
                    onTextChanged: composer.typingChanged(text.length > 0)
                    Keys.onPressed: (event) => {
                        if (composer.offeringMentions) {
                            switch (event.key) {
                            case Qt.Key_Up:
                                mentionPopup.move(-1)
                                event.accepted = true
                                return
                            case Qt.Key_Down:
                                mentionPopup.move(1)
                                event.accepted = true
                                return
                            case Qt.Key_Return:
                            case Qt.Key_Enter:
                            case Qt.Key_Tab:
                                mentionPopup.chooseCurrent()
                                event.accepted = true
                                return
                            case Qt.Key_Escape:
                                composer.dismissedMention = composer.mentionStart
                                event.accepted = true
                                return
                            }
                        }
                        if (event.key !== Qt.Key_Return && event.key !== Qt.Key_Enter)
                            return
                        // Shift+Enter falls through: the TextArea inserts the new line.
                        if (event.modifiers & Qt.ShiftModifier)
                            return
                        event.accepted = true
                        composer.send()
                    }
                }
            }
            Button {
                objectName: "sendButton"
                Layout.alignment: Qt.AlignBottom
                text: qsTr("Send")
                highlighted: true
                enabled: composer.canSend
                // A click sends without taking the focus from the message box.
                focusPolicy: Qt.TabFocus
                Accessible.name: qsTr("Send the message")
                onClicked: composer.send()
            }
        }

        Label {
            id: limitLabel
            objectName: "lengthCounter"
            Layout.fillWidth: true
            // From 90 % of the limit on, so the reader sees it coming.
            visible: composer.textLength >= Math.floor(composer.maxLength * 0.9)
            horizontalAlignment: Text.AlignRight
            wrapMode: Text.Wrap
            color: composer.tooLong ? Theme.danger : Theme.subtleText
            font.pixelSize: 12
            font.bold: composer.tooLong
            text: composer.tooLong
                  ? qsTr("Too long to send: %1 of %2 characters. Remove %3 to send it.")
                        .arg(composer.textLength).arg(composer.maxLength)
                        .arg(composer.textLength - composer.maxLength)
                  : qsTr("%1 / %2").arg(composer.textLength).arg(composer.maxLength)
            Accessible.role: Accessible.StaticText
            Accessible.name: text
        }
    }

    MentionPopup {
        id: mentionPopup
        parent: inputScroll
        y: -height - 4
        participants: composer.participants
        filter: composer.mentionStart >= 0
                ? input.text.substring(composer.mentionStart + 1, input.cursorPosition) : ""
        visible: composer.offeringMentions
        onChosen: (name) => composer.chooseMention(name)
    }

    FontMetrics {
        id: fontMetrics
        font: input.font
    }
}
