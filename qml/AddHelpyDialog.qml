import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

// Asks for the tutor's name, subject and instructions; Enter adds, Esc cancels.
Dialog {
    id: dialog
    objectName: "addHelpyDialog"

    signal helpyRequested(string name, string subject, string instructions)

    title: qsTr("Add a Helpy")
    modal: true
    standardButtons: Dialog.Ok | Dialog.Cancel
    closePolicy: Popup.CloseOnEscape | Popup.CloseOnPressOutside
    width: 360

    onOpened: {
        nameField.text = qsTr("Math Helpy")
        subjectField.text = qsTr("Mathematics")
        instructionsField.text = ""
        nameField.selectAll()
        nameField.forceActiveFocus()
    }
    onAccepted: {
        const name = nameField.text.trim()
        if (name.length > 0)
            dialog.helpyRequested(name, subjectField.text.trim(), instructionsField.text.trim())
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
        TextField {
            id: subjectField
            objectName: "helpySubjectField"
            Layout.fillWidth: true
            placeholderText: qsTr("Subject, e.g. Algebra and geometry")
            maximumLength: 100
            Accessible.name: qsTr("Helpy subject")
            onAccepted: dialog.accept()
        }
        TextArea {
            id: instructionsField
            objectName: "helpyInstructionsField"
            Layout.fillWidth: true
            Layout.preferredHeight: 80
            placeholderText: qsTr("Instructions (optional), e.g. Give hints before answers")
            wrapMode: TextEdit.Wrap
            Accessible.name: qsTr("Helpy instructions")
            onTextChanged: if (length > 2000) remove(2000, length)
        }
    }
}
