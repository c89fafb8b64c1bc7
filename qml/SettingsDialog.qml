import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Helpy

// The user's preferences: name, theme, notifications, language. Each applies at once and
// is kept in the settings (AppSettings; the name is the AppController's).
Dialog {
    id: dialog
    objectName: "settingsDialog"

    title: qsTr("Settings")
    modal: true
    standardButtons: Dialog.Close
    closePolicy: Popup.CloseOnEscape | Popup.CloseOnPressOutside
    width: 420

    // The values of the combos, in their order.
    readonly property var themes: ["system", "light", "dark"]
    readonly property var languages: ["", "en", "de"]

    onOpened: {
        nameField.text = AppController.displayName
        themeBox.currentIndex = Math.max(0, themes.indexOf(AppController.appSettings.theme))
        languageBox.currentIndex = Math.max(0, languages.indexOf(AppController.appSettings.language))
        nameField.forceActiveFocus()
    }
    onClosed: applyName()

    function applyName() {
        if (nameField.text.trim().length > 0)
            AppController.displayName = nameField.text
    }

    GridLayout {
        anchors.fill: parent
        columns: 2
        columnSpacing: 12
        rowSpacing: 10

        Label {
            text: qsTr("Your name")
        }
        TextField {
            id: nameField
            objectName: "settingsNameField"
            Layout.fillWidth: true
            maximumLength: 100
            Accessible.name: qsTr("Your name")
            onEditingFinished: dialog.applyName()
        }
        Label {
            Layout.columnSpan: 2
            Layout.fillWidth: true
            text: qsTr("Others see a new name in the sessions you join from now on.")
            color: Theme.subtleText
            font.pixelSize: 12
            wrapMode: Text.Wrap
        }

        Label {
            text: qsTr("Theme")
        }
        ComboBox {
            id: themeBox
            objectName: "settingsThemeBox"
            Layout.fillWidth: true
            model: [qsTr("Like the system"), qsTr("Light"), qsTr("Dark")]
            Accessible.name: qsTr("Theme")
            onActivated: (index) => AppController.appSettings.theme = dialog.themes[index]
        }

        Label {
            text: qsTr("Language")
        }
        ComboBox {
            id: languageBox
            objectName: "settingsLanguageBox"
            Layout.fillWidth: true
            model: [qsTr("Like the system"), "English", "Deutsch"]
            Accessible.name: qsTr("Language")
            onActivated: (index) => AppController.appSettings.language = dialog.languages[index]
        }

        Label {
            text: qsTr("Notifications")
        }
        Switch {
            objectName: "settingsNotificationsSwitch"
            text: qsTr("Tell me about new messages")
            checked: AppController.appSettings.notificationsEnabled
            Accessible.name: qsTr("Desktop notifications for new messages")
            onToggled: AppController.appSettings.notificationsEnabled = checked
        }
    }
}
