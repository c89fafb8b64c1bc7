import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Asks for the tutor's name; Enter adds, Esc cancels.
Dialog {
    id: dialog
    objectName: "addHelpyDialog"

    signal helpyRequested(string name)

    title: qsTr("Add a Helpy")
    modal: true
    standardButtons: Dialog.Ok | Dialog.Cancel
    closePolicy: Popup.CloseOnEscape | Popup.CloseOnPressOutside
    width: 360

    onOpened: {
        nameField.text = qsTr("Math Helpy")
        nameField.selectAll()
        nameField.forceActiveFocus()
    }
    onAccepted: {
        const name = nameField.text.trim()
        if (name.length > 0)
            dialog.helpyRequested(name)
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 8
        Label {
            text: qsTr("A Helpy is an AI tutor that joins the session as a participant.")
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }
        TextField {
            id: nameField
            objectName: "helpyNameField"
            Layout.fillWidth: true
            placeholderText: qsTr("Tutor name")
            maximumLength: 100
            Accessible.name: qsTr("Helpy name")
            onAccepted: dialog.accept()
        }
    }
}
