// SPDX-License-Identifier: MIT
#include "appcontroller.h"

#include "certificatepins.h"
#include "colorscheme.h"
#include "errortext.h"
#include "groupsession.h"
#include "invitelink.h"
#include "notificationpolicy.h"
#include "notifier.h"
#include "reconnectcountdown.h"
#include "secretstore.h"
#include "sessionhosting.h"
#include "sessionlistloader.h"
#include "sessionlistmodel.h"
#include "uilanguage.h"
#include "websocketservice.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QHostAddress>
#include <QLoggingCategory>
#include <QQmlEngine>

#include <algorithm>

Q_LOGGING_CATEGORY(lcApp, "helpy.app", QtInfoMsg)

using namespace Protocol;

namespace {
AppController *s_instance = nullptr;
constexpr qsizetype MaxNameLength = 100;
} // namespace

AppController::AppController(QObject *parent)
    : QObject(parent)
    , m_service(std::make_unique<WebSocketService>())
    , m_countdown(new ReconnectCountdown(m_service.get(), this))
    , m_sessionList(new SessionListLoader(m_service.get(), this))
{
    Q_ASSERT(!s_instance);
    s_instance = this;
    m_secrets = new SecretStore(
        QStringLiteral("Helpy Desktop"), QStringLiteral("helpy-tutors-key"), this);
    connect(m_secrets, &SecretStore::availableChanged, this, &AppController::helpyBackendChanged);
    m_secrets->read([this](const QString &key) {
        if (key.isEmpty() || !m_helpyKey.isEmpty())
            return;
        m_helpyKey = key;
        if (m_hosting)
            m_hosting->setHelpyBackend(helpyEndpoint(), helpyModel(), m_helpyKey);
        Q_EMIT helpyBackendChanged();
    });
    m_displayName = m_settings.value(QStringLiteral("displayName")).toString();
    m_uiLanguage = new UiLanguage(this);
    m_language = m_settings.value(QStringLiteral("ui/language")).toString();
    if (!UiLanguage::isValidCode(m_language))
        m_language.clear();
    m_uiLanguage->apply(m_language);
    // Translated before any translator was installed: set again in the language spoken.
    m_defaultTitle = tr("Study session");

    // Unread counts, the list's previews and notifications: what the connection hears of
    // every session, not only the open one.
    m_sessionsByActivity = new SessionListSortModel(m_sessionList->model(), this);
    m_unread = new UnreadTracker(m_service.get(), this);
    m_appSettings = new AppSettings(this);
    m_notifier = new DesktopNotifier(this);
    connect(m_sessionList, &SessionListLoader::listArrived, this, [this] {
        m_sessionList->model()->setLocalUserId(m_service->userId());
        m_sessionList->model()->setHosted(isOnOwnServer());
        m_unread->setSessions(m_sessionList->sessions());
        for (const SessionSummary &s : m_sessionList->sessions())
            showActivity(s.sessionId);
    });
    connect(m_unread, &UnreadTracker::sessionChanged, this, [this](const QString &sessionId) {
        showActivity(sessionId);
        if (m_currentSession && m_currentSession->sessionId() == sessionId)
            Q_EMIT currentSessionMutedChanged();
    });
    connect(m_unread, &UnreadTracker::totalChanged, this, &AppController::unreadTotalChanged);
    connect(m_unread, &UnreadTracker::messageArrived, this, &AppController::onMessageArrived);
    connect(m_notifier, &Notifier::activated, this, [this](const QString &sessionId) {
        openSession(sessionId);
        Q_EMIT raiseRequested();
    });
    connect(m_appSettings, &AppSettings::themeChanged, this,
        [this] { applyColorScheme(m_appSettings->theme()); });
    // One language setting (`ui/language`): the settings dialog's choice switches the UI now.
    connect(m_appSettings, &AppSettings::languageChanged, this,
        [this] { setLanguage(m_appSettings->language()); });

    connect(m_service.get(), &WebSocketService::welcomed, this, &AppController::onWelcomed);
    connect(m_service.get(), &WebSocketService::stateChanged, this, &AppController::onServiceState);
    connect(
        m_service.get(), &WebSocketService::errorOccurred, this, &AppController::onConnectionError);
    connect(m_service.get(), &WebSocketService::certificateConfirmationNeeded, this,
        [this](const QString &address, const QString &fingerprint) {
            Q_EMIT certificateConfirmationRequested(address, CertificatePins::grouped(fingerprint));
        });
    connect(m_countdown, &ReconnectCountdown::secondsChanged, this,
        &AppController::reconnectSecondsChanged);
    // The list shows titles and only live sessions: keep it in step with the events.
    connect(
        m_service.get(), &WebSocketService::sessionRenamed, this, &AppController::refreshSessions);
    connect(m_service.get(), &WebSocketService::sessionDeleted, this,
        [this](const SessionDeletedEvent &event) {
            m_sessionList->model()->remove(event.sessionId);
            refreshSessions();
        });

    // A refused request's error is news until something works again, or for a while.
    m_requestErrorExpiry.setSingleShot(true);
    m_requestErrorExpiry.setInterval(10000);
    connect(&m_requestErrorExpiry, &QTimer::timeout, this, [this] {
        if (m_errorFromRequest)
            clearError();
    });
    connect(m_service.get(), &WebSocketService::acknowledged, this, [this] {
        if (m_errorFromRequest)
            clearError();
    });
}

