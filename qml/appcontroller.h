// SPDX-License-Identifier: MIT
#pragma once

#include "appsettings.h"
#include "groupsession.h"
#include "identitytokens.h"
#include "sessionlistmodel.h"
#include "sessionlistsortmodel.h"
#include "unreadtracker.h"
#include "websocketservice.h"

#include <QObject>
#include <QPointer>
#include <QSettings>
#include <QTimer>
#include <QUrl>
#include <QtQml/qqmlregistration.h>

#include <functional>
#include <memory>

class Notifier;
class QJSEngine;
class QQmlEngine;
class ReconnectCountdown;
class SessionHosting;
class SecretStore;
class SessionListLoader;
class UiLanguage;

/**
 * @brief The app's one controller, a QML singleton: signs in, opens sessions and hosts them,
 * orchestrating the pieces that do the work: the connection (WebSocketService), identity
 * tokens, the reconnect countdown, the session list and, when the app was given one, the
 * session server it hosts with (SessionHosting).
 *
 * main() creates it before the QML engine and keeps ownership (the engine gets it through
 * create() with C++ ownership), so command-line options can drive it before QML loads.
 */
class AppController : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(QString displayName READ displayName WRITE setDisplayName NOTIFY displayNameChanged)
    Q_PROPERTY(QString lastServer READ lastServer NOTIFY lastServerChanged)
    Q_PROPERTY(
        WebSocketService::State connectionState READ connectionState NOTIFY connectionStateChanged)
    Q_PROPERTY(int reconnectSeconds READ reconnectSeconds NOTIFY reconnectSecondsChanged)
    Q_PROPERTY(QString serverAddress READ serverAddress NOTIFY connectionStateChanged)
    Q_PROPERTY(bool signedIn READ isSignedIn NOTIFY signedInChanged)
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)
    Q_PROPERTY(bool canHost READ canHost CONSTANT)
    Q_PROPERTY(bool hosting READ isHosting NOTIFY hostingChanged)
    /// The Helpy tutors' model when hosting (docs/helpy.md): endpoint and model are kept in the
    /// settings; the key only while the app runs (this build has no secret store).
    Q_PROPERTY(QString helpyEndpoint READ helpyEndpoint NOTIFY helpyBackendChanged)
    Q_PROPERTY(QString helpyModel READ helpyModel NOTIFY helpyBackendChanged)
    Q_PROPERTY(bool helpyKeySet READ helpyKeySet NOTIFY helpyBackendChanged)
    /// The key outlives the app (the desktop's secret store answers); else it is kept only
    /// until the app quits.
    Q_PROPERTY(bool helpyKeyKeptSafely READ helpyKeyKeptSafely NOTIFY helpyBackendChanged)
    Q_PROPERTY(QString hostAddress READ hostAddress NOTIFY hostingChanged)
    /// Where others reach this computer's sessions: HOST:PORT for each of its addresses (the
    /// LAN one first, 127.0.0.1 last); empty when not hosting.
    Q_PROPERTY(QStringList hostAddresses READ hostAddresses NOTIFY hostingChanged)
    /// What the Join box proposes as the server: the last one joined, else this computer's
    /// hosting port.
    Q_PROPERTY(QString defaultServer READ defaultServer NOTIFY lastServerChanged)
    /// Where the sessions of the current connection are hosted, for the session page:
    /// "Hosted on this computer at 192.168.1.5:8787" or "Hosted on HOST:PORT".
    Q_PROPERTY(QString sessionLocation READ sessionLocation NOTIFY connectionStateChanged)
    /// The invite link the app was started with (the helpy:// handler), for the Join box.
    Q_PROPERTY(QString pendingInviteLink READ pendingInviteLink NOTIFY pendingInviteLinkChanged)
    Q_PROPERTY(QString userId READ userId NOTIFY signedInChanged)
    Q_PROPERTY(GroupSession *currentSession READ currentSession NOTIFY currentSessionChanged)
    Q_PROPERTY(SessionListModel *sessions READ sessions CONSTANT)
    /// The same sessions as a chat app lists them: the latest activity first.
    Q_PROPERTY(SessionListSortModel *sessionsByActivity READ sessionsByActivity CONSTANT)
    /// Unread messages over all sessions (the window title shows them).
    Q_PROPERTY(int unreadTotal READ unreadTotal NOTIFY unreadTotalChanged)
    /// The user's preferences (theme, notifications, language).
    Q_PROPERTY(AppSettings *appSettings READ appSettings CONSTANT)
    /// Whether the window is the active one (Main.qml tells): an open session is read then.
    Q_PROPERTY(bool windowActive READ windowActive WRITE setWindowActive NOTIFY windowActiveChanged)
    /// No notifications for the open session.
    Q_PROPERTY(bool currentSessionMuted READ currentSessionMuted WRITE setCurrentSessionMuted NOTIFY
            currentSessionMutedChanged)
    /// The UI language chosen (QSettings `ui/language`): "" follows the system, "en", "de".
    Q_PROPERTY(QString language READ language WRITE setLanguage NOTIFY languageChanged)
    /// The language the UI speaks now ("en" or "de"), whatever was chosen.
    Q_PROPERTY(QString spokenLanguage READ spokenLanguage NOTIFY languageChanged)

