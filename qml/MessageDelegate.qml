import QtQuick
import QtQuick.Controls
import Helpy

// A chat line: a bubble with author and time, or a centred system line.
Item {
    id: line

    required property string messageId
    required property string authorId
    required property string authorName
    required property string text
    required property date timestamp
    required property bool isSystem
    required property bool isOwn
    required property string status
    required property string kind // "notice": a Helpy saying it cannot answer

    implicitHeight: isSystem ? systemLabel.implicitHeight + 4 : bubble.height
    Accessible.role: Accessible.StaticText
    Accessible.name: isSystem ? text : qsTr("%1 at %2: %3").arg(authorName)
                                                          .arg(Qt.formatTime(timestamp, "hh:mm")).arg(text)

    Label {
        id: systemLabel
        visible: line.isSystem
        anchors.horizontalCenter: parent.horizontalCenter
        width: Math.min(implicitWidth, parent.width - 32)
        text: line.text
        color: Theme.subtleText
        font.italic: true
        font.pixelSize: 12
        wrapMode: Text.Wrap
        horizontalAlignment: Text.AlignHCenter
    }

    // The body's unwrapped width: a bubble is as wide as its longest line, up to 72 % of the
    // list. Measured apart from the shown body, whose width the bubble sets (measuring the
    // shown one made a binding loop on width).
    Text {
        id: naturalBody
        visible: false
        text: line.text
        font: body.font
        textFormat: Text.PlainText
    }

    Rectangle {
        id: bubble
        visible: !line.isSystem
        x: line.isOwn ? line.width - width - 16 : 16
        width: Math.min(Math.ceil(Math.max(naturalBody.implicitWidth, meta.implicitWidth)) + 24,
                        Math.max(0, line.width * 0.72))
        height: column.implicitHeight + 14
        radius: 10
        objectName: "bubble_" + line.messageId
        color: line.kind === "notice" ? Qt.rgba(Theme.helpy.r, Theme.helpy.g, Theme.helpy.b, 0.12)
               : line.isOwn ? Theme.ownBubble : Theme.otherBubble
        border.width: line.isOwn ? 0 : 1
        border.color: line.kind === "notice" ? Theme.subtleText : Theme.border
        opacity: line.status === "pending" ? 0.7 : 1

        // Plain positioners, not layouts: the widths flow one way (bubble → column → body).
        Column {
            id: column
            x: 12
            y: 7
            width: Math.max(0, bubble.width - 24)
            spacing: 2

            Row {
                id: meta
                spacing: 8
                Label {
                    text: line.isOwn ? qsTr("You") : line.authorName
                    font.bold: true
                    font.pixelSize: 12
                    color: line.isOwn ? Theme.accent : Theme.nameColor(line.authorName)
                }
                Label {
                    text: line.status === "pending" ? qsTr("sending…")
                          : line.status === "failed" ? qsTr("not sent")
                          : line.status === "drafting" ? qsTr("writing…")
                          : line.kind === "notice" ? qsTr("notice")
                          : Qt.formatTime(line.timestamp, "hh:mm")
                    color: line.status === "failed" ? Theme.danger : Theme.subtleText
                    font.pixelSize: 11
                }
            }
            Label {
                id: body
                objectName: "messageBody"
                width: column.width
                text: line.text
                wrapMode: Text.Wrap
                textFormat: Text.PlainText
                font.italic: line.kind === "notice"
            }
        }
    }
}