AppController::~AppController()
{
    // Sessions talk to the service; the service must outlive them.
    delete m_currentSession;
    m_service.reset();
    if (s_instance == this)
        s_instance = nullptr;
}

AppController *AppController::instance()
{
    return s_instance;
}

AppController *AppController::create(QQmlEngine *qmlEngine, QJSEngine *)
{
    Q_ASSERT_X(s_instance, "AppController::create", "make the AppController before loading QML");
    if (s_instance)
        s_instance->m_engine = qmlEngine;
    QJSEngine::setObjectOwnership(s_instance, QJSEngine::CppOwnership);
    return s_instance;
}

void AppController::setHosting(SessionHosting *hosting)
{
    m_hosting = hosting;
    m_tokens.setHosting(hosting);
    if (m_hosting)
        m_hosting->setHelpyBackend(helpyEndpoint(), helpyModel(), m_helpyKey);
}

bool AppController::helpyKeyKeptSafely() const
{
    return m_secrets->available();
}

QString AppController::helpyEndpoint() const
{
    return m_settings.value(QStringLiteral("helpy/endpoint")).toString();
}

QString AppController::helpyModel() const
{
    return m_settings.value(QStringLiteral("helpy/model")).toString();
}

void AppController::setHelpyBackend(
    const QString &endpoint, const QString &model, const QString &apiKey)
{
    const QString url = endpoint.trimmed();
    if (!url.isEmpty()) {
        const QUrl parsed(url, QUrl::StrictMode);
        if (!parsed.isValid()
            || (parsed.scheme() != QLatin1String("http")
                && parsed.scheme() != QLatin1String("https"))) {
            setError(tr("The tutor model's address must start with http:// or https://"));
            return;
        }
    }
    m_settings.setValue(QStringLiteral("helpy/endpoint"), url);
    m_settings.setValue(QStringLiteral("helpy/model"), model.trimmed());
    if (!apiKey.isEmpty()) {
        m_helpyKey = apiKey.trimmed();
        m_secrets->write(m_helpyKey, [this](bool) { Q_EMIT helpyBackendChanged(); });
    }
    if (m_hosting)
        m_hosting->setHelpyBackend(url, model.trimmed(), m_helpyKey);
    Q_EMIT helpyBackendChanged();
}

void AppController::setDisplayName(const QString &name)
{
    const QString simplified = name.simplified().left(MaxNameLength);
    if (simplified == m_displayName)
        return;
    m_displayName = simplified;
    m_settings.setValue(QStringLiteral("displayName"), m_displayName);
    Q_EMIT displayNameChanged();
}

