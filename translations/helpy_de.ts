<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name>AddHelpyDialog</name>
    <message>
        <source>Add a Helpy</source>
        <translation>Helpy hinzufügen</translation>
    </message>
    <message>
        <source>Math Helpy</source>
        <translation>Mathe-Helpy</translation>
    </message>
    <message>
        <source>Mathematics</source>
        <translation>Mathematik</translation>
    </message>
    <message>
        <source>A Helpy is an AI tutor that joins the session as a participant.</source>
        <translation>Ein Helpy ist ein KI-Tutor, der der Sitzung als Teilnehmer beitritt.</translation>
    </message>
    <message>
        <source>Tutor name</source>
        <translation>Name des Tutors</translation>
    </message>
    <message>
        <source>Helpy name</source>
        <translation>Name des Helpys</translation>
    </message>
    <message>
        <source>Subject, e.g. Algebra and geometry</source>
        <translation>Fach, z. B. Algebra und Geometrie</translation>
    </message>
    <message>
        <source>Helpy subject</source>
        <translation>Fach des Helpys</translation>
    </message>
    <message>
        <source>Instructions (optional), e.g. Give hints before answers</source>
        <translation>Anweisungen (optional), z. B. Erst Hinweise geben, dann Antworten</translation>
    </message>
    <message>
        <source>Helpy instructions</source>
        <translation>Anweisungen für den Helpy</translation>
    </message>
</context>
<context>
    <name>AppController</name>
    <message>
        <source>Study session</source>
        <translation>Lernsitzung</translation>
    </message>
    <message>
        <source>The tutor model&apos;s address must start with http:// or https://</source>
        <translation>Die Adresse des Tutor-Modells muss mit http:// oder https:// beginnen.</translation>
    </message>
    <message>
        <source>Hosted on this computer at %1:%2</source>
        <translation>Auf diesem Computer gehostet unter %1:%2</translation>
    </message>
    <message>
        <source>Hosted on %1</source>
        <translation>Gehostet auf %1</translation>
    </message>
    <message>
        <source>Please enter your name first.</source>
        <translation>Bitte gib zuerst deinen Namen ein.</translation>
    </message>
    <message>
        <source>This build cannot host sessions; join one instead.</source>
        <translation>Diese Version kann keine Sitzungen hosten – tritt stattdessen einer bei.</translation>
    </message>
    <message>
        <source>Could not host a session on port %1: %2</source>
        <translation>Sitzung konnte nicht auf Port %1 gehostet werden: %2</translation>
    </message>
    <message>
        <source>Could not host your sessions again on port %1: %2</source>
        <translation>Deine Sitzungen konnten nicht erneut auf Port %1 gehostet werden: %2</translation>
    </message>
    <message>
        <source>“%1” is not a server address; it looks like ws://host:port.</source>
        <translation>„%1“ ist keine Serveradresse; sie sieht so aus: ws://rechner:port.</translation>
    </message>
    <message>
        <source>Please enter the invite code.</source>
        <translation>Bitte gib den Einladungscode ein.</translation>
    </message>
    <message>
        <source>Could not join with code %1: %2</source>
        <translation>Beitritt mit Code %1 nicht möglich: %2</translation>
    </message>
    <message>
        <source>Could not create the session: %1</source>
        <translation>Sitzung konnte nicht erstellt werden: %1</translation>
    </message>
    <message>
        <source>Could not rename the session: %1</source>
        <translation>Sitzung konnte nicht umbenannt werden: %1</translation>
    </message>
    <message>
        <source>Could not delete the session: %1</source>
        <translation>Sitzung konnte nicht gelöscht werden: %1</translation>
    </message>
    <message>
        <source>Session deleted.</source>
        <translation>Sitzung gelöscht.</translation>
    </message>
    <message>
        <source>Copied “%1” to the clipboard.</source>
        <translation>„%1“ in die Zwischenablage kopiert.</translation>
    </message>
    <message>
        <source>Helpy</source>
        <translation>Helpy</translation>
    </message>
    <message>
        <source>Someone</source>
        <translation>Jemand</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
</context>
<context>
    <name>ChatFormat</name>
    <message>
        <source>Today</source>
        <translation>Heute</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>Gestern</translation>
    </message>
</context>
<context>
    <name>ConnectionBanner</name>
    <message numerus="yes">
        <source>Connection lost — reconnecting in %n s…</source>
        <translation>
            <numerusform>Verbindung verloren – neuer Versuch in %n s …</numerusform>
            <numerusform>Verbindung verloren – neuer Versuch in %n s …</numerusform>
        </translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Verbinde mit %1 …</translation>
    </message>
    <message>
        <source>Offline — the connection was lost.</source>
        <translation>Offline – die Verbindung ist abgebrochen.</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>Verbunden</translation>
    </message>
    <message>
        <source>Retry now</source>
        <translation>Jetzt erneut versuchen</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Erneut versuchen</translation>
    </message>
    <message>
        <source>Retry connecting</source>
        <translation>Erneut verbinden</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Stop connecting</source>
        <translation>Verbindungsaufbau abbrechen</translation>
    </message>
    <message>
        <source>Dismiss the message</source>
        <translation>Meldung schließen</translation>
    </message>
