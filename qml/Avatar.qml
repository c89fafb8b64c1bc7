import QtQuick
import QtQuick.Controls

// Initials in a circle, a presence dot at the bottom right.
Rectangle {
    id: avatar

    property string initials
    property string colorKey
    property string presence: "online"
    property bool isHelpy: false

    implicitWidth: 36
    implicitHeight: 36
    radius: isHelpy ? 9 : width / 2
    color: isHelpy ? Theme.helpy : Theme.avatarColor(colorKey)
    Accessible.ignored: true

    Label {
        anchors.centerIn: parent
        text: avatar.initials
        color: "white"
        font.bold: true
        font.pixelSize: avatar.height * 0.38
    }

    Rectangle {
        objectName: "presenceDot"
        width: avatar.width * 0.34
        height: width
        radius: width / 2
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.margins: -1
        color: Theme.presenceColor(avatar.presence)
        border.width: 2
        border.color: Theme.panel
    }
}