QString AppController::lastServer() const
{
    return m_settings.value(QStringLiteral("lastServer")).toString();
}

int AppController::reconnectSeconds() const
{
    return m_countdown->seconds();
}

QString AppController::serverAddress() const
{
    return m_service->serverUrl().toString();
}

bool AppController::isHosting() const
{
    return m_hosting && m_hosting->isListening();
}

QString AppController::hostAddress() const
{
    // The app listens on every interface: name the one others reach it at, not 127.0.0.1.
    if (!isHosting())
        return {};
    QUrl url = m_hosting->url();
    url.setHost(InviteLink::preferredLocalAddress());
    return url.toString();
}

QString AppController::hostServerUrl() const
{
    QUrl url(hostAddress());
    if (const QString fingerprint = m_hosting ? m_hosting->certificateFingerprint() : QString();
        !url.isEmpty() && !fingerprint.isEmpty())
        url.setFragment(QStringLiteral("sha256=") + fingerprint);
    return url.toString();
}

QStringList AppController::hostAddresses() const
{
    QStringList addresses;
    if (!isHosting())
        return addresses;
    const auto locals = InviteLink::localAddresses();
    for (const QString &address : locals)
        addresses << QStringLiteral("%1:%2").arg(address).arg(m_hosting->port());
    return addresses;
}

QString AppController::defaultServer() const
{
    const QString last = lastServer();
    if (!last.isEmpty())
        return last;
    if (isHosting()) // ws:// or wss://, as this computer serves
        return m_hosting->url().adjusted(QUrl::RemovePath).toString();
    const quint16 port
        = m_hosting && m_hosting->port() ? m_hosting->port() : InviteLink::DefaultPort;
    return QStringLiteral("ws://127.0.0.1:%1").arg(port);
}

bool AppController::isOnOwnServer() const
{
    if (!isHosting() || m_service->state() == WebSocketService::State::Disconnected)
        return false;
    const QUrl url = m_service->serverUrl();
    return url.port() == m_hosting->port() && QHostAddress(url.host()).isLoopback();
}

QString AppController::sessionLocation() const
{
    if (m_service->state() == WebSocketService::State::Disconnected)
        return {};
    if (isOnOwnServer()) {
        return tr("Hosted on this computer at %1:%2")
            .arg(InviteLink::preferredLocalAddress())
            .arg(m_hosting->port());
    }
    const QUrl url = m_service->serverUrl();
    return tr("Hosted on %1")
        .arg(InviteLink(url.host(), quint16(url.port(InviteLink::DefaultPort)), {}).address());
}

bool AppController::isInviteLink(const QString &text) const
{
    return InviteLink::looksLikeLink(text);
}

QString AppController::inviteLinkServer(const QString &text) const
{
    // The fingerprint rides along in the fragment: join() pins it (normalizedServerUrl).
    const InviteLink link = InviteLink::parse(text);
    QUrl url = link.serverUrl();
    if (!link.fingerprint().isEmpty())
        url.setFragment(QStringLiteral("sha256=") + link.fingerprint());
    return url.toString();
}

QString AppController::inviteLinkCode(const QString &text) const
{
    const InviteLink link = InviteLink::parse(text);
    return link.isValid() ? link.code() : QString();
}

QString AppController::inviteLink(const QString &code, const QString &address) const
{
    if (code.isEmpty() || m_service->state() == WebSocketService::State::Disconnected)
        return {};
    if (isOnOwnServer()) {
        // address: "HOST:PORT" as hostAddresses() lists them; the port is ours anyway.
        QString host = address.isEmpty() ? InviteLink::preferredLocalAddress() : address;
        if (const qsizetype colon = host.lastIndexOf(QLatin1Char(':')); colon > 0)
            host.truncate(colon);
        const QString fingerprint = m_hosting->certificateFingerprint();
        return fingerprint.isEmpty()
            ? InviteLink(host, m_hosting->port(), code).toString()
            : InviteLink::secure(host, m_hosting->port(), code, fingerprint).toString();
    }
    const QUrl url = m_service->serverUrl();
    const InviteLink plain(url.host(), quint16(url.port(InviteLink::DefaultPort)), code);
    if (url.scheme() != QLatin1String("wss"))
        return plain.toString();
    // The pin this app trusts goes on: the next guest need not confirm it.
    return InviteLink::secure(
        plain.host(), plain.port(), code, CertificatePins().pin(plain.address()))
        .toString();
}