</context>
<context>
    <name>DesktopNotifier</name>
    <message>
        <source>Open</source>
        <translation>Öffnen</translation>
    </message>
</context>
<context>
    <name>ErrorText</name>
    <message>
        <source>the server did not understand the request</source>
        <translation>der Server hat die Anfrage nicht verstanden</translation>
    </message>
    <message>
        <source>this app and the server do not speak the same version — update Helpy</source>
        <translation>diese App und der Server sprechen nicht dieselbe Version – aktualisiere Helpy</translation>
    </message>
    <message>
        <source>you are not signed in to this server</source>
        <translation>du bist bei diesem Server nicht angemeldet</translation>
    </message>
    <message>
        <source>it does not exist (any more)</source>
        <translation>das gibt es nicht (mehr)</translation>
    </message>
    <message>
        <source>you may not do that in this session</source>
        <translation>das darfst du in dieser Sitzung nicht</translation>
    </message>
    <message>
        <source>it clashes with a change made in the meantime — try again</source>
        <translation>das kollidiert mit einer Änderung von eben – versuch es noch einmal</translation>
    </message>
    <message>
        <source>a limit of the server was reached</source>
        <translation>eine Grenze des Servers ist erreicht</translation>
    </message>
    <message>
        <source>the server is busy or this was tried too often — wait a minute and try again</source>
        <translation>der Server ist ausgelastet oder das wurde zu oft versucht – warte eine Minute und versuch es dann noch einmal</translation>
    </message>
    <message>
        <source>it is too large</source>
        <translation>das ist zu groß</translation>
    </message>
    <message>
        <source>the server ran into an internal error</source>
        <translation>auf dem Server ist ein interner Fehler aufgetreten</translation>
    </message>
    <message>
        <source>the server refused</source>
        <translation>der Server hat abgelehnt</translation>
    </message>
    <message>
        <source>the server could not save this for a minute — try again later</source>
        <translation>der Server konnte das eine Minute lang nicht speichern – versuch es später noch einmal</translation>
    </message>
</context>
<context>
    <name>FindBar</name>
    <message>
        <source>Find in this chat</source>
        <translation>In diesem Chat suchen</translation>
    </message>
    <message>
        <source>Find in the messages</source>
        <translation>In den Nachrichten suchen</translation>
    </message>
    <message>
        <source>No matches</source>
        <translation>Keine Treffer</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message>
        <source>Previous match</source>
        <translation>Vorheriger Treffer</translation>
    </message>
    <message>
        <source>Previous match (Shift+Enter)</source>
        <translation>Vorheriger Treffer (Umschalt+Eingabe)</translation>
    </message>
    <message>
        <source>Next match</source>
        <translation>Nächster Treffer</translation>
    </message>
    <message>
        <source>Next match (Enter)</source>
        <translation>Nächster Treffer (Eingabe)</translation>
    </message>
    <message>
        <source>Close find</source>
        <translation>Suche schließen</translation>
    </message>
