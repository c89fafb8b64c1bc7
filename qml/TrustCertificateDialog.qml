import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Helpy

// Trust on first use: a server with a self-signed certificate never seen before. The user
// compares its fingerprint with the one the host reads out (or sends) before trusting it.
Dialog {
    id: dialog
    objectName: "trustCertificateDialog"

    property string address
    property string fingerprint

    title: qsTr("Trust this server?")
    modal: true
    closePolicy: Popup.CloseOnEscape
    width: 440

    onAccepted: AppController.acceptCertificate()
    onRejected: AppController.rejectCertificate()

    footer: DialogButtonBox {
        Button {
            objectName: "trustCertificateAccept"
            text: qsTr("Accept")
            onClicked: dialog.accept()
        }
        Button {
            objectName: "trustCertificateCancel"
            text: qsTr("Cancel")
            onClicked: dialog.reject()
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 12
        Label {
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            text: qsTr("This is the first time you connect to %1. Its certificate is not "
                       + "signed by an authority, so check that its fingerprint is the one "
                       + "the host sees in their Helpy:").arg(dialog.address)
        }
        Label {
            objectName: "trustCertificateFingerprint"
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            font.family: "monospace"
            text: dialog.fingerprint
            Accessible.name: qsTr("Certificate fingerprint")
        }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            text: qsTr("Helpy remembers it: if this server ever shows another certificate, "
                       + "it will not connect. Joining with an invite link skips this question.")
        }
    }
}