QString AppController::userId() const
{
    return m_service->userId();
}

SessionListModel *AppController::sessions() const
{
    return m_sessionList->model();
}

void AppController::onConnectionError(const QString &message)
{
    if (m_signedIn) {
        // The banner shows the reconnect countdown; the detail is in the log.
        if (m_service->state() != WebSocketService::State::Reconnecting)
            setError(message);
        return;
    }
    // Signing in to a server that is not there: say so instead of retrying for ever.
    m_afterWelcome = {};
    m_service->disconnectFromServer();
    setBusy(false);
    setError(message);
}

void AppController::setError(const QString &message)
{
    if (!message.isEmpty())
        qCInfo(lcApp) << "error shown:" << message;
    m_errorFromRequest = false;
    m_requestErrorExpiry.stop();
    if (m_errorString == message)
        return;
    m_errorString = message;
    Q_EMIT errorStringChanged();
}

void AppController::setRequestError(const QString &message)
{
    setError(message);
    m_errorFromRequest = true;
    m_requestErrorExpiry.start();
}

void AppController::clearError()
{
    setError({});
}

void AppController::setBusy(bool busy)
{
    if (m_busy == busy)
        return;
    m_busy = busy;
    Q_EMIT busyChanged();
}

QUrl AppController::normalizedServerUrl(const QString &text, QString *fingerprint)
{
    QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return {};
    if (!trimmed.contains(QLatin1String("://")))
        trimmed.prepend(QLatin1String("ws://"));
    QUrl url(trimmed, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty()
        || (url.scheme() != QLatin1String("ws") && url.scheme() != QLatin1String("wss")))
        return {};
    const QString fragment = url.fragment();
    if (fragment.startsWith(QLatin1String("sha256="))) {
        *fingerprint = CertificatePins::normalized(fragment.mid(7));
        if (fingerprint->isEmpty() || url.scheme() != QLatin1String("wss"))
            return {};
    }
    url.setFragment({});
    return url;
}

void AppController::connectThen(const QUrl &url, bool useStoredToken, std::function<void()> then)
{
    if (m_displayName.isEmpty()) {
        setError(tr("Please enter your name first."));
        return;
    }
    clearError();
    const bool sameConnection = m_service->state() == WebSocketService::State::Connected
        && m_service->serverUrl().adjusted(QUrl::RemovePath) == url.adjusted(QUrl::RemovePath)
        && m_service->displayName() == m_displayName;
    if (sameConnection) {
        then();
        return;
    }
    m_afterWelcome = std::move(then);
    setBusy(true);
    const QString token = useStoredToken ? m_tokens.token(url, m_displayName) : QString();
    m_service->connectToServer(url, m_displayName, token);
}

void AppController::onWelcomed()
{
    m_tokens.remember(m_service->serverUrl(), m_displayName, m_service->token());
    // Also when signed in already: the userId may differ on another server.
    m_signedIn = true;
    Q_EMIT signedInChanged();
    clearError();
    refreshSessions();
    if (auto then = std::exchange(m_afterWelcome, {})) {
        then();
    } else {
        setBusy(false);
    }
}

void AppController::onServiceState(WebSocketService::State state)
{
    if (state == WebSocketService::State::Disconnected) {
        setBusy(false);
        m_afterWelcome = {};
    }
    Q_EMIT connectionStateChanged();
}

