import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Helpy

// The model the Helpy tutors of sessions hosted here ask (docs/helpy.md): an
// OpenAI-compatible endpoint, a model name and a key. Endpoint and model are remembered in the
// settings, the key in the desktop's secret store (or, without one, only while the app runs).
Dialog {
    id: dialog
    objectName: "helpyTutorsDialog"

    title: qsTr("Helpy tutors")
    modal: true
    standardButtons: Dialog.Save | Dialog.Cancel
    closePolicy: Popup.CloseOnEscape
    width: 460

    onOpened: {
        endpointField.text = AppController.helpyEndpoint
        modelField.text = AppController.helpyModel
        keyField.text = ""
        endpointField.forceActiveFocus()
    }
    onAccepted: AppController.setHelpyBackend(endpointField.text, modelField.text, keyField.text)

    GridLayout {
        anchors.fill: parent
        columns: 2
        columnSpacing: 8
        rowSpacing: 8

        Label {
            Layout.columnSpan: 2
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            text: qsTr("Helpys in the sessions you host answer with this model: llama.cpp's "
                       + "llama-server (http://127.0.0.1:8080/v1), Ollama "
                       + "(http://127.0.0.1:11434/v1) or a hosted OpenAI-compatible API. "
                       + "Leave the address empty and they say they are not connected.")
        }
        Label { text: qsTr("Address") }
        TextField {
            id: endpointField
            objectName: "helpyEndpointField"
            Layout.fillWidth: true
            placeholderText: "http://127.0.0.1:8080/v1"
            inputMethodHints: Qt.ImhUrlCharactersOnly | Qt.ImhNoAutoUppercase
            Accessible.name: qsTr("Tutor model address")
        }
        Label { text: qsTr("Model") }
        TextField {
            id: modelField
            objectName: "helpyModelField"
            Layout.fillWidth: true
            placeholderText: qsTr("e.g. llama3.2 (empty: the server's default)")
            Accessible.name: qsTr("Tutor model name")
        }
        Label { text: qsTr("Key") }
        TextField {
            id: keyField
            objectName: "helpyKeyField"
            Layout.fillWidth: true
            echoMode: TextInput.Password
            placeholderText: AppController.helpyKeySet ? qsTr("(set; type to replace)")
                                                       : qsTr("none (local models need none)")
            Accessible.name: qsTr("Tutor model key")
        }
        Label {
            objectName: "helpyKeyNote"
            Layout.columnSpan: 2
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            color: Theme.subtleText
            font.pixelSize: 12
            text: AppController.helpyKeyKeptSafely
                  ? qsTr("The key is kept in the desktop's secret store (GNOME Keyring, KWallet), "
                         + "never in a settings file.")
                  : qsTr("No secret store answers on this desktop: the key is kept only until "
                         + "Helpy quits.")
        }
    }
}
