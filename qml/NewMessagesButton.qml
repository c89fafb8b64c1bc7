import QtQuick
import QtQuick.Controls

// "3 new messages ↓" over the bottom of the message list while the reader is scrolled up;
// a click takes them to the newest message.
RoundButton {
    id: button
    objectName: "newMessagesButton"

    /// Messages that arrived since the reader left the bottom.
    property int count: 0

    visible: count > 0
    text: count === 1 ? qsTr("1 new message ↓") : qsTr("%1 new messages ↓").arg(count)
    highlighted: true
    radius: height / 2
    leftPadding: 14
    rightPadding: 14
    // Clicking it must not take the focus from the message box.
    focusPolicy: Qt.NoFocus
    Accessible.name: qsTr("%1; go to the newest message").arg(text.replace(" ↓", ""))
}
