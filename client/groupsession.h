// SPDX-License-Identifier: MIT
#pragma once

#include "messagelistmodel.h"
#include "participantlistmodel.h"
#include "websocketservice.h"

#include <QDeadlineTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

class GroupSessionNotifier;

/**
 * @brief One open session as the UI sees it: its roster and chat models, the typing line,
 * and the actions a participant can take.
 *
 * Owns a GroupSessionNotifier (snapshot + in-order events, resume on a gap). The participant
 * list is a view of the notifier's roster, so GroupSession never changes its rows; it turns
 * the notifier's signals into the chat (messages, and a line for each roster event) and the
 * typing line. Requests go out through the shared WebSocketService; failures come back as
 * readable `errorOccurred` strings.
 */
class GroupSession : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Opened through the AppController")
    Q_PROPERTY(QString sessionId READ sessionId CONSTANT)
    Q_PROPERTY(QString title READ title NOTIFY titleChanged)
    Q_PROPERTY(bool loaded READ isLoaded NOTIFY loadedChanged)
    Q_PROPERTY(bool removed READ isRemoved NOTIFY removedChanged)
    Q_PROPERTY(QString myRole READ myRole NOTIFY myRoleChanged)
    Q_PROPERTY(bool canManage READ canManage NOTIFY myRoleChanged)
    Q_PROPERTY(bool isOwner READ isOwner NOTIFY myRoleChanged)
    /// Leaving is allowed by the rule book (a last owner's ownership passes on).
    Q_PROPERTY(bool canLeave READ canLeave NOTIFY canLeaveChanged)
    /// Adding a Helpy is allowed by the rule book (moderators and owners): it follows myRole.
    Q_PROPERTY(bool canAddHelpy READ canAddHelpy NOTIFY myRoleChanged)
    /// The session setting "Helpys answer questions" (docs/helpy.md); owners and moderators
    /// change it (the rule book's mayChangeSettings is the same as adding a Helpy).
    Q_PROPERTY(bool helpysAnswerQuestions READ helpysAnswerQuestions WRITE setHelpysAnswerQuestions
            NOTIFY helpysAnswerQuestionsChanged)
    /// Renaming and deleting the session are allowed by the rule book (owners).
    Q_PROPERTY(bool canRename READ canRename NOTIFY myRoleChanged)
    Q_PROPERTY(bool canDelete READ canDelete NOTIFY myRoleChanged)
    Q_PROPERTY(ParticipantListModel *participants READ participants CONSTANT)
    /// How many are in the session (in a large one, more than `participants` holds).
    Q_PROPERTY(int participantCount READ participantCount NOTIFY rosterSizeChanged)
    /// `participants` holds only the stage and you: a large session in summary.
    Q_PROPERTY(bool rosterPartial READ isRosterPartial NOTIFY rosterSizeChanged)
    Q_PROPERTY(MessageListModel *messages READ messages CONSTANT)
    Q_PROPERTY(QString typingText READ typingText NOTIFY typingTextChanged)
    Q_PROPERTY(QString inviteCode READ inviteCode NOTIFY inviteCodeChanged)
    /// The longest message text the server takes (Protocol::Limits: the server has no option
    /// for it, so the welcome does not carry it).
    Q_PROPERTY(int maxMessageLength READ maxMessageLength CONSTANT)
    /// "New since you left": the first message by someone else the user had not read when the
    /// page opened (empty: none). The page puts its marker before it.
    Q_PROPERTY(QString firstUnreadMessageId READ firstUnreadMessageId NOTIFY firstUnreadChanged)

