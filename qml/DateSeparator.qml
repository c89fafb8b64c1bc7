import QtQuick
import QtQuick.Controls
import Helpy

// A day's heading in the chat, above the day's first message: "Today", "Yesterday", else the
// date as the locale writes it. (A separator in the delegate, not a ListView section: Qt
// 6.4's section delegates take no required properties.)
Item {
    id: separator
    objectName: "dateSeparator"

    /// The day, "yyyy-MM-dd" (the model's dateSection).
    property string section

    readonly property string label: ChatFormat.sectionLabel(section, ChatFormat.today)

    implicitHeight: dayLabel.implicitHeight + 16
    Accessible.role: Accessible.Heading
    Accessible.name: label

    Rectangle {
        anchors.left: parent.left
        anchors.right: dayLabel.left
        anchors.margins: 16
        anchors.verticalCenter: parent.verticalCenter
        height: 1
        color: Theme.border
    }
    Label {
        id: dayLabel
        objectName: "dateSeparatorLabel"
        anchors.centerIn: parent
        text: separator.label
        textFormat: Text.PlainText
        color: Theme.subtleText
        font.pixelSize: 12
        font.bold: true
    }
    Rectangle {
        anchors.left: dayLabel.right
        anchors.right: parent.right
        anchors.margins: 16
        anchors.verticalCenter: parent.verticalCenter
        height: 1
        color: Theme.border
    }
}