void AppController::hostSession(const QString &title)
{
    if (!m_hosting) {
        setError(tr("This build cannot host sessions; join one instead."));
        return;
    }
    if (m_displayName.isEmpty()) {
        setError(tr("Please enter your name first."));
        return;
    }
    if (!m_hosting->isListening()) {
        if (!m_hosting->listen()) {
            setError(tr("Could not host a session on port %1: %2")
                         .arg(m_hosting->port())
                         .arg(m_hosting->errorString()));
            return;
        }
        Q_EMIT hostingChanged();
    }
    const QString sessionTitle = title.simplified().isEmpty() ? m_defaultTitle : title.simplified();
    m_hostedSessionAnnounced = false;
    // The hosted server keeps identities on disk: come back as the same user.
    connectToOwnServer([this, sessionTitle] { openOrCreate(sessionTitle); });
}

void AppController::connectToOwnServer(std::function<void()> then)
{
    const QUrl url = m_hosting->url();
    // Our own certificate: pinned, never asked about (a new one replaces the old pin).
    if (const QString fingerprint = m_hosting->certificateFingerprint(); !fingerprint.isEmpty())
        CertificatePins().setPin(
            InviteLink(url.host(), quint16(url.port()), {}).address(), fingerprint);
    connectThen(url, true, std::move(then));
}

void AppController::openOrCreate(const QString &title)
{
    setBusy(true);
    // The list as it is now (the one asked for at sign-in may not have arrived yet).
    m_sessionList->refresh([this, title] {
        const auto &sessions = m_sessionList->sessions();
        const auto same = std::find_if(
            sessions.cbegin(), sessions.cend(), [&title](const SessionSummary &session) {
                return session.title.simplified().compare(title, Qt::CaseInsensitive) == 0;
            });
        if (same == sessions.cend()) {
            createSession(title);
            return;
        }
        qCInfo(lcApp) << "hosting" << same->sessionId << "again:" << title << "exists already";
        setBusy(false);
        openSession(same->sessionId);
    });
}

bool AppController::resumeHosting()
{
    if (!m_hosting || !m_hosting->hasHostedBefore() || m_displayName.isEmpty())
        return false;
    if (!m_hosting->isListening()) {
        if (!m_hosting->listen()) {
            setError(tr("Could not host your sessions again on port %1: %2")
                         .arg(m_hosting->port())
                         .arg(m_hosting->errorString()));
            return false;
        }
        Q_EMIT hostingChanged();
    }
    qCInfo(lcApp) << "hosting this computer's sessions again at" << hostAddress();
    connectToOwnServer([this] { setBusy(false); });
    return true;
}

void AppController::acceptCertificate()
{
    m_service->confirmCertificate(true);
}

void AppController::rejectCertificate()
{
    m_service->confirmCertificate(false);
}

void AppController::joinLink(const QString &link)
{
    const InviteLink invite = InviteLink::parse(link);
    if (!invite.isValid()) {
        setError(invite.errorString());
        return;
    }
    join(inviteLinkServer(link), invite.code());
}

void AppController::join(const QString &serverUrl, const QString &inviteCode)
{
    // A pasted link carries both the server and the code.
    if (InviteLink::looksLikeLink(inviteCode)) {
        joinLink(inviteCode);
        return;
    }
    if (InviteLink::looksLikeLink(serverUrl)) {
        joinLink(serverUrl);
        return;
    }
    QString fingerprint;
    const QUrl url = normalizedServerUrl(serverUrl, &fingerprint);
    if (!url.isValid()) {
        setError(tr("“%1” is not a server address; it looks like ws://host:port.").arg(serverUrl));
        return;
    }
    const QString code = inviteCode.trimmed();
    if (code.isEmpty()) {
        setError(tr("Please enter the invite code."));
        return;
    }
    if (!fingerprint.isEmpty()) {
        // Given by the host with the link: trusted from the first byte (a new link from the
        // host replaces an older pin, e.g. after they made a new certificate).
        const InviteLink where(url.host(), quint16(url.port(443)), {});
        CertificatePins().setPin(where.address(), fingerprint);
    }
    m_settings.setValue(QStringLiteral("lastServer"), url.toString());
    Q_EMIT lastServerChanged();
    connectThen(url, true, [this, code] { joinByCode(code); });
}

