// SPDX-License-Identifier: MIT
#pragma once

#include "backoff.h"
#include "certificatepins.h"
#include "protocol.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QTimer>
#include <QUrl>
#include <QWebSocket>

#include <functional>

/**
 * @brief The client's one connection to a Helpy session server (protocol v1).
 *
 * Does `hello`, keeps the identity token, gives every request a requestId and matches its
 * answer, and turns the server's frames into Qt signals. It knows nothing of models or QML.
 * Lives on the thread that owns it (QWebSocket is asynchronous already).
 *
 * Survives the network once a session has been reached: a dropped or silent connection is
 * re-opened with exponential backoff and full jitter (0.5 s → 30 s), at once when the network
 * comes back; requests not yet answered stay in an outbox and are re-sent with their original
 * requestId after the sessions resumed, so the server applies each exactly once. A request
 * the server refuses as `unavailable` (its storage is away for a moment) is re-sent the same
 * way after a backoff (0.25 s → 4 s, jittered), silently, for up to unavailableRetryMs()
 * (UnavailableRetryMs by default); only then does it fail (ErrorText says why).
 *
 * The first connection after connectToServer() (before any `welcome`) is not retried: it
 * fails within the connect timeout (10 s by default) with one readable sentence through
 * errorOccurred() (nothing answers, not a Helpy server, refused, unknown host), and the
 * service is Disconnected. Qt's own wording goes only to the helpy.net log.
 *
 * wss:// certificates Qt cannot verify (self-signed) go by CertificatePins: a pinned one is
 * accepted, a changed one refused with a warning, and for an unknown one the attempt waits
 * for confirmCertificate() after certificateConfirmationNeeded(). Refused or unconfirmed,
 * the handshake never completes, so no hello (and no token) is sent.
 */
class WebSocketService : public QObject
{
    Q_OBJECT
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(QString userId READ userId NOTIFY welcomed)
    Q_PROPERTY(int reconnectDelayMs READ reconnectDelayMs NOTIFY reconnectScheduled)

public:
    /// How long a request refused `unavailable` is retried before it fails.
    static constexpr int UnavailableRetryMs = 60000;
    int unavailableRetryMs() const { return m_unavailableRetryMs; }
    void setUnavailableRetryMs(int ms) { m_unavailableRetryMs = ms; }

    /// Disconnected → Connecting → Connected → (drop) Reconnecting → Connecting → …
    enum class State { Disconnected, Connecting, Connected, Reconnecting };
    Q_ENUM(State)

    /// The one answer to a request: ok with the ack, or the error.
    struct Reply
    {
        bool ok = false;
        Protocol::Ack ack;
        Protocol::Error error;
    };
    using ReplyHandler = std::function<void(const Reply &)>;

    explicit WebSocketService(QObject *parent = nullptr);
    ~WebSocketService() override;

    /// Opens ws://…/v1 (the path is added when the URL has none) and sends hello.
    void connectToServer(const QUrl &url, const QString &displayName, const QString &token = {});
    /// Closes for good: no reconnect; requests still waiting fail.
    void disconnectFromServer();
    /// While reconnecting: try now instead of waiting for the backoff.
    void reconnectNow();
    /// Re-open dropped connections by themselves (default true).
    void setAutoReconnect(bool enabled) { m_autoReconnect = enabled; }
    /// The delay of the reconnect now scheduled (0 when none is).
    int reconnectDelayMs() const { return m_reconnectTimer.isActive() ? m_reconnectDelayMs : 0; }
    /// The optional features the next hello asks for (default: roster_summary).
    void setFeatures(const QStringList &features) { m_features = features; }
    /// The features the server granted in its last welcome.
    const QStringList &grantedFeatures() const { return m_grantedFeatures; }
    /// Abandon an open or a hello that takes longer than this (default 10 s). Before the
    /// address was reached, that is the bound after which connecting fails for good.
    void setHandshakeTimeoutMs(int ms) { m_handshakeTimer.setInterval(ms); }
    int handshakeTimeoutMs() const { return m_handshakeTimer.interval(); }

