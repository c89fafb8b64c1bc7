import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Helpy
import Helpy.Models

// Find in the loaded messages of a session (any case): Enter goes to the next match,
// Shift+Enter to the previous one, "2 of 5" says where; Escape closes it.
ToolBar {
    id: bar
    objectName: "findBar"

    /// The chat searched.
    property MessageListModel messages
    /// The rows that match, in order.
    property var matches: []
    /// Which of `matches` is shown (-1: none).
    property int current: -1
    /// The model row of the current match (-1: none).
    readonly property int currentRow: current >= 0 && current < matches.length ? matches[current] : -1
    readonly property string query: visible ? field.text : ""

    /// Closed by the reader (Escape or the close button).
    signal closed()

    function open() {
        visible = true
        field.forceActiveFocus()
        field.selectAll()
        refresh()
    }
    function close() {
        if (!visible)
            return
        visible = false
        bar.closed()
    }
    function step(by: int) {
        if (matches.length === 0)
            return
        current = (current + by + matches.length) % matches.length
    }
    // The matches again, staying on the same row when it still matches.
    function refresh() {
        const row = currentRow
        matches = bar.messages && bar.visible ? bar.messages.find(field.text) : []
        const at = matches.indexOf(row)
        current = at >= 0 ? at : matches.length > 0 ? 0 : -1
    }

    visible: false

    Connections {
        target: bar.messages
        enabled: bar.visible
        function onCountChanged() { bar.refresh() }
        function onModelReset() { bar.refresh() }
    }

    RowLayout {
        anchors.fill: parent
        spacing: 6

        TextField {
            id: field
            objectName: "findField"
            Layout.fillWidth: true
            placeholderText: qsTr("Find in this chat")
            Accessible.name: qsTr("Find in the messages")
            onTextEdited: {
                bar.current = -1
                bar.refresh()
            }
            Keys.onPressed: (event) => {
                if (event.key === Qt.Key_Return || event.key === Qt.Key_Enter) {
                    bar.step(event.modifiers & Qt.ShiftModifier ? -1 : 1)
                    event.accepted = true
                } else if (event.key === Qt.Key_Escape) {
                    bar.close()
                    event.accepted = true
                }
            }
        }
        Label {
            objectName: "findCount"
            text: field.text.length === 0 ? ""
                  : bar.matches.length === 0 ? qsTr("No matches")
                  : qsTr("%1 of %2").arg(bar.current + 1).arg(bar.matches.length)
            textFormat: Text.PlainText
            color: bar.matches.length === 0 ? Theme.danger : Theme.subtleText
            Accessible.role: Accessible.StaticText
            Accessible.name: text
        }
        ToolButton {
            objectName: "findPreviousButton"
            text: "↑"
            enabled: bar.matches.length > 0
            focusPolicy: Qt.NoFocus
            Accessible.name: qsTr("Previous match")
            ToolTip.visible: hovered
            ToolTip.text: qsTr("Previous match (Shift+Enter)")
            onClicked: bar.step(-1)
        }
        ToolButton {
            objectName: "findNextButton"
            text: "↓"
            enabled: bar.matches.length > 0
            focusPolicy: Qt.NoFocus
            Accessible.name: qsTr("Next match")
            ToolTip.visible: hovered
            ToolTip.text: qsTr("Next match (Enter)")
            onClicked: bar.step(1)
        }
        ToolButton {
            objectName: "findCloseButton"
            text: "✕"
            focusPolicy: Qt.NoFocus
            Accessible.name: qsTr("Close find")
            onClicked: bar.close()
        }
    }
}