void AppController::joinByCode(const QString &inviteCode)
{
    setBusy(true);
    const QString code = inviteCode.trimmed();
    m_service->joinByInvite(code, [this, code](const WebSocketService::Reply &reply) {
        setBusy(false);
        if (!reply.ok) {
            setRequestError(
                tr("Could not join with code %1: %2").arg(code, ErrorText::reason(reply.error)));
            return;
        }
        if (const auto result = resultOf<JoinSessionResult>(reply.ack))
            openSession(result->sessionId);
        else
            qCWarning(lcApp) << "join_session ack without a readable result";
        refreshSessions();
    });
}

void AppController::createSession(const QString &title)
{
    setBusy(true);
    m_service->createSession(title, [this](const WebSocketService::Reply &reply) {
        setBusy(false);
        if (!reply.ok) {
            setRequestError(
                tr("Could not create the session: %1").arg(ErrorText::reason(reply.error)));
            return;
        }
        if (const auto result = resultOf<CreateSessionResult>(reply.ack))
            openSession(result->sessionId);
        else
            qCWarning(lcApp) << "create_session ack without a readable result";
        refreshSessions();
    });
}

void AppController::openSession(const QString &sessionId)
{
    if (sessionId.isEmpty())
        return;
    if (m_currentSession && m_currentSession->sessionId() == sessionId)
        return;
    auto *session = new GroupSession(m_service.get(), sessionId, this);
    connect(session, &GroupSession::errorOccurred, this, &AppController::setRequestError);
    connect(session, &GroupSession::closed, this, [this, session](const QString &reason) {
        Q_EMIT notice(reason);
        if (m_currentSession == session)
            closeSession();
        refreshSessions();
    });
    // Managers get an invite code at once, so "Copy invite code" has one to copy.
    auto inviteWhenReady = [session] {
        if (session->isLoaded() && session->canManage() && session->inviteCode().isEmpty())
            session->createInvite();
    };
    connect(session, &GroupSession::loadedChanged, this, inviteWhenReady);
    connect(session, &GroupSession::myRoleChanged, this, inviteWhenReady);
    connect(session, &GroupSession::inviteCodeChanged, this, [this, session] {
        if (isHosting() && !m_hostedSessionAnnounced) {
            m_hostedSessionAnnounced = true;
            Q_EMIT hostedSessionReady(hostServerUrl(), session->inviteCode());
        }
    });
    if (!session->isLoaded())
        session->join();
    else
        inviteWhenReady();

    // "New since you left" starts after what was read; then the page reads what it shows.
    session->setFirstUnreadRevision(
        m_unread->unreadCount(sessionId) > 0 ? m_unread->lastReadRevision(sessionId) + 1 : 0);
    m_unread->setViewing(sessionId);

    GroupSession *previous = m_currentSession;
    m_currentSession = session;
    Q_EMIT currentSessionChanged();
    Q_EMIT currentSessionMutedChanged();
    if (previous)
        previous->deleteLater();
}

void AppController::showActivity(const QString &sessionId)
{
    m_sessionList->model()->setActivity(sessionId,
        SessionListModel::Activity { m_unread->unreadCount(sessionId), m_unread->isMuted(sessionId),
            m_unread->lastMessage(sessionId) });
}

void AppController::onMessageArrived(
    const QString &sessionId, const MessagePreview &message, bool beingRead)
{
    const NotificationPolicy::Situation situation { m_appSettings->notificationsEnabled(),
        m_unread->isMuted(sessionId), beingRead };
    if (!NotificationPolicy::shouldNotify(message.text, m_displayName, situation))
        return;
    QString title;
    for (const SessionSummary &s : m_sessionList->sessions()) {
        if (s.sessionId == sessionId)
            title = s.title;
    }
    if (m_currentSession && m_currentSession->sessionId() == sessionId)
        title = m_currentSession->title();
    if (title.isEmpty())
        title = tr("Helpy");
    const QString author = message.authorName.isEmpty() ? tr("Someone") : message.authorName;
    m_notifier->notify(sessionId, title, tr("%1: %2").arg(author, message.text));
}

