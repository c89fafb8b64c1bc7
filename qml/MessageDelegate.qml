import QtQuick
import QtQuick.Controls
import Helpy

// A chat line: a bubble with author and time, or a centred system line. A message that
// continues its author's previous one (showHeader false) shows no name. User text is shown
// as text, never as markup: the body is the model's escaped styledText (links and your
// mentions marked there), names and system lines are plain text.
Item {
    id: line

    required property int index
    required property string messageId
    required property string authorId
    required property string authorName
    required property string text
    required property string styledText
    required property date timestamp
    required property string timeText
    required property bool isSystem
    required property bool isOwn
    required property string status
    required property string kind // "notice": a Helpy saying it cannot answer
    required property bool showHeader
    required property bool startsDay
    required property string dateSection
    required property bool mentionsMe

    /// The bubble the reader selected (Ctrl+C copies it).
    property bool selected: false
    /// What Find looks for ("" when it is closed): a bubble containing it is marked.
    property string findTerm: ""
    /// This bubble is the match Find is on.
    property bool currentMatch: false
    readonly property bool findMatch: findTerm.length > 0
                                      && text.toLowerCase().includes(findTerm.toLowerCase())

    /// A click on the bubble (not on a link).
    signal activated()
    /// A right click or a press-and-hold on the bubble, at (x, y) in the line.
    signal menuRequested(real x, real y)

    implicitHeight: daySeparator.height + (isSystem ? systemLabel.implicitHeight + 4 : bubble.height)
    Accessible.role: Accessible.StaticText
    Accessible.name: isSystem ? text : qsTr("%1 at %2: %3").arg(authorName).arg(timeText).arg(text)

    DateSeparator {
        id: daySeparator
        visible: line.startsDay
        width: line.width
        height: visible ? implicitHeight : 0
        section: line.dateSection
    }

    Label {
        id: systemLabel
        y: daySeparator.height
        visible: line.isSystem
        anchors.horizontalCenter: parent.horizontalCenter
        width: Math.min(implicitWidth, parent.width - 32)
        text: line.text
        textFormat: Text.PlainText
        color: Theme.subtleText
        font.italic: true
        font.pixelSize: 12
        wrapMode: Text.WrapAtWordBoundaryOrAnywhere
        horizontalAlignment: Text.AlignHCenter
    }

    // The body's unwrapped width: a bubble is as wide as its longest line, up to 72 % of the
    // list. Measured apart from the shown body, whose width the bubble sets (measuring the
    // shown one made a binding loop on width).
    Text {
        id: naturalBody
        visible: false
        text: line.styledText
        font: body.font
        textFormat: Text.StyledText
    }

    Rectangle {
        id: bubble
        visible: !line.isSystem
        x: line.isOwn ? line.width - width - 16 : 16
        y: daySeparator.height
        width: Math.min(Math.ceil(Math.max(naturalBody.implicitWidth, meta.implicitWidth)) + 24,
                        Math.max(0, line.width * 0.72))
        height: column.implicitHeight + (meta.visible ? 14 : 10)
        radius: 10
        objectName: "bubble_" + line.messageId
        color: line.currentMatch ? Qt.rgba(Theme.reconnecting.r, Theme.reconnecting.g, Theme.reconnecting.b, 0.35)
               : line.kind === "notice" ? Qt.rgba(Theme.helpy.r, Theme.helpy.g, Theme.helpy.b, 0.12)
               : line.mentionsMe ? Qt.rgba(Theme.accent.r, Theme.accent.g, Theme.accent.b, 0.16)
               : line.isOwn ? Theme.ownBubble : Theme.otherBubble
        border.width: line.selected || line.findMatch || line.mentionsMe ? 2 : line.isOwn ? 0 : 1
        border.color: line.selected ? Theme.accent
                      : line.findMatch ? Theme.reconnecting
                      : line.mentionsMe ? Theme.accent
                      : line.kind === "notice" ? Theme.subtleText : Theme.border
        opacity: line.status === "pending" ? 0.7 : 1

        TapHandler {
            acceptedButtons: Qt.LeftButton
            onTapped: line.activated()
            onLongPressed: line.menuRequested(bubble.x + point.position.x, point.position.y)
        }
        TapHandler {
            acceptedButtons: Qt.RightButton
            onTapped: (eventPoint) => line.menuRequested(bubble.x + eventPoint.position.x,
                                                         eventPoint.position.y)
        }

        // Plain positioners, not layouts: the widths flow one way (bubble → column → body).
        Column {
            id: column
            x: 12
            y: line.showHeader || meta.visible ? 7 : 5
            width: Math.max(0, bubble.width - 24)
            spacing: 2

            Row {
                id: meta
                objectName: "messageHeader"
                // A continued message shows no name; its state (sending, failed) still shows.
                visible: line.showHeader || line.status !== "sent" || line.kind === "notice"
                spacing: 8
                Label {
                    objectName: "authorLabel"
                    visible: line.showHeader
                    width: Math.min(implicitWidth, Math.max(0, column.width - timeLabel.implicitWidth - 8))
                    text: line.isOwn ? qsTr("You") : line.authorName
                    textFormat: Text.PlainText
                    elide: Text.ElideRight
                    font.bold: true
                    font.pixelSize: 12
                    color: line.isOwn ? Theme.accent : Theme.nameColor(line.authorName)
                }
                Label {
                    id: timeLabel
                    objectName: "timeLabel"
                    text: line.status === "pending" ? qsTr("sending…")
                          : line.status === "failed" ? qsTr("not sent")
                          : line.status === "drafting" ? qsTr("writing…")
                          : line.kind === "notice" ? qsTr("notice")
                          : line.timeText
                    textFormat: Text.PlainText
                    color: line.status === "failed" ? Theme.danger : Theme.subtleText
                    font.pixelSize: 11
                }
            }
            Label {
                id: body
                objectName: "messageBody"
                width: column.width
                text: line.styledText
                // Escaped by the model (Linkify): only its own links and bold are markup.
                textFormat: Text.StyledText
                // A long word or link breaks anywhere rather than widen the bubble.
                wrapMode: Text.WrapAtWordBoundaryOrAnywhere
                font.italic: line.kind === "notice"
                linkColor: Theme.accent
                onLinkActivated: (link) => {
                    if (ChatFormat.isWebLink(link))
                        Qt.openUrlExternally(link)
                }

                HoverHandler {
                    cursorShape: body.hoveredLink.length > 0 ? Qt.PointingHandCursor : Qt.ArrowCursor
                }
            }
        }
    }
}
