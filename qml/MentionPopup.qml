pragma ComponentBehavior: Bound

import QtQuick
import QtQuick.Controls
import Helpy
import Helpy.Models

// The names offered after '@' in the message box: Helpys first, then people, narrowed as
// the name is typed. The box keeps the keyboard (it forwards Up, Down, Enter, Tab and
// Escape here); a click chooses too.
Popup {
    id: popup
    objectName: "mentionPopup"

    /// The session's participants (a ParticipantListModel).
    property alias participants: candidates.sourceModel
    /// What was typed after the '@'.
    property alias filter: candidates.filter
    readonly property int count: candidates.count
    property alias currentIndex: list.currentIndex

    /// A name was chosen.
    signal chosen(string name)

    function move(by: int) {
        if (candidates.count > 0)
            list.currentIndex = (list.currentIndex + by + candidates.count) % candidates.count
    }
    function chooseCurrent() {
        if (list.currentIndex >= 0 && list.currentIndex < candidates.count)
            popup.chosen(candidates.nameAt(list.currentIndex))
    }

    padding: 4
    // The box keeps the focus and closes it (Escape, a choice, the '@' gone).
    focus: false
    closePolicy: Popup.NoAutoClose
    implicitWidth: 260
    implicitHeight: Math.min(list.contentHeight, 6 * 36) + topPadding + bottomPadding

    MentionCandidateModel {
        id: candidates
        // A new filter starts again from the first name.
        onFilterChanged: list.currentIndex = 0
    }

    ListView {
        id: list
        objectName: "mentionList"
        anchors.fill: parent
        clip: true
        model: candidates
        currentIndex: 0
        boundsBehavior: Flickable.StopAtBounds
        Accessible.role: Accessible.List
        Accessible.name: qsTr("People and Helpys to mention")
        ScrollBar.vertical: ScrollBar {}
        delegate: ItemDelegate {
            id: candidate
            required property int index
            required property string displayName
            required property bool isHelpy
            objectName: "mentionCandidate_" + displayName
            width: ListView.view.width
            height: 36
            highlighted: ListView.isCurrentItem
            focusPolicy: Qt.NoFocus
            Accessible.name: isHelpy ? qsTr("Mention %1 (Helpy)").arg(displayName)
                                     : qsTr("Mention %1").arg(displayName)
            contentItem: Label {
                text: candidate.isHelpy ? qsTr("%1 · Helpy").arg(candidate.displayName)
                                        : candidate.displayName
                textFormat: Text.PlainText
                elide: Text.ElideRight
                verticalAlignment: Text.AlignVCenter
                color: candidate.isHelpy ? Theme.helpy : candidate.palette.text
            }
            onClicked: popup.chosen(displayName)
        }
    }
}