public:
    /// No default constructor on purpose: Qt 6.4 would prefer it to create() for the singleton.
    explicit AppController(QObject *parent);
    ~AppController() override;

    /// The engine's view of the singleton: the instance main() made (C++ ownership).
    static AppController *create(QQmlEngine *qmlEngine, QJSEngine *jsEngine);
    static AppController *instance();

    QString displayName() const { return m_displayName; }
    void setDisplayName(const QString &name);
    QString lastServer() const;
    /// What the connection banner shows (WebSocketService in QML: Helpy.Client).
    WebSocketService::State connectionState() const { return m_service->state(); }
    /// Seconds until the next reconnect attempt (while Reconnecting).
    int reconnectSeconds() const;
    QString serverAddress() const;
    bool isSignedIn() const { return m_signedIn; }
    bool isBusy() const { return m_busy; }
    QString errorString() const { return m_errorString; }
    bool canHost() const { return m_hosting != nullptr; }
    bool isHosting() const;
    QString hostAddress() const;
    /// hostAddress() with the certificate's `#sha256=` fragment when serving wss://.
    QString hostServerUrl() const;
    QStringList hostAddresses() const;
    QString defaultServer() const;
    QString sessionLocation() const;
    /// Whether the connection is to this computer's own hosting server.
    bool isOnOwnServer() const;
    QString userId() const;
    GroupSession *currentSession() const { return m_currentSession; }
    SessionListModel *sessions() const;
    SessionListSortModel *sessionsByActivity() const { return m_sessionsByActivity; }
    int unreadTotal() const { return m_unread->total(); }
    AppSettings *appSettings() const { return m_appSettings; }
    UnreadTracker *unread() const { return m_unread; }
    /// Where desktop notifications go (tests spy on its notificationRequested).
    Notifier *notifier() const { return m_notifier; }
    bool windowActive() const { return m_windowActive; }
    void setWindowActive(bool active);
    bool currentSessionMuted() const;
    void setCurrentSessionMuted(bool muted);

    /// The server to host sessions with (not owned; it outlives this controller). Set before
    /// QML loads: canHost does not change afterwards.
    void setHosting(SessionHosting *hosting);
    void setSessionTitle(const QString &title) { m_defaultTitle = title; }
    QString pendingInviteLink() const { return m_pendingInviteLink; }
    /// Set before QML loads.
    void setPendingInviteLink(const QString &link)
    {
        m_pendingInviteLink = link.trimmed();
        Q_EMIT pendingInviteLinkChanged();
    }
    /// How long a first connection may take before it fails (default 10 s; tests shorten it).
    void setConnectTimeoutMs(int ms) { m_service->setHandshakeTimeoutMs(ms); }
    /// How long a refused request's error stays when nothing succeeds after it (default 10 s).
    void setRequestErrorTimeoutMs(int ms) { m_requestErrorExpiry.setInterval(ms); }

    QString helpyEndpoint() const;
    QString helpyModel() const;
    bool helpyKeySet() const { return !m_helpyKey.isEmpty(); }
    bool helpyKeyKeptSafely() const;
    /// Sets the hosted Helpy tutors' model; an empty `apiKey` keeps the one set before.
    Q_INVOKABLE void setHelpyBackend(
        const QString &endpoint, const QString &model, const QString &apiKey);

    /// Starts the hosting server, connects to it and opens the session of that title: the
    /// one hosted already (no duplicate titles), else a new one.
    Q_INVOKABLE void hostSession(const QString &title);
    /// At launch, when this computer hosted before: hosts again on the same port and signs
    /// in to it, so its sessions are listed and their guests reconnect. False: nothing to do.
    Q_INVOKABLE bool resumeHosting();
    /// Connects to `serverUrl` (ws://host:port) and joins with `inviteCode`. Either may be a
    /// whole invite link (helpy://HOST:PORT/CODE): then the link says both.
    Q_INVOKABLE void join(const QString &serverUrl, const QString &inviteCode);
    /// Joins with an invite link, helpy://HOST:PORT/CODE.
    Q_INVOKABLE void joinLink(const QString &link);
    /// Whether `text` is meant as an invite link (starts with helpy:).
    Q_INVOKABLE bool isInviteLink(const QString &text) const;
    /// The server an invite link names (ws://HOST:PORT), for the Join box; empty when `text`
    /// is not a valid link.
    Q_INVOKABLE QString inviteLinkServer(const QString &text) const;
    /// The invite code of a link; empty when `text` is not a valid link.
    Q_INVOKABLE QString inviteLinkCode(const QString &text) const;
    /// The invite link of `code` on the current server; `address` (one of hostAddresses)
    /// picks the host's address, else the LAN one.
    Q_INVOKABLE QString inviteLink(const QString &code, const QString &address = {}) const;
    /// Joins with an invite code on the server already connected.
    Q_INVOKABLE void joinByCode(const QString &inviteCode);
    Q_INVOKABLE void createSession(const QString &title);
    Q_INVOKABLE void openSession(const QString &sessionId);
    /// Back to the session list (the session stays joined on the server).
    Q_INVOKABLE void closeSession();
    /// Renames a session of the list (owners); its members see the new title.
    Q_INVOKABLE void renameSession(const QString &sessionId, const QString &title);
    /// Deletes a session of the list for everyone (owners).
    Q_INVOKABLE void deleteSession(const QString &sessionId);
    Q_INVOKABLE void refreshSessions();
    /// Reconnects now: after a failure, or instead of waiting for the next attempt.
    Q_INVOKABLE void retry();
    /// Stops connecting or reconnecting at once: nothing retries until the user asks again.
    Q_INVOKABLE void cancelConnecting();
    Q_INVOKABLE void signOut();
    Q_INVOKABLE void clearError();
    Q_INVOKABLE void copyToClipboard(const QString &text);
    /// The answers to certificateConfirmationRequested(): trust the certificate shown (it is
    /// pinned and the connection goes on), or not (no connection).
    Q_INVOKABLE void acceptCertificate();
    Q_INVOKABLE void rejectCertificate();
    /// Mutes (or unmutes) a session's notifications.
    Q_INVOKABLE void setSessionMuted(const QString &sessionId, bool muted);
    /// "now", "5 min", the time, "Yesterday" or the date of `then`, as of `now`.
    Q_INVOKABLE QString relativeTime(const QDateTime &then, const QDateTime &now) const;

    QString language() const { return m_language; }
    QString spokenLanguage() const;
    /// Speaks `code` ("" the system's language, "en", "de") from now on, and remembers it
    /// (QSettings `ui/language`); the QML on screen is retranslated at once. An unknown code
    /// is refused (logged), the language stays.
    Q_INVOKABLE void setLanguage(const QString &code);