    State state() const;
    QString userId() const;
    QString token() const;
    QString displayName() const;
    QUrl serverUrl() const;

    // Requests. Each returns its requestId; `onReply` (optional) runs once with the answer.
    QString createSession(const QString &title, ReplyHandler onReply = {});
    /// `roster`: how much of a large session's roster to send (docs/protocol.md).
    QString joinSession(const QString &sessionId, ReplyHandler onReply = {},
        Protocol::RosterMode roster = Protocol::RosterMode::Default);
    QString joinByInvite(const QString &inviteCode, ReplyHandler onReply = {});
    /// Resume: the server sends the events after `sinceRevision`, or a snapshot.
    QString resumeSession(const QString &sessionId, const QString &epoch, qint64 sinceRevision,
        ReplyHandler onReply = {}, Protocol::RosterMode roster = Protocol::RosterMode::Default);
    QString leaveSession(const QString &sessionId, ReplyHandler onReply = {});
    /// Asks the server to add a participant (named as in the original feature).
    QString sendParticipantAdded(const QString &sessionId, Protocol::ParticipantType type,
        const QString &participantId, const QString &displayName, ReplyHandler onReply = {});
    /// Asks the server to add a new Helpy tutor with its subject and instructions.
    QString addHelpy(const QString &sessionId, const QString &displayName, const QString &subject,
        const QString &instructions, ReplyHandler onReply = {});
    /// Asks the server to remove a participant (yourself = leave).
    QString sendParticipantRemoved(
        const QString &sessionId, const QString &participantId, ReplyHandler onReply = {});
    QString setRole(const QString &sessionId, const QString &participantId, Protocol::Role role,
        ReplyHandler onReply = {});
    QString createInvite(const QString &sessionId, ReplyHandler onReply = {});
    QString renameSession(
        const QString &sessionId, const QString &title, ReplyHandler onReply = {});
    QString deleteSession(const QString &sessionId, ReplyHandler onReply = {});
    QString listSessions(ReplyHandler onReply = {});
    QString sendMessage(const QString &sessionId, const QString &text, ReplyHandler onReply = {});
    void setTyping(const QString &sessionId, bool typing);

    /// Sends any request frame (its requestId is filled in when empty).
    QString sendRequest(Protocol::ClientFrame frame, ReplyHandler onReply = {});

    /// Answers certificateConfirmationNeeded(): accepted, the fingerprint is pinned and the
    /// attempt starts again; refused, it fails (errorOccurred) as a first connection does.
    void confirmCertificate(bool accepted);
    /// Requests sent and not yet answered.
    int pendingRequestCount() const;

    /// The last snapshot received for a session on this connection, so that an object
    /// created when a join is acked (the snapshot came just before the ack) can start from it.
    /// Only while it is the latest state received: an event of the session after it drops it.
    std::optional<Protocol::SessionSnapshot> lastSnapshot(const QString &sessionId) const;

Q_SIGNALS:
    void stateChanged(WebSocketService::State state);
    void welcomed(const Protocol::Welcome &welcome);
    void disconnected();
    /// The connection dropped; the next attempt starts in `delayMs`.
    void reconnectScheduled(int delayMs);
    /// A readable message for the user; details go to the helpy.net logging category.
    void errorOccurred(const QString &message);
    /// The server at `address` (HOST:PORT) shows a self-signed certificate never seen before:
    /// the user should compare `fingerprint` (SHA-256, hex) and answer confirmCertificate().
    void certificateConfirmationNeeded(const QString &address, const QString &fingerprint);

    void acknowledged(const Protocol::Ack &ack);
    void requestFailed(const Protocol::Error &error);