</context>
<context>
    <name>GroupSession</name>
    <message>
        <source>%1 joined</source>
        <translation>%1 ist beigetreten</translation>
    </message>
    <message>
        <source>%1 was added</source>
        <translation>%1 wurde hinzugefügt</translation>
    </message>
    <message>
        <source>%1 added %2</source>
        <translation>%1 hat %2 hinzugefügt</translation>
    </message>
    <message>
        <source>%1 left</source>
        <translation>%1 hat die Sitzung verlassen</translation>
    </message>
    <message>
        <source>%1 was removed</source>
        <translation>%1 wurde entfernt</translation>
    </message>
    <message>
        <source>%1 removed %2</source>
        <translation>%1 hat %2 entfernt</translation>
    </message>
    <message>
        <source>%1 is now an owner</source>
        <translation>%1 ist jetzt Besitzer</translation>
    </message>
    <message>
        <source>%1 made %2 an owner</source>
        <translation>%1 hat %2 zum Besitzer gemacht</translation>
    </message>
    <message>
        <source>%1 is now a moderator</source>
        <translation>%1 ist jetzt Moderator</translation>
    </message>
    <message>
        <source>%1 made %2 a moderator</source>
        <translation>%1 hat %2 zum Moderator gemacht</translation>
    </message>
    <message>
        <source>%1 is now a member</source>
        <translation>%1 ist jetzt Mitglied</translation>
    </message>
    <message>
        <source>%1 made %2 a member</source>
        <translation>%1 hat %2 zum Mitglied gemacht</translation>
    </message>
    <message>
        <source>Could not change the setting: %1</source>
        <translation>Einstellung konnte nicht geändert werden: %1</translation>
    </message>
    <message>
        <source>%1 is typing…</source>
        <translation>%1 schreibt …</translation>
    </message>
    <message>
        <source>%1 and %2 are typing…</source>
        <translation>%1 und %2 schreiben …</translation>
    </message>
    <message>
        <source>Several people are typing…</source>
        <translation>Mehrere schreiben …</translation>
    </message>
    <message>
        <source>%1 is thinking…</source>
        <translation>%1 denkt nach …</translation>
    </message>
    <message>
        <source>%1 are thinking…</source>
        <translation>%1 denken nach …</translation>
    </message>
    <message>
        <source>You left “%1”.</source>
        <translation>Du hast „%1“ verlassen.</translation>
    </message>
    <message>
        <source>You were removed from “%1”.</source>
        <translation>Du wurdest aus „%1“ entfernt.</translation>
    </message>
    <message>
        <source>%1 renamed the session from “%2” to “%3”</source>
        <translation>%1 hat die Sitzung von „%2“ in „%3“ umbenannt</translation>
    </message>
    <message>
        <source>%1 deleted “%2”.</source>
        <translation>%1 hat „%2“ gelöscht.</translation>
    </message>
    <message>
        <source>Could not rename the session: %1</source>
        <translation>Sitzung konnte nicht umbenannt werden: %1</translation>
    </message>
    <message>
        <source>Could not delete the session: %1</source>
        <translation>Sitzung konnte nicht gelöscht werden: %1</translation>
    </message>
    <message>
        <source>Could not add %1: %2</source>
        <translation>%1 konnte nicht hinzugefügt werden: %2</translation>
    </message>
    <message>
        <source>Could not add the participant: %1</source>
        <translation>Teilnehmer konnte nicht hinzugefügt werden: %1</translation>
    </message>
    <message>
        <source>Could not remove %1: %2</source>
        <translation>%1 konnte nicht entfernt werden: %2</translation>
    </message>
    <message>
        <source>Could not change the role of %1: %2</source>
        <translation>Rolle von %1 konnte nicht geändert werden: %2</translation>
    </message>
    <message>
        <source>Your message was not sent: %1</source>
        <translation>Deine Nachricht wurde nicht gesendet: %1</translation>
    </message>
    <message>
        <source>Could not leave: %1</source>
        <translation>Verlassen nicht möglich: %1</translation>
    </message>
    <message>
        <source>Could not create an invite: %1</source>
        <translation>Einladung konnte nicht erstellt werden: %1</translation>
    </message>