Q_SIGNALS:
    /// A link to join once a name is given (the command line, or a later launch).
    void pendingInviteLinkChanged();
    void displayNameChanged();
    void helpyBackendChanged();
    void lastServerChanged();
    void connectionStateChanged();
    void reconnectSecondsChanged();
    void signedInChanged();
    void busyChanged();
    void errorStringChanged();
    void hostingChanged();
    void currentSessionChanged();
    void languageChanged();
    /// Host mode is ready: others join with this server address (wss://…#sha256=HEX when it
    /// serves TLS, which join() pins) and code.
    void hostedSessionReady(const QString &serverUrl, const QString &inviteCode);
    /// A short notice for the user (e.g. "Copied").
    void notice(const QString &text);
    /// The server at `address` shows a certificate never seen (trust on first use): the user
    /// compares its SHA-256 `fingerprint` (in groups of four) with the host's, then answers
    /// acceptCertificate() or rejectCertificate().
    void certificateConfirmationRequested(const QString &address, const QString &fingerprint);
    void unreadTotalChanged();
    void windowActiveChanged();
    void currentSessionMutedChanged();
    /// The user asked for the window (a notification was clicked): show and raise it.
    void raiseRequested();

private:
    void connectThen(const QUrl &url, bool useStoredToken, std::function<void()> then);
    void onWelcomed();
    void onServiceState(WebSocketService::State state);
    void onConnectionError(const QString &message);
    /// An error that lasts until its cause is gone (connected again, or a new attempt).
    void setError(const QString &message);
    /// A refused request's error: it goes with the next success, or after a while.
    void setRequestError(const QString &message);
    void setBusy(bool busy);
    /// ws://HOST:PORT or wss://…; a `#sha256=HEX` after it (from an invite link) is taken
    /// off into `fingerprint` (wss:// only). Invalid: an empty URL.
    static QUrl normalizedServerUrl(const QString &text, QString *fingerprint);
    /// Connects to this computer's hosting server, its own certificate pinned.
    void connectToOwnServer(std::function<void()> then);
    /// Opens the session titled `title` on the connected server, or creates it.
    void openOrCreate(const QString &title);
    /// Shows the tracker's state of a session in the session list.
    void showActivity(const QString &sessionId);
    void onMessageArrived(
        const QString &sessionId, const Protocol::MessagePreview &message, bool beingRead);

    std::unique_ptr<WebSocketService> m_service;
    SessionHosting *m_hosting = nullptr;
    QString m_helpyKey; ///< never written to settings or logs: only to the secret store
    SecretStore *m_secrets = nullptr;
    IdentityTokens m_tokens;
    QSettings m_settings;
    ReconnectCountdown *m_countdown = nullptr;
    SessionListLoader *m_sessionList = nullptr;
    SessionListSortModel *m_sessionsByActivity = nullptr;
    UnreadTracker *m_unread = nullptr;
    AppSettings *m_appSettings = nullptr;
    Notifier *m_notifier = nullptr;
    bool m_windowActive = true;
    QPointer<GroupSession> m_currentSession;
    QString m_displayName;
    QString m_errorString;
    QString m_defaultTitle;
    QString m_pendingInviteLink;
    bool m_signedIn = false;
    bool m_busy = false;
    bool m_hostedSessionAnnounced = false;
    bool m_errorFromRequest = false;
    QTimer m_requestErrorExpiry;
    std::function<void()> m_afterWelcome;
    UiLanguage *m_uiLanguage = nullptr;
    QString m_language;
    QPointer<QQmlEngine> m_engine; ///< the engine showing the UI: retranslated on a switch
};