    void sessionSnapshotReceived(const Protocol::SessionSnapshot &snapshot);
    void participantChanged(const Protocol::ParticipantChangeEvent &event);
    void messageReceived(const Protocol::MessageEvent &event);
    void typingChanged(const Protocol::TypingEvent &event);
    void sessionDigestReceived(const Protocol::SessionDigest &digest);
    /// A large session's roster events up to a revision, summarised (roster_summary).
    void rosterSummaryReceived(const Protocol::RosterSummary &summary);
    /// A Helpy's answer while it is written (ephemeral).
    void messageDeltaReceived(const Protocol::MessageDelta &delta);
    void sessionSettingsChanged(const Protocol::SessionSettingsEvent &event);
    void sessionRenamed(const Protocol::SessionRenamedEvent &event);
    void sessionDeleted(const Protocol::SessionDeletedEvent &event);
    /// A message in a session this connection does not follow (not an event: no revision
    /// order to keep).
    void sessionActivityReceived(const Protocol::SessionActivity &activity);

private:
    void setState(State state);
    void forgetSnapshotBefore(const QString &sessionId, const QString &epoch, qint64 revision);
    void onTextMessage(const QString &text);
    void onConnected();
    void onDisconnected();
    void open();
    void scheduleReconnect(int delayMs);
    void onHeartbeat();
    void onNetworkReachable();
    void flushOutbox(const QList<QString> &requestIds);
    void onSocketError(QAbstractSocket::SocketError error);
    void onSslErrors(const QList<QSslError> &errors);
    /// The first connection failed: stop, fail the outbox and say why (once).
    void giveUp(const QString &message);
    void failPending();
    /// The one place that turns a socket failure into a sentence for the user.
    QString describeFailure(QAbstractSocket::SocketError error) const;
    /// The server turned this attempt away for load (rate_limited, or close 1013).
    bool refusedAsBusy() const;
    QString address() const;
    void dispatch(const Protocol::ServerFrame &frame);
    void finishRequest(const QString &requestId, const Reply &reply);
    /// Schedules the request again after an `unavailable`; false once it was retried long
    /// enough (or is not ours).
    bool retryWhenAvailable(const QString &requestId);
    QString nextRequestId();

    struct Pending
    {
        quint64 order = 0; ///< send order, kept across reconnects
        QString frameText;
        ReplyHandler onReply;
        bool sent = false;
        bool isResume = false; ///< dropped on reconnect: sessions resume afresh then
        int unavailableRefusals = 0;
        QElapsedTimer refusedSince; ///< the first `unavailable` answer
    };

    QWebSocket m_socket;
    State m_state = State::Disconnected;
    QUrl m_url;
    QString m_displayName;
    QString m_token;
    QString m_userId;
    QStringList m_features { QLatin1String(Protocol::Feature::RosterSummary) };
    QStringList m_grantedFeatures;
    QString m_requestPrefix;
    quint64 m_requestCounter = 0;
    QHash<QString, Pending> m_pending; ///< the outbox: every request not yet answered
    bool m_wantConnected = false;
    bool m_autoReconnect = true;
    bool m_reached = false; ///< a welcome came on this address since connectToServer()
    bool m_tcpConnected = false; ///< this attempt got a TCP connection (the upgrade went out)
    bool m_upgraded = false; ///< this attempt's WebSocket upgrade succeeded
    bool m_rateLimited = false; ///< this attempt got a rate_limited error for the connection
    bool m_replacing = false; ///< connectToServer() is dropping the previous connection
    int m_heartbeatSeconds = 0;
    int m_reconnectDelayMs = 0;
    Backoff m_backoff;
    int m_unavailableRetryMs = UnavailableRetryMs;
    QTimer m_reconnectTimer;
    QTimer m_handshakeTimer;
    QTimer m_heartbeatTimer;
    QElapsedTimer m_lastTraffic;
    QHash<QString, Protocol::SessionSnapshot> m_lastSnapshots;
    CertificatePins m_pins;
    QString m_unconfirmedFingerprint; ///< waiting for confirmCertificate() while not empty
    QString m_trustRefusal; ///< this attempt's certificate was refused: the sentence why
};
