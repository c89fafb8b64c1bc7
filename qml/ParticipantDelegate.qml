import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Helpy
import Helpy.Client

// One participant: avatar with presence, name, Helpy badge, role; actions in a menu that
// only offers what the local user may do (the model computes canRemove / canChangeRole).
ItemDelegate {
    id: row
    objectName: "participant_" + participantId

    required property string participantId
    required property string displayName
    required property string initials
    required property bool isHelpy
    required property string role
    required property string presence
    /// When this participant joined the session (shown on hover, with the role).
    required property date joinedAt
    /// False while this client is disconnected: the presence shown would only be a guess.
    required property bool presenceKnown
    required property bool isSelf
    required property bool canRemove
    required property bool canChangeRole
    required property int index
    /// The group this row is in ("owner", "moderator", "member", "helpy": ParticipantSortModel).
    required property string group
    /// The group's header ("Members · 3 (2 online)"), shown above its first row.
    property string groupTitle
    /// The first row of its group carries the group's header (the list's sections by group).
    readonly property bool startsGroup: ListView.section !== ListView.previousSection
    /// The session whose participant this is: the actions go to it.
    required property GroupSession session

    readonly property bool hasActions: canRemove || canChangeRole
    readonly property string shownPresence: presenceKnown ? presence : "unknown"

    /// The actions menu closed (the page gives the focus back to the message box).
    signal actionsClosed()

    function roleText(r: string): string {
        return r === "owner" ? qsTr("Owner") : r === "moderator" ? qsTr("Moderator") : qsTr("Member")
    }
    function presenceText(p: string): string {
        return p === "online" ? qsTr("online") : p === "reconnecting" ? qsTr("reconnecting")
             : p === "unknown" ? qsTr("presence unknown") : qsTr("offline")
    }

    highlighted: ListView.isCurrentItem && ListView.view.activeFocus
    background: Rectangle {
        color: row.highlighted ? Theme.palette.highlight
               : row.hovered ? Qt.rgba(Theme.accent.r, Theme.accent.g, Theme.accent.b, 0.08)
               : "transparent"
    }
    padding: 8
    leftPadding: 12
    // The header sits above the row's own background and content.
    topInset: startsGroup ? groupHeader.height : 0
    topPadding: padding + topInset

    Label {
        id: groupHeader
        objectName: "participantGroup_" + row.group
        visible: row.startsGroup
        width: row.width
        leftPadding: 12
        topPadding: 10
        bottomPadding: 2
        color: Theme.subtleText
        font.pixelSize: 11
        font.bold: true
        text: row.groupTitle
        Accessible.role: Accessible.Heading
        Accessible.name: text
    }
    Accessible.name: qsTr("%1%2, %3, %4").arg(displayName).arg(isHelpy ? qsTr(" (Helpy)") : "")
                                           .arg(roleText(role)).arg(presenceText(shownPresence))

    /// "Moderator · joined 26/11/2026 10:00": the role, and since when this one is in the
    /// session (the roster knows when one joined, not when the role changed).
    readonly property string roleSince: isNaN(joinedAt.getTime()) ? roleText(role)
        : qsTr("%1 · joined %2").arg(roleText(role)).arg(joinedAt.toLocaleString(Qt.locale(), Locale.ShortFormat))

    ToolTip.visible: hovered
    ToolTip.delay: 500
    ToolTip.text: presenceKnown ? roleSince
                                : roleSince + "\n" + qsTr("Presence unknown while you are disconnected")

    onPressAndHold: if (hasActions) actions.popup()
    Keys.onMenuPressed: if (hasActions) actions.popup()

    TapHandler {
        acceptedButtons: Qt.RightButton
        onTapped: if (row.hasActions) actions.popup()
    }

    contentItem: RowLayout {
        spacing: 10

        Avatar {
            initials: row.initials
            colorKey: row.displayName
            presence: row.shownPresence
            isHelpy: row.isHelpy
            opacity: row.presenceKnown ? 1 : 0.5
        }
        ColumnLayout {
            Layout.fillWidth: true
            spacing: 1
            opacity: row.presenceKnown ? 1 : 0.6
            Label {
                Layout.fillWidth: true
                text: row.isSelf ? qsTr("%1 (you)").arg(row.displayName) : row.displayName
                font.bold: true
                elide: Text.ElideRight
            }
            RowLayout {
                spacing: 6
                Label {
                    objectName: "helpyBadge"
                    visible: row.isHelpy
                    text: qsTr("Helpy")
                    color: "white"
                    font.pixelSize: 10
                    font.bold: true
                    leftPadding: 5
                    rightPadding: 5
                    topPadding: 1
                    bottomPadding: 1
                    background: Rectangle {
                        radius: 4
                        color: Theme.helpy
                    }
                }
                Label {
                    objectName: "presenceLabel"
                    Layout.fillWidth: true
                    text: qsTr("%1 · %2").arg(row.roleText(row.role)).arg(row.presenceText(row.shownPresence))
                    color: Theme.subtleText
                    font.pixelSize: 12
                    elide: Text.ElideRight
                }
            }
        }
        ToolButton {
            objectName: "participantActions"
            visible: row.hasActions
            text: "⋮"
            Accessible.name: qsTr("Actions for %1").arg(row.displayName)
            onClicked: actions.popup()
        }
    }

    Menu {
        id: actions
        objectName: "participantMenu"
        onClosed: row.actionsClosed()

        MenuItem {
            objectName: "makeModeratorAction"
            text: qsTr("Make moderator")
            visible: row.canChangeRole && row.role !== "moderator"
            height: visible ? implicitHeight : 0
            onTriggered: row.session.setRole(row.participantId, "moderator")
        }
        MenuItem {
            objectName: "makeOwnerAction"
            text: qsTr("Make owner")
            visible: row.canChangeRole && row.role !== "owner"
            height: visible ? implicitHeight : 0
            onTriggered: row.session.setRole(row.participantId, "owner")
        }
        MenuItem {
            objectName: "makeMemberAction"
            text: qsTr("Make member")
            visible: row.canChangeRole && row.role !== "member"
            height: visible ? implicitHeight : 0
            onTriggered: row.session.setRole(row.participantId, "member")
        }
        MenuItem {
            objectName: "removeAction"
            text: qsTr("Remove from session")
            visible: row.canRemove && !row.isSelf
            height: visible ? implicitHeight : 0
            onTriggered: row.session.removeParticipant(row.participantId)
        }
        MenuItem {
            objectName: "leaveAction"
            text: qsTr("Leave session")
            visible: row.canRemove && row.isSelf
            height: visible ? implicitHeight : 0
            onTriggered: row.session.leave()
        }
    }
}