</context>
<context>
    <name>HelpyTutorsDialog</name>
    <message>
        <source>Helpy tutors</source>
        <translation>Helpy-Tutoren</translation>
    </message>
    <message>
        <source>Helpys in the sessions you host answer with this model: llama.cpp&apos;s llama-server (http://127.0.0.1:8080/v1), Ollama (http://127.0.0.1:11434/v1) or a hosted OpenAI-compatible API. Leave the address empty and they say they are not connected.</source>
        <translation>Helpys in den Sitzungen, die du hostest, antworten mit diesem Modell: llama-server von llama.cpp (http://127.0.0.1:8080/v1), Ollama (http://127.0.0.1:11434/v1) oder eine gehostete, OpenAI-kompatible API. Lässt du die Adresse leer, sagen sie, dass sie nicht verbunden sind.</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>Tutor model address</source>
        <translation>Adresse des Tutor-Modells</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>e.g. llama3.2 (empty: the server&apos;s default)</source>
        <translation>z. B. llama3.2 (leer: Standard des Servers)</translation>
    </message>
    <message>
        <source>Tutor model name</source>
        <translation>Name des Tutor-Modells</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>(set; type to replace)</source>
        <translation>(gesetzt; zum Ersetzen neu eingeben)</translation>
    </message>
    <message>
        <source>none (local models need none)</source>
        <translation>keiner (lokale Modelle brauchen keinen)</translation>
    </message>
    <message>
        <source>Tutor model key</source>
        <translation>Schlüssel des Tutor-Modells</translation>
    </message>
    <message>
        <source>The key is kept in the desktop&apos;s secret store (GNOME Keyring, KWallet), never in a settings file.</source>
        <translation>Der Schlüssel liegt im Passwortspeicher des Desktops (GNOME Keyring, KWallet), nie in einer Einstellungsdatei.</translation>
    </message>
    <message>
        <source>No secret store answers on this desktop: the key is kept only until Helpy quits.</source>
        <translation>Auf diesem Desktop antwortet kein Passwortspeicher: Der Schlüssel bleibt nur erhalten, bis Helpy beendet wird.</translation>
    </message>
</context>
<context>
    <name>InviteLink</name>
    <message>
        <source>Paste an invite link, e.g. %1.</source>
        <translation>Füge einen Einladungslink ein, z. B. %1.</translation>
    </message>
    <message>
        <source>“%1” is not an invite link; one looks like %2.</source>
        <translation>„%1“ ist kein Einladungslink; so sieht einer aus: %2.</translation>
    </message>
    <message>
        <source>The invite link&apos;s address lacks its closing “]”.</source>
        <translation>Der Adresse im Einladungslink fehlt die schließende „]“.</translation>
    </message>
    <message>
        <source>The invite link has text after its address: “%1”.</source>
        <translation>Im Einladungslink steht Text nach der Adresse: „%1“.</translation>
    </message>
    <message>
        <source>“%1” in brackets is not an IPv6 address.</source>
        <translation>„%1“ in eckigen Klammern ist keine IPv6-Adresse.</translation>
    </message>
    <message>
        <source>An IPv6 address in an invite link goes in brackets: helpy://[ADDRESS]:PORT/CODE.</source>
        <translation>Eine IPv6-Adresse steht im Einladungslink in eckigen Klammern: helpy://[ADRESSE]:PORT/CODE.</translation>
    </message>
    <message>
        <source>The invite link names no computer: it looks like %1.</source>
        <translation>Der Einladungslink nennt keinen Computer; so sieht einer aus: %1.</translation>
    </message>
    <message>
        <source>“%1” is not a computer&apos;s name or address.</source>
        <translation>„%1“ ist weder Name noch Adresse eines Computers.</translation>
    </message>
    <message>
        <source>“%1” is not a port number (1–65535).</source>
        <translation>„%1“ ist keine Portnummer (1–65535).</translation>
    </message>
    <message>
        <source>The invite link has no invite code after the address.</source>
        <translation>Im Einladungslink fehlt nach der Adresse der Einladungscode.</translation>
    </message>
    <message>
        <source>“%1” is not an invite code.</source>
        <translation>„%1“ ist kein Einladungscode.</translation>
    </message>
    <message>
        <source>The invite link&apos;s certificate fingerprint (after #sha256=) is not 64 hexadecimal digits: ask for the link again.</source>
        <translation>Der Zertifikat-Fingerabdruck im Einladungslink (nach #sha256=) hat nicht 64 Hexadezimalziffern: Lass dir den Link noch einmal geben.</translation>
    </message>
</context>
<context>
    <name>JoinDialog</name>
    <message>
        <source>Join a session</source>
        <translation>Einer Sitzung beitreten</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>ws://host:port</source>
        <translation>ws://rechner:port</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>Serveradresse</translation>
    </message>
    <message>
        <source>Invite code</source>
        <translation>Einladungscode</translation>
    </message>
    <message>
        <source>Invite code, or paste an invite link</source>
        <translation>Einladungscode, oder füge einen Einladungslink ein</translation>
    </message>
    <message>
        <source>Invite code or invite link</source>
        <translation>Einladungscode oder Einladungslink</translation>
    </message>
    <message>
        <source>Enter your name on the sign-in page first.</source>
        <translation>Gib zuerst auf der Anmeldeseite deinen Namen ein.</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>%1 — Helpy</source>
        <translation>%1 – Helpy</translation>
    </message>
    <message>
        <source>Helpy</source>
        <translation>Helpy</translation>
    </message>
    <message>
        <source>(%1) %2</source>
        <translation>(%1) %2</translation>
    </message>
</context>
<context>
    <name>MentionPopup</name>
    <message>
        <source>People and Helpys to mention</source>
        <translation>Personen und Helpys zum Erwähnen</translation>
    </message>
    <message>
        <source>Mention %1 (Helpy)</source>
        <translation>%1 erwähnen (Helpy)</translation>
    </message>
    <message>
        <source>Mention %1</source>
        <translation>%1 erwähnen</translation>
    </message>
    <message>
        <source>%1 · Helpy</source>
        <translation>%1 · Helpy</translation>
    </message>
</context>
<context>
    <name>MessageComposer</name>
    <message>
        <source>Write a message — Enter sends, Shift+Enter starts a new line</source>
        <translation>Nachricht schreiben – Eingabe sendet, Umschalt+Eingabe für neue Zeile</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Nachricht</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>Senden</translation>
    </message>
    <message>
        <source>Send the message</source>
        <translation>Nachricht senden</translation>
    </message>
    <message>
        <source>Too long to send: %1 of %2 characters. Remove %3 to send it.</source>
        <translation>Zu lang zum Senden: %1 von %2 Zeichen. Entferne %3, um sie zu senden.</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
</context>
<context>
    <name>MessageDelegate</name>
    <message>
        <source>%1 at %2: %3</source>
        <translation>%1 um %2: %3</translation>
    </message>
    <message>
        <source>You</source>
        <translation>Du</translation>
    </message>
    <message>
        <source>sending…</source>
        <translation>wird gesendet …</translation>
    </message>
    <message>
        <source>not sent</source>
        <translation>nicht gesendet</translation>
    </message>
    <message>
        <source>writing…</source>
        <translation>schreibt …</translation>
    </message>
    <message>
        <source>notice</source>
        <translation>Hinweis</translation>
    </message>
</context>
<context>
    <name>MessageListModel</name>
    <message>
        <source>%1 (left)</source>
        <translation>%1 (hat verlassen)</translation>
    </message>
</context>
<context>
    <name>NewMessagesButton</name>
    <message>
        <source>1 new message ↓</source>
        <translation>1 neue Nachricht ↓</translation>
    </message>
    <message>
        <source>%1 new messages ↓</source>
        <translation>%1 neue Nachrichten ↓</translation>
    </message>
    <message>
        <source>%1; go to the newest message</source>
        <translation>%1; zur neuesten Nachricht springen</translation>
    </message>
</context>
<context>
    <name>ParticipantDelegate</name>
    <message>
        <source>Owner</source>
        <translation>Besitzer</translation>
    </message>
    <message>
        <source>Moderator</source>
        <translation>Moderator</translation>
    </message>
    <message>
        <source>Member</source>
        <translation>Mitglied</translation>
    </message>
    <message>
        <source>online</source>
        <translation>online</translation>
    </message>
    <message>
        <source>reconnecting</source>
        <translation>verbindet neu</translation>
    </message>
    <message>
        <source>presence unknown</source>
        <translation>Status unbekannt</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>offline</translation>
    </message>
    <message>
        <source>%1%2, %3, %4</source>
        <translation>%1%2, %3, %4</translation>
    </message>
    <message>
        <source> (Helpy)</source>
        <translation> (Helpy)</translation>
    </message>
    <message>
        <source>%1 · joined %2</source>
        <translation>%1 · dabei seit %2</translation>
    </message>
    <message>
        <source>Presence unknown while you are disconnected</source>
        <translation>Status unbekannt, solange du nicht verbunden bist</translation>
    </message>
    <message>
        <source>%1 (you)</source>
        <translation>%1 (du)</translation>
    </message>
    <message>
        <source>Helpy</source>
        <translation>Helpy</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>Actions for %1</source>
        <translation>Aktionen für %1</translation>
    </message>
    <message>
        <source>Make moderator</source>
        <translation>Zum Moderator machen</translation>
    </message>
    <message>
        <source>Make owner</source>
        <translation>Zum Besitzer machen</translation>
    </message>
    <message>
        <source>Make member</source>
        <translation>Zum Mitglied machen</translation>
    </message>
    <message>
        <source>Remove from session</source>
        <translation>Aus der Sitzung entfernen</translation>
    </message>
    <message>
        <source>Leave session</source>
        <translation>Sitzung verlassen</translation>
    </message>
</context>
<context>
    <name>RelativeTime</name>
    <message>
        <source>now</source>
        <translation>jetzt</translation>
    </message>
    <message numerus="yes">
        <source>%n min</source>
        <translation>
            <numerusform>%n Min.</numerusform>
            <numerusform>%n Min.</numerusform>
        </translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>Gestern</translation>
    </message>
</context>
<context>
    <name>SessionListPage</name>
    <message>
        <source>Your sessions</source>
        <translation>Deine Sitzungen</translation>
    </message>
    <message>
        <source>Signed in as %1</source>
        <translation>Angemeldet als %1</translation>
    </message>
    <message>
        <source>Hosting at %1</source>
        <translation>Gehostet unter %1</translation>
    </message>
    <message>
        <source>Join…</source>
        <translation>Beitreten …</translation>
    </message>
    <message>
        <source>Join a session with an invite link or code (Ctrl+K)</source>
        <translation>Einer Sitzung mit Einladungslink oder -code beitreten (Strg+K)</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Abmelden</translation>
    </message>
    <message>
        <source>New session title</source>
        <translation>Titel der neuen Sitzung</translation>
    </message>
    <message>
        <source>Create session</source>
        <translation>Sitzung erstellen</translation>
    </message>
    <message>
        <source>Create a new session</source>
        <translation>Neue Sitzung erstellen</translation>
    </message>
    <message>
        <source>More actions for %1</source>
        <translation>Weitere Aktionen für %1</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>Umbenennen …</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>Löschen …</translation>
    </message>
    <message>
        <source>You are in no session yet. Create one, or join one with an invite code (Ctrl+K).</source>
        <translation>Du bist noch in keiner Sitzung. Erstelle eine oder tritt einer mit einem Einladungscode bei (Strg+K).</translation>
    </message>
    <message>
        <source>Rename the session</source>
        <translation>Sitzung umbenennen</translation>
    </message>
    <message>
        <source>New title</source>
        <translation>Neuer Titel</translation>
    </message>
    <message>
        <source>Delete “%1”?</source>
        <translation>„%1“ löschen?</translation>
    </message>
    <message>
        <source>The session, its messages and its invite codes go for everyone in it. This cannot be undone.</source>
        <translation>Die Sitzung, ihre Nachrichten und ihre Einladungscodes verschwinden für alle darin. Das lässt sich nicht rückgängig machen.</translation>
    </message>
    <message>
        <source>owner</source>
        <translation>Besitzer</translation>
    </message>
    <message>
        <source>moderator</source>
        <translation>Moderator</translation>
    </message>
    <message>
        <source>member</source>
        <translation>Mitglied</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Einstellungen …</translation>
    </message>
    <message>
        <source>Settings: name, theme, notifications, language</source>
        <translation>Einstellungen: Name, Erscheinungsbild, Benachrichtigungen, Sprache</translation>
    </message>
    <message>
        <source>You: %1</source>
        <translation>Du: %1</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message numerus="yes">
        <source>%1, %n unread message(s)</source>
        <translation>
            <numerusform>%1, %n ungelesene Nachricht</numerusform>
            <numerusform>%1, %n ungelesene Nachrichten</numerusform>
        </translation>
    </message>
    <message>
        <source>, last: %1, %2</source>
        <translation>, zuletzt: %1, %2</translation>
    </message>
    <message>
        <source>hosted here</source>
        <translation>hier gehostet</translation>
    </message>
    <message>
        <source>Hosted on this computer</source>
        <translation>Auf diesem Computer gehostet</translation>
    </message>
    <message>
        <source>muted</source>
        <translation>stumm</translation>
    </message>
    <message>
        <source>Notifications muted</source>
        <translation>Benachrichtigungen stummgeschaltet</translation>
    </message>
    <message numerus="yes">
        <source>%n participant(s), you are %1</source>
        <translation>
            <numerusform>%n Teilnehmer, du bist %1</numerusform>
            <numerusform>%n Teilnehmer, du bist %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unread</source>
        <translation>
            <numerusform>%n ungelesen</numerusform>
            <numerusform>%n ungelesen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SessionPage</name>
    <message>
        <source>‹ Sessions</source>
        <translation>‹ Sitzungen</translation>
    </message>
    <message>
        <source>Back to your sessions</source>
        <translation>Zurück zu deinen Sitzungen</translation>
    </message>
    <message>
        <source>Invite code: %1</source>
        <translation>Einladungscode: %1</translation>
    </message>
    <message>
        <source>Copy invite</source>
        <translation>Einladung kopieren</translation>
    </message>
    <message>
        <source>Copy the invite link</source>
        <translation>Einladungslink kopieren</translation>
    </message>
    <message>
        <source>More ways to invite</source>
        <translation>Weitere Einladungswege</translation>
    </message>
    <message>
        <source>Copy link with %1</source>
        <translation>Link mit %1 kopieren</translation>
    </message>
    <message>
        <source>Copy invite code only</source>
        <translation>Nur den Einladungscode kopieren</translation>
    </message>
    <message>
        <source>Add Helpy…</source>
        <translation>Helpy hinzufügen …</translation>
    </message>
    <message>
        <source>Add a Helpy tutor to the session</source>
        <translation>Einen Helpy-Tutor zur Sitzung hinzufügen</translation>
    </message>
    <message>
        <source>Helpys answer questions</source>
        <translation>Helpys beantworten Fragen</translation>
    </message>
    <message>
        <source>Helpys answer questions without being mentioned</source>
        <translation>Helpys beantworten Fragen, auch ohne erwähnt zu werden</translation>
    </message>
    <message>
        <source>Leave</source>
        <translation>Verlassen</translation>
    </message>
    <message>
        <source>Leave the session</source>
        <translation>Sitzung verlassen</translation>
    </message>
    <message>
        <source>Messages</source>
        <translation>Nachrichten</translation>
    </message>
    <message>
        <source>No messages yet. Copy the invite code for your group, or add a Helpy tutor.</source>
        <translation>Noch keine Nachrichten. Kopiere den Einladungscode für deine Gruppe oder füge einen Helpy-Tutor hinzu.</translation>
    </message>
    <message>
        <source>Participants — %1</source>
        <translation>Teilnehmer – %1</translation>
    </message>
    <message>
        <source>Participants</source>
        <translation>Teilnehmer</translation>
    </message>
    <message>
        <source>Helpys · %1 (%2 online)</source>
        <translation>Helpys · %1 (%2 online)</translation>
    </message>
    <message>
        <source>Owners · %1 (%2 online)</source>
        <translation>Besitzer · %1 (%2 online)</translation>
    </message>
    <message>
        <source>Moderators · %1 (%2 online)</source>
        <translation>Moderatoren · %1 (%2 online)</translation>
    </message>
    <message>
        <source>Members · %1 (%2 online)</source>
        <translation>Mitglieder · %1 (%2 online)</translation>
    </message>
    <message>
        <source>Muted</source>
        <translation>Stumm</translation>
    </message>
    <message>
        <source>Mute</source>
        <translation>Stummschalten</translation>
    </message>
    <message>
        <source>Unmute this session&apos;s notifications</source>
        <translation>Benachrichtigungen dieser Sitzung wieder einschalten</translation>
    </message>
    <message>
        <source>Mute this session&apos;s notifications</source>
        <translation>Benachrichtigungen dieser Sitzung stummschalten</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Copy text</source>
        <translation>Text kopieren</translation>
    </message>
    <message>
        <source>Copy the message text</source>
        <translation>Den Text der Nachricht kopieren</translation>
    </message>
    <message>
        <source>New messages since you left</source>
        <translation>Neue Nachrichten, seit du weg warst</translation>
    </message>
    <message>
        <source>New</source>
        <translation>Neu</translation>
    </message>
    <message>
        <source>Show everyone</source>
        <translation>Alle anzeigen</translation>
    </message>
    <message>
        <source>Load the whole list of participants</source>
        <translation>Die ganze Teilnehmerliste laden</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Your name</source>
        <translation>Dein Name</translation>
    </message>
    <message>
        <source>Others see a new name in the sessions you join from now on.</source>
        <translation>Einen neuen Namen sehen die anderen in den Sitzungen, denen du ab jetzt beitrittst.</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>Erscheinungsbild</translation>
    </message>
    <message>
        <source>Like the system</source>
        <translation>Wie das System</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Hell</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Dunkel</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation>Benachrichtigungen</translation>
    </message>
    <message>
        <source>Tell me about new messages</source>
        <translation>Über neue Nachrichten benachrichtigen</translation>
    </message>
    <message>
        <source>Desktop notifications for new messages</source>
        <translation>Desktop-Benachrichtigungen für neue Nachrichten</translation>
    </message>
</context>
<context>
    <name>SignInPage</name>
    <message>
        <source>Sign in</source>
        <translation>Anmelden</translation>
    </message>
    <message>
        <source>Helpy</source>
        <translation>Helpy</translation>
    </message>
    <message>
        <source>Live study sessions with your group and Helpy tutors.</source>
        <translation>Live-Lernsitzungen mit deiner Gruppe und Helpy-Tutoren.</translation>
    </message>
    <message>
        <source>Your name</source>
        <translation>Dein Name</translation>
    </message>
    <message>
        <source>e.g. Ana</source>
        <translation>z. B. Ana</translation>
    </message>
    <message>
        <source>Host a session on this computer</source>
        <translation>Eine Sitzung auf diesem Computer hosten</translation>
    </message>
    <message>
        <source>Session title, e.g. Algebra revision</source>
        <translation>Sitzungstitel, z. B. Algebra-Wiederholung</translation>
    </message>
    <message>
        <source>Session title</source>
        <translation>Sitzungstitel</translation>
    </message>
    <message>
        <source>Host</source>
        <translation>Hosten</translation>
    </message>
    <message>
        <source>Helpy tutors…</source>
        <translation>Helpy-Tutoren …</translation>
    </message>
    <message>
        <source>Set the model Helpy tutors answer with</source>
        <translation>Das Modell festlegen, mit dem Helpy-Tutoren antworten</translation>
    </message>
    <message>
        <source>Join a session</source>
        <translation>Einer Sitzung beitreten</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>ws://host:port</source>
        <translation>ws://rechner:port</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>Serveradresse</translation>
    </message>
    <message>
        <source>Invite code</source>
        <translation>Einladungscode</translation>
    </message>
    <message>
        <source>e.g. K7PQ2M, or paste an invite link</source>
        <translation>z. B. K7PQ2M, oder füge einen Einladungslink ein</translation>
    </message>
    <message>
        <source>Invite code or invite link</source>
        <translation>Einladungscode oder Einladungslink</translation>
    </message>
    <message>
        <source>Join</source>
        <translation>Beitreten</translation>
    </message>
    <message>
        <source>Join the session</source>
        <translation>Der Sitzung beitreten</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Cancel connecting</source>
        <translation>Verbindungsaufbau abbrechen</translation>
    </message>
</context>
<context>
    <name>TrustCertificateDialog</name>
    <message>
        <source>Trust this server?</source>
        <translation>Diesem Server vertrauen?</translation>
    </message>
    <message>
        <source>Accept</source>
        <translation>Vertrauen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>This is the first time you connect to %1. Its certificate is not signed by an authority, so check that its fingerprint is the one the host sees in their Helpy:</source>
        <translation>Du verbindest dich zum ersten Mal mit %1. Sein Zertifikat ist von keiner Zertifizierungsstelle signiert. Prüfe deshalb, ob der Fingerabdruck derselbe ist, den der Host in seinem Helpy sieht:</translation>
    </message>
    <message>
        <source>Certificate fingerprint</source>
        <translation>Fingerabdruck des Zertifikats</translation>
    </message>
    <message>
        <source>Helpy remembers it: if this server ever shows another certificate, it will not connect. Joining with an invite link skips this question.</source>
        <translation>Helpy merkt ihn sich: Zeigt dieser Server je ein anderes Zertifikat, verbindet sich Helpy nicht. Wer mit einem Einladungslink beitritt, wird das nicht gefragt.</translation>
    </message>
</context>
<context>
    <name>WebSocketService</name>
    <message>
        <source>%1 is not a Helpy server</source>
        <translation>%1 ist kein Helpy-Server</translation>
    </message>
    <message>
        <source>Nothing answers at %1 — is the session still hosted?</source>
        <translation>Unter %1 antwortet nichts – wird die Sitzung noch gehostet?</translation>
    </message>
    <message>
        <source>Disconnected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <source>%1 is busy — try again in a minute.</source>
        <translation>%1 ist ausgelastet – versuch es in einer Minute noch einmal.</translation>
    </message>
    <message>
        <source>%1 refused the connection</source>
        <translation>%1 hat die Verbindung abgelehnt</translation>
    </message>
    <message>
        <source>No computer named %1 was found — check the server address.</source>
        <translation>Kein Computer namens %1 gefunden – prüfe die Serveradresse.</translation>
    </message>
    <message>
        <source>Could not reach %1 — check the network and the address.</source>
        <translation>%1 ist nicht erreichbar – prüfe das Netzwerk und die Adresse.</translation>
    </message>
    <message>
        <source>Lost the connection to %1.</source>
        <translation>Die Verbindung zu %1 ist abgebrochen.</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <source>The certificate of %1 is not the one it had before. Someone may be listening in, so Helpy did not connect. If the host really changed it, ask them for a new invite link.</source>
        <translation>Das Zertifikat von %1 ist nicht mehr dasselbe wie zuvor. Jemand könnte mithören, deshalb hat Helpy keine Verbindung aufgebaut. Wenn der Host es wirklich geändert hat, lass dir einen neuen Einladungslink geben.</translation>
    </message>
    <message>
        <source>%1 sent no certificate Helpy can check.</source>
        <translation>%1 hat kein Zertifikat geschickt, das Helpy prüfen kann.</translation>
    </message>
    <message>
        <source>Not connected to %1: its certificate was not accepted.</source>
        <translation>Nicht mit %1 verbunden: Sein Zertifikat wurde nicht angenommen.</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Live study sessions with your group and Helpy tutors.</source>
        <translation>Live-Lernsitzungen mit deiner Gruppe und Helpy-Tutoren.</translation>
    </message>
    <message>
        <source>An invite link to join, helpy://HOST:PORT/CODE (as the desktop&apos;s helpy:// handler passes it).</source>
        <translation>Ein Einladungslink zum Beitreten, helpy://HOST:PORT/CODE (so, wie ihn der helpy://-Handler des Desktops übergibt).</translation>
    </message>
    <message>
        <source>Your display name.</source>
        <translation>Dein angezeigter Name.</translation>
    </message>
    <message>
        <source>Server to join, e.g. ws://192.168.1.5:8787 (not needed with an invite link).</source>
        <translation>Server zum Beitreten, z. B. ws://192.168.1.5:8787 (mit einem Einladungslink nicht nötig).</translation>
    </message>
    <message>
        <source>Invite link to join, helpy://HOST:PORT/CODE; or an invite code (with --server).</source>
        <translation>Einladungslink zum Beitreten, helpy://HOST:PORT/CODE; oder ein Einladungscode (mit --server).</translation>
    </message>
    <message>
        <source>Host a session on this computer, on PORT of every interface (default: the port hosted on before, first 8787 or the next free one; 0: any free port).</source>
        <translation>Eine Sitzung auf diesem Computer hosten, auf PORT jeder Schnittstelle (Standard: der zuletzt genutzte Port, anfangs 8787 oder der nächste freie; 0: irgendein freier Port).</translation>
    </message>
    <message>
        <source>Title of the hosted session.</source>
        <translation>Titel der gehosteten Sitzung.</translation>
    </message>
    <message>
        <source>Quit once the window (and a hosted session) is shown; exit code 1 if anything warned. For tests.</source>
        <translation>Beenden, sobald das Fenster (und eine gehostete Sitzung) angezeigt wird; Exit-Code 1, falls es Warnungen gab. Für Tests.</translation>
    </message>
    <message>
        <source>Open a window of its own even when Helpy is already open. (Without it, a launch with no --name, --server or --host hands its link to the open window.)</source>
        <translation>Ein eigenes Fenster öffnen, auch wenn Helpy schon offen ist. (Ohne diese Option gibt ein Start ohne --name, --server oder --host seinen Link an das offene Fenster weiter.)</translation>
    </message>
    <message>
        <source>Host over plain ws:// instead of wss:// with this computer&apos;s own certificate (anyone on the network can then read the chat and the sign-in tokens).</source>
        <translation>Über einfaches ws:// hosten statt über wss:// mit dem eigenen Zertifikat dieses Computers (dann kann jeder im Netzwerk den Chat und die Anmelde-Tokens mitlesen).</translation>
    </message>
</context>
</TS>