public:
    GroupSession(WebSocketService *service, const QString &sessionId, QObject *parent = nullptr);
    ~GroupSession() override;

    QString sessionId() const { return m_sessionId; }
    QString title() const { return m_title; }
    bool isLoaded() const { return m_loaded; }
    bool isRemoved() const { return m_removed; }
    QString myRole() const { return m_participants->myRole(); }
    bool canManage() const { return m_participants->isManager(); }
    bool canLeave() const { return m_participants->selfMayLeave(); }
    bool canAddHelpy() const { return m_participants->selfMayAddHelpy(); }
    bool helpysAnswerQuestions() const;
    void setHelpysAnswerQuestions(bool on);
    bool isOwner() const { return myRole() == QLatin1String("owner"); }
    bool canRename() const;
    bool canDelete() const;
    int maxMessageLength() const { return int(Protocol::Limits {}.maxTextLength); }
    ParticipantListModel *participants() const { return m_participants; }
    int participantCount() const;
    bool isRosterPartial() const;
    MessageListModel *messages() const { return m_messages; }
    QString typingText() const { return m_typingText; }
    QString inviteCode() const { return m_inviteCode; }
    QString firstUnreadMessageId() const { return m_firstUnreadMessageId; }
    /// The first revision not read when the page opened (0: everything was read).
    void setFirstUnreadRevision(qint64 revision);

    /// Joins (first time: snapshot) or resumes the session on the service's connection.
    Q_INVOKABLE void join();
    /// Adds a Helpy tutor; `subject` and `instructions` may be empty.
    Q_INVOKABLE void addHelpy(
        const QString &displayName, const QString &subject = {}, const QString &instructions = {});
    /// Adds a person by their userId.
    Q_INVOKABLE void addParticipant(const QString &userId);
    Q_INVOKABLE void removeParticipant(const QString &participantId);
    /// `role` is "owner", "moderator" or "member".
    Q_INVOKABLE void setRole(const QString &participantId, const QString &role);
    Q_INVOKABLE void sendMessage(const QString &text);
    /// Call on every edit of the input; sends typing on/off at a bounded rate.
    Q_INVOKABLE void setTyping(bool typing);
    Q_INVOKABLE void leave();
    /// The code comes back through inviteCode / inviteCreated.
    Q_INVOKABLE void createInvite();
    /// Gives the session a new title (owners); every member sees it through session_renamed.
    Q_INVOKABLE void rename(const QString &title);
    /// Deletes the session for everyone (owners): closed() follows with a notice.
    Q_INVOKABLE void deleteSession();
    /// Loads everyone of a large session whose roster came in summary (rosterPartial).
    Q_INVOKABLE void requestFullRoster();
    /// The display name of a participant, including ones who have left.
    Q_INVOKABLE QString nameOf(const QString &participantId) const;

Q_SIGNALS:
    void firstUnreadChanged();
    void rosterSizeChanged();
    void titleChanged();
    void loadedChanged();
    void removedChanged();
    void myRoleChanged();
    void canLeaveChanged();
    void typingTextChanged();
    void helpysAnswerQuestionsChanged();
    void inviteCodeChanged();
    void inviteCreated(const QString &inviteCode);
    /// A readable message for the user (a refused request, …).
    void errorOccurred(const QString &message);
    /// The local user left (leave() acknowledged) or was removed, or the session was deleted.
    void closed(const QString &reason);

private:
    bool isFirstUnread(const Protocol::ChatMessage &message) const;
    /// A reply handler that reports a failure as `what` with %1 = the server's message.
    WebSocketService::ReplyHandler reportFailure(const QString &what);
    void onInviteReply(const WebSocketService::Reply &reply);
    /// Shows a snapshot's state (chat, title); not yet `loaded`, see setLoaded().
    void showSnapshot(const Protocol::SessionSnapshot &snapshot);
    void onSnapshot(const Protocol::SessionSnapshot &snapshot);
    /// The page may show the state: it is no older than the server's when we asked.
    void setLoaded();
    void onConnectionStateChanged(WebSocketService::State state);
    void onParticipantChanged(const Protocol::ParticipantChangeEvent &event);
    void onMembershipEntry(const Protocol::MembershipEntry &entry);
    MessageListModel::Entry lineOf(const Protocol::MembershipEntry &entry) const;
    QString lineText(const Protocol::MembershipEntry &entry) const;
    MessageListModel::Entry entryOf(const Protocol::ChatMessage &message);
    void onMessage(const Protocol::ChatMessage &message);
    void onTyping(const QString &participantId, bool typing);
    void onMessageDelta(const Protocol::MessageDelta &delta);
    /// Drops the Helpy's draft if no message replaced it (it stopped, or left).
    void dropDraftOf(const QString &helpyId);
    bool isHelpy(const QString &participantId) const;
    void onRemoved(Protocol::ParticipantChangeEvent::Reason reason);
    void onRenamed(const Protocol::SessionRenamedEvent &event);
    void onDeleted(const Protocol::SessionDeletedEvent &event);
    void setLocalUserId(const QString &userId);
    /// Rows leaving the roster: their names stay for the chat, their messages say "(left)".
    void rememberFormerNames(int firstRow, int lastRow);
    void forgetFormerNames(int firstRow, int lastRow);
    void updateTypingText();
    void expireTyping();
    void sendTyping(bool typing);

    QPointer<WebSocketService> m_service;
    QString m_sessionId;
    GroupSessionNotifier *m_notifier = nullptr;
    ParticipantListModel *m_participants = nullptr;
    MessageListModel *m_messages = nullptr;
    QString m_title;
    bool m_loaded = false;
    bool m_removed = false;
    QString m_inviteCode;
    qint64 m_firstUnreadRevision = 0;
    QString m_firstUnreadMessageId;
    // Names of those who left (the roster has the others'), for their old chat lines.
    QHash<QString, QString> m_formerNames;

    QHash<QString, QDeadlineTimer> m_typing; // remote participant → when to forget it
    QHash<QString, QString> m_drafts; // Helpy → the draftId of the answer it is writing
    QString m_typingText;
    QTimer m_typingExpiry;
    bool m_sentTyping = false;
    QDeadlineTimer m_typingResend;
    QTimer m_typingIdle;
};