void AppController::setWindowActive(bool active)
{
    if (m_windowActive == active)
        return;
    m_windowActive = active;
    m_unread->setWindowActive(active);
    Q_EMIT windowActiveChanged();
}

bool AppController::currentSessionMuted() const
{
    return m_currentSession && m_unread->isMuted(m_currentSession->sessionId());
}

void AppController::setCurrentSessionMuted(bool muted)
{
    if (m_currentSession)
        setSessionMuted(m_currentSession->sessionId(), muted);
}

void AppController::setSessionMuted(const QString &sessionId, bool muted)
{
    m_unread->setMuted(sessionId, muted);
}

QString AppController::relativeTime(const QDateTime &then, const QDateTime &now) const
{
    return NotificationPolicy::relativeTime(then, now);
}

void AppController::closeSession()
{
    GroupSession *previous = m_currentSession;
    if (!previous)
        return;
    m_unread->setViewing({});
    m_currentSession = nullptr;
    Q_EMIT currentSessionChanged();
    previous->deleteLater();
    refreshSessions(); // what changed while the page was open (titles, deleted sessions)
}

void AppController::renameSession(const QString &sessionId, const QString &title)
{
    const QString simplified = title.simplified();
    if (sessionId.isEmpty() || simplified.isEmpty())
        return;
    m_service->renameSession(sessionId, simplified, [this](const WebSocketService::Reply &reply) {
        if (!reply.ok)
            setError(tr("Could not rename the session: %1").arg(reply.error.message));
        refreshSessions();
    });
}

void AppController::deleteSession(const QString &sessionId)
{
    if (sessionId.isEmpty())
        return;
    m_service->deleteSession(sessionId, [this, sessionId](const WebSocketService::Reply &reply) {
        if (!reply.ok) {
            setError(tr("Could not delete the session: %1").arg(reply.error.message));
            return;
        }
        m_sessionList->model()->remove(sessionId);
        Q_EMIT notice(tr("Session deleted."));
        refreshSessions();
    });
}

void AppController::refreshSessions()
{
    m_sessionList->refresh();
}

void AppController::retry()
{
    clearError();
    if (m_service->state() == WebSocketService::State::Reconnecting) {
        m_service->reconnectNow();
        return;
    }
    const QUrl url = m_service->serverUrl();
    if (!url.isValid() || m_service->state() != WebSocketService::State::Disconnected)
        return;
    m_service->connectToServer(url, m_displayName, m_service->token());
}

void AppController::cancelConnecting()
{
    qCInfo(lcApp) << "connecting cancelled by the user";
    m_afterWelcome = {};
    m_service->disconnectFromServer();
    setBusy(false);
    clearError();
}

void AppController::signOut()
{
    closeSession();
    m_unread->setViewing({});
    m_afterWelcome = {};
    m_service->disconnectFromServer();
    m_sessionList->clear();
    if (m_signedIn) {
        m_signedIn = false;
        Q_EMIT signedInChanged();
    }
}

void AppController::copyToClipboard(const QString &text)
{
    if (QClipboard *clipboard = QGuiApplication::clipboard()) {
        clipboard->setText(text);
        Q_EMIT notice(tr("Copied “%1” to the clipboard.").arg(text));
    }
}

QString AppController::spokenLanguage() const
{
    return m_uiLanguage->spoken();
}

void AppController::setLanguage(const QString &code)
{
    if (!UiLanguage::isValidCode(code)) {
        qCWarning(lcApp) << "no such UI language:" << code;
        return;
    }
    m_settings.setValue(QStringLiteral("ui/language"), code);
    if (code == m_language)
        return;
    m_language = code;
    m_appSettings->setLanguage(code); // the same key; the dialog shows it
    m_uiLanguage->apply(code);
    if (m_engine)
        m_engine->retranslate();
    Q_EMIT languageChanged();
    // Sentences made here on reading (sessionLocation) are read again in the new language.
    Q_EMIT connectionStateChanged();
}
