// SPDX-License-Identifier: MIT
#include "groupsession.h"

#include "errortext.h"
#include "groupsessionnotifier.h"
#include "logging.h"
#include "rules.h"
#include "websocketservice.h"

#include <QUuid>

#include <algorithm>

using namespace Protocol;
using namespace std::chrono_literals;

namespace {
// A Helpy's draft that no message replaced this long after it stopped thinking is dropped
// (the message comes right after "stop", once stored).
constexpr auto DraftGrace = 5s;
// A remote "typing" is forgotten after this long without a refresh (its "stop" may be lost).
constexpr auto TypingTimeout = 8s;
// While typing, "typing: true" is repeated at most this often …
constexpr auto TypingResendInterval = 4s;
// … and "typing: false" goes out after this long without an edit.
constexpr auto TypingIdle = 3s;
} // namespace

GroupSession::GroupSession(WebSocketService *service, const QString &sessionId, QObject *parent)
    : QObject(parent)
    , m_service(service)
    , m_sessionId(sessionId)
    , m_notifier(new GroupSessionNotifier(service, sessionId, this))
    , m_participants(new ParticipantListModel(m_notifier->roster(), this))
    , m_messages(new MessageListModel(this))
{
    setLocalUserId(service->userId());
    connect(service, &WebSocketService::welcomed, this,
        [this](const Welcome &welcome) { setLocalUserId(welcome.userId); });
    connect(m_notifier, &GroupSessionNotifier::snapshotApplied, this, &GroupSession::onSnapshot);
    connect(m_notifier, &GroupSessionNotifier::caughtUp, this, &GroupSession::setLoaded);
    connect(
        service, &WebSocketService::stateChanged, this, &GroupSession::onConnectionStateChanged);
    connect(m_notifier, &GroupSessionNotifier::participantChanged, this,
        &GroupSession::onParticipantChanged);
    connect(m_notifier, &GroupSessionNotifier::membershipEntryAppended, this,
        &GroupSession::onMembershipEntry);
    connect(m_notifier, &GroupSessionNotifier::messageAppended, this, &GroupSession::onMessage);
    connect(m_notifier, &GroupSessionNotifier::typingChanged, this, &GroupSession::onTyping);
    connect(m_notifier, &GroupSessionNotifier::messageDeltaReceived, this,
        &GroupSession::onMessageDelta);
    connect(m_notifier, &GroupSessionNotifier::settingsChanged, this,
        &GroupSession::helpysAnswerQuestionsChanged);
    connect(m_notifier, &GroupSessionNotifier::removedFromSession, this, &GroupSession::onRemoved);
    connect(m_notifier, &GroupSessionNotifier::renamed, this, &GroupSession::onRenamed);
    connect(m_notifier, &GroupSessionNotifier::deleted, this, &GroupSession::onDeleted);
    connect(m_notifier, &GroupSessionNotifier::rosterSizeChanged, this,
        &GroupSession::rosterSizeChanged);
    connect(
        m_participants, &ParticipantListModel::myRoleChanged, this, &GroupSession::myRoleChanged);
    connect(m_participants, &ParticipantListModel::selfMayLeaveChanged, this,
        &GroupSession::canLeaveChanged);
    // Whoever leaves the roster, by an event or by a snapshot after a gap, keeps a name for
    // the chat lines about them. The rows are still there when these signals come.
    connect(m_participants, &QAbstractItemModel::rowsAboutToBeRemoved, this,
        [this](const QModelIndex &, int first, int last) { rememberFormerNames(first, last); });
    connect(m_participants, &QAbstractItemModel::modelAboutToBeReset, this,
        [this] { rememberFormerNames(0, m_participants->count() - 1); });
    connect(m_participants, &QAbstractItemModel::rowsInserted, this,
        [this](const QModelIndex &, int first, int last) { forgetFormerNames(first, last); });
    connect(m_participants, &QAbstractItemModel::modelReset, this,
        [this] { forgetFormerNames(0, m_participants->count() - 1); });
    // Whose mentions the chat highlights: the local user's name, as the roster has it.
    const auto showLocalName = [this] {
        if (const Participant *self = m_participants->roster().find(m_participants->localUserId()))
            m_messages->setLocalDisplayName(self->displayName);
    };
    connect(m_participants, &QAbstractItemModel::rowsInserted, this, showLocalName);
    connect(m_participants, &QAbstractItemModel::modelReset, this, showLocalName);
    connect(m_participants, &QAbstractItemModel::dataChanged, this, showLocalName);
    connect(service, &WebSocketService::welcomed, this, showLocalName);

    m_typingExpiry.setInterval(1s);
    connect(&m_typingExpiry, &QTimer::timeout, this, &GroupSession::expireTyping);
    m_typingIdle.setSingleShot(true);
    m_typingIdle.setInterval(TypingIdle);
    connect(&m_typingIdle, &QTimer::timeout, this, [this] { sendTyping(false); });

    // The notifier may start from the service's last snapshot (a join acked just before
    // this object existed, nothing since). It is shown, but the page is not `loaded` before
    // join() is answered: events the server had already sent may still be on their way.
    m_participants->setPresenceKnown(service->state() == WebSocketService::State::Connected);
    if (m_notifier->hasState()) {
        showSnapshot(SessionSnapshot { m_notifier->sessionId(), m_notifier->epoch(),
            m_notifier->revision(), m_notifier->title(), m_notifier->participants(),
            m_notifier->messages(), m_notifier->membership(), m_notifier->settings(),
            m_notifier->isRosterPartial(), m_notifier->participantCount(), {} });
    }
}

GroupSession::~GroupSession()
{
    // The participant list is a view of the notifier's roster: it goes first (children are
    // deleted in the order they were made, the notifier before it), so it never announces
    // an emptied list while the session is going away.
    delete m_participants;
}

void GroupSession::setLocalUserId(const QString &userId)
{
    if (userId.isEmpty())
        return;
    m_participants->setLocalUserId(userId);
    m_messages->setLocalUserId(userId);
}

void GroupSession::join()
{
    m_notifier->join();
}

QString GroupSession::nameOf(const QString &participantId) const
{
    if (const Participant *present = m_participants->roster().find(participantId))
        return present->displayName;
    return m_formerNames.value(participantId, participantId);
}

void GroupSession::rememberFormerNames(int first, int last)
{
    const Roster &roster = m_participants->roster();
    for (int row = first; row <= last; ++row) {
        const Participant &leaving = roster.at(row);
        m_formerNames.insert(leaving.id, leaving.displayName);
        m_messages->setAuthorLeft(leaving.id, true);
    }
}

void GroupSession::forgetFormerNames(int first, int last)
{
    const Roster &roster = m_participants->roster();
    for (int row = first; row <= last; ++row) {
        m_formerNames.remove(roster.at(row).id);
        m_messages->setAuthorLeft(roster.at(row).id, false);
    }
}

void GroupSession::showSnapshot(const SessionSnapshot &snapshot)
{
    // Messages and membership lines interleaved in revision order, as they happened.
    QList<std::pair<qint64, MessageListModel::Entry>> history;
    history.reserve(snapshot.messages.size() + snapshot.membership.size());
    for (const ChatMessage &m : snapshot.messages)
        history.append({ m.revision, entryOf(m) });
    for (const MembershipEntry &e : snapshot.membership)
        history.append({ e.revision, lineOf(e) });
    std::stable_sort(history.begin(), history.end(),
        [](const auto &a, const auto &b) { return a.first < b.first; });
    QList<MessageListModel::Entry> entries;
    entries.reserve(history.size());
    for (auto &[revision, entry] : history)
        entries.append(std::move(entry));
    m_messages->applySnapshot(entries);

    if (m_title != snapshot.title) {
        m_title = snapshot.title;
        Q_EMIT titleChanged();
    }
    if (m_removed) {
        m_removed = false;
        Q_EMIT removedChanged();
    }
}

void GroupSession::setFirstUnreadRevision(qint64 revision)
{
    m_firstUnreadRevision = revision;
    QString first;
    if (revision > 0) {
        for (const ChatMessage &m : m_notifier->messages()) {
            if (isFirstUnread(m)) {
                first = m.messageId;
                break;
            }
        }
    }
    if (first != m_firstUnreadMessageId) {
        m_firstUnreadMessageId = first;
        Q_EMIT firstUnreadChanged();
    }
}

bool GroupSession::isFirstUnread(const ChatMessage &m) const
{
    return m_firstUnreadRevision > 0 && m.revision >= m_firstUnreadRevision
        && m.kind == MessageKind::Chat && m.authorId != m_service->userId();
}

void GroupSession::onSnapshot(const SessionSnapshot &snapshot)
{
    // A snapshot that arrives now is the server's state as it sent it.
    showSnapshot(snapshot);
    setFirstUnreadRevision(m_firstUnreadRevision);
    setLoaded();
}

void GroupSession::setLoaded()
{
    m_participants->setPresenceKnown(true);
    if (!m_loaded) {
        m_loaded = true;
        Q_EMIT loadedChanged();
    }
}

void GroupSession::onConnectionStateChanged(WebSocketService::State state)
{
    // Others' presence is what the server last said; without a connection that is a guess.
    // It is known again when the session has caught up on the new connection (setLoaded).
    if (state != WebSocketService::State::Connected)
        m_participants->setPresenceKnown(false);
}

void GroupSession::onParticipantChanged(const ParticipantChangeEvent &event)
{
    // The rows changed already, and the chat line comes from the membership history.
    if (event.type != ParticipantChangeEvent::Type::Removed)
        return;
    if (m_typing.remove(event.participantId))
        updateTypingText();
    if (const QString draftId = m_drafts.take(event.participantId); !draftId.isEmpty())
        m_messages->dropDraft(draftId);
}

void GroupSession::onMembershipEntry(const MembershipEntry &entry)
{
    const MessageListModel::Entry line = lineOf(entry);
    m_messages->addSystemLine(line.id, line.text, line.timestamp);
}

MessageListModel::Entry GroupSession::lineOf(const MembershipEntry &entry) const
{
    MessageListModel::Entry line;
    // The same id for the live line and the snapshot's, so neither is shown twice.
    line.id = QStringLiteral("event:%1:%2").arg(m_notifier->epoch()).arg(entry.revision);
    line.text = lineText(entry);
    line.timestamp = entry.timestamp;
    line.isSystem = true;
    return line;
}

QString GroupSession::lineText(const MembershipEntry &entry) const
{
    // The names are the server's, as they were: never an id, even after they left.
    const QString who
        = entry.participantName.isEmpty() ? nameOf(entry.participantId) : entry.participantName;
    const QString &actor = entry.actorName;
    switch (entry.change) {
    case MembershipEntry::Change::Joined:
        return tr("%1 joined").arg(who);
    case MembershipEntry::Change::Added:
        return actor.isEmpty() ? tr("%1 was added").arg(who) : tr("%1 added %2").arg(actor, who);
    case MembershipEntry::Change::Left:
        return tr("%1 left").arg(who);
    case MembershipEntry::Change::Removed:
        return actor.isEmpty() ? tr("%1 was removed").arg(who)
                               : tr("%1 removed %2").arg(actor, who);
    case MembershipEntry::Change::RoleChanged:
        break;
    }
    switch (entry.role) {
    case Role::Owner:
        return actor.isEmpty() ? tr("%1 is now an owner").arg(who)
                               : tr("%1 made %2 an owner").arg(actor, who);
    case Role::Moderator:
        return actor.isEmpty() ? tr("%1 is now a moderator").arg(who)
                               : tr("%1 made %2 a moderator").arg(actor, who);
    case Role::Member:
        break;
    }
    return actor.isEmpty() ? tr("%1 is now a member").arg(who)
                           : tr("%1 made %2 a member").arg(actor, who);
}

MessageListModel::Entry GroupSession::entryOf(const ChatMessage &message)
{
    // The name the message was sent under; a log from before authorName falls back to ours.
    const QString name
        = message.authorName.isEmpty() ? nameOf(message.authorId) : message.authorName;
    if (!m_participants->roster().find(message.authorId))
        m_messages->setAuthorLeft(message.authorId, true);
    return MessageListModel::fromMessage(message, name);
}

void GroupSession::onMessage(const ChatMessage &message)
{
    m_messages->addMessage(entryOf(message));
    // The marker is where the unread part began when the page opened: the first of the
    // missed events a resume brings can be it; later messages are read as they come.
    if (!m_loaded && m_firstUnreadMessageId.isEmpty() && isFirstUnread(message)) {
        m_firstUnreadMessageId = message.messageId;
        Q_EMIT firstUnreadChanged();
    }
    if (!message.requestId.isEmpty() && m_drafts.value(message.authorId) == message.requestId)
        m_drafts.remove(message.authorId); // the draft became this message
    // Whoever sent a message has stopped typing it.
    if (m_typing.remove(message.authorId))
        updateTypingText();
}

void GroupSession::onMessageDelta(const MessageDelta &delta)
{
    if (!isHelpy(delta.participantId))
        return;
    m_drafts.insert(delta.participantId, delta.draftId);
    m_messages->updateDraft(
        delta.draftId, delta.participantId, nameOf(delta.participantId), delta.text);
}

bool GroupSession::helpysAnswerQuestions() const
{
    return m_notifier->settings().helpysAnswerQuestions;
}

void GroupSession::setHelpysAnswerQuestions(bool on)
{
    if (!m_service || on == helpysAnswerQuestions())
        return;
    m_service->sendRequest(SetSessionSettings { {}, m_sessionId, on },
        [self = QPointer<GroupSession>(this)](const WebSocketService::Reply &reply) {
            if (!self)
                return;
            if (!reply.ok)
                Q_EMIT self->errorOccurred(
                    tr("Could not change the setting: %1").arg(reply.error.message));
            // Shown as the server has it (the event, or unchanged after a refusal).
            Q_EMIT self->helpysAnswerQuestionsChanged();
        });
}

void GroupSession::dropDraftOf(const QString &helpyId)
{
    const QString draftId = m_drafts.value(helpyId);
    if (draftId.isEmpty())
        return;
    QTimer::singleShot(DraftGrace, this, [this, helpyId, draftId] {
        if (m_drafts.value(helpyId) == draftId)
            m_drafts.remove(helpyId);
        m_messages->dropDraft(draftId); // nothing when the message replaced it
    });
}

bool GroupSession::isHelpy(const QString &participantId) const
{
    const Participant *p = m_notifier->roster()->find(participantId);
    return p && p->type == ParticipantType::Helpy;
}

void GroupSession::onTyping(const QString &participantId, bool typing)
{
    if (!typing && isHelpy(participantId))
        dropDraftOf(participantId);
    if (m_service && participantId == m_service->userId())
        return;
    bool changed;
    if (typing) {
        changed = !m_typing.contains(participantId);
        m_typing.insert(participantId, QDeadlineTimer(TypingTimeout));
    } else {
        changed = m_typing.remove(participantId);
    }
    if (changed)
        updateTypingText();
}

void GroupSession::expireTyping()
{
    bool changed = false;
    for (auto it = m_typing.begin(); it != m_typing.end();) {
        if (it->hasExpired()) {
            it = m_typing.erase(it);
            changed = true;
        } else {
            ++it;
        }
    }
    if (changed)
        updateTypingText();
}

void GroupSession::updateTypingText()
{
    QStringList names;
    QStringList helpys; // a Helpy "typing" is working on an answer: thinking
    for (auto it = m_typing.cbegin(); it != m_typing.cend(); ++it)
        (isHelpy(it.key()) ? helpys : names).append(nameOf(it.key()));
    names.sort(Qt::CaseInsensitive);
    helpys.sort(Qt::CaseInsensitive);
    QString text;
    if (names.size() == 1)
        text = tr("%1 is typing…").arg(names.first());
    else if (names.size() == 2)
        text = tr("%1 and %2 are typing…").arg(names.at(0), names.at(1));
    else if (names.size() > 2)
        text = tr("Several people are typing…");
    if (!helpys.isEmpty()) {
        const QString thinking = helpys.size() == 1
            ? tr("%1 is thinking…").arg(helpys.first())
            : tr("%1 are thinking…").arg(helpys.join(QStringLiteral(", ")));
        text = text.isEmpty() ? thinking : text + QStringLiteral(" · ") + thinking;
    }
    if (m_typing.isEmpty())
        m_typingExpiry.stop();
    else if (!m_typingExpiry.isActive())
        m_typingExpiry.start();
    if (text != m_typingText) {
        m_typingText = text;
        Q_EMIT typingTextChanged();
    }
}

void GroupSession::onRemoved(ParticipantChangeEvent::Reason reason)
{
    m_removed = true;
    Q_EMIT removedChanged();
    Q_EMIT closed(reason == ParticipantChangeEvent::Reason::Left
            ? tr("You left “%1”.").arg(m_title)
            : tr("You were removed from “%1”.").arg(m_title));
}

void GroupSession::onRenamed(const SessionRenamedEvent &event)
{
    const QString before = m_title;
    m_title = event.title;
    Q_EMIT titleChanged();
    m_messages->addSystemLine(QStringLiteral("event:%1:%2").arg(event.epoch).arg(event.revision),
        tr("%1 renamed the session from “%2” to “%3”").arg(nameOf(event.actorId), before, m_title),
        event.timestamp);
}

void GroupSession::onDeleted(const SessionDeletedEvent &event)
{
    m_removed = true;
    Q_EMIT removedChanged();
    Q_EMIT closed(event.actorId.isEmpty()
            ? tr("“%1” was deleted while you were away.").arg(m_title)
            : tr("%1 deleted “%2”.").arg(nameOf(event.actorId), m_title));
}

bool GroupSession::canRename() const
{
    return m_service && bool(Rules::mayRenameSession(*m_notifier->roster(), m_service->userId()));
}

bool GroupSession::canDelete() const
{
    return m_service && bool(Rules::mayDeleteSession(*m_notifier->roster(), m_service->userId()));
}

void GroupSession::rename(const QString &title)
{
    const QString simplified = title.simplified();
    if (!m_service || simplified.isEmpty() || simplified == m_title)
        return;
    m_service->renameSession(
        m_sessionId, simplified, reportFailure(tr("Could not rename the session: %1")));
}

void GroupSession::deleteSession()
{
    if (!m_service)
        return;
    m_service->deleteSession(m_sessionId, reportFailure(tr("Could not delete the session: %1")));
}

WebSocketService::ReplyHandler GroupSession::reportFailure(const QString &what)
{
    // The service may answer after this session was closed: never touch a dead object.
    return [self = QPointer<GroupSession>(this), what](const WebSocketService::Reply &reply) {
        if (self && !reply.ok)
            Q_EMIT self->errorOccurred(what.arg(ErrorText::reason(reply.error)));
    };
}

void GroupSession::addHelpy(
    const QString &displayName, const QString &subject, const QString &instructions)
{
    const QString name = displayName.simplified();
    if (!m_service || name.isEmpty())
        return;
    m_service->addHelpy(m_sessionId, name, subject.simplified(), instructions.trimmed(),
        reportFailure(tr("Could not add %1: %2").arg(name, u"%1")));
}

void GroupSession::addParticipant(const QString &userId)
{
    if (!m_service || userId.isEmpty())
        return;
    m_service->sendParticipantAdded(m_sessionId, ParticipantType::User, userId, {},
        reportFailure(tr("Could not add the participant: %1")));
}

void GroupSession::removeParticipant(const QString &participantId)
{
    if (!m_service)
        return;
    m_service->sendParticipantRemoved(m_sessionId, participantId,
        reportFailure(tr("Could not remove %1: %2").arg(nameOf(participantId), u"%1")));
}

void GroupSession::setRole(const QString &participantId, const QString &role)
{
    const auto parsed = roleFromString(role);
    if (!m_service || !parsed) {
        qCWarning(lcClient) << "setRole: unknown role" << role;
        return;
    }
    m_service->setRole(m_sessionId, participantId, *parsed,
        reportFailure(tr("Could not change the role of %1: %2").arg(nameOf(participantId), u"%1")));
}

void GroupSession::sendMessage(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (!m_service || trimmed.isEmpty())
        return;
    sendTyping(false);
    // Our own requestId, so the pending row exists before any answer can arrive.
    const QString requestId = QStringLiteral("msg-") + QUuid::createUuid().toString(QUuid::Id128);
    const QString me = m_service->userId();
    m_messages->addPending(requestId, me, nameOf(me), trimmed);
    m_service->sendRequest(SendMessage { requestId, m_sessionId, trimmed, {} },
        [self = QPointer<GroupSession>(this), requestId](const WebSocketService::Reply &reply) {
            if (reply.ok || !self)
                return;
            self->m_messages->markFailed(requestId);
            Q_EMIT self->errorOccurred(
                tr("Your message was not sent: %1").arg(ErrorText::reason(reply.error)));
        });
}

void GroupSession::setTyping(bool typing)
{
    if (!typing) {
        m_typingIdle.stop();
        sendTyping(false);
        return;
    }
    m_typingIdle.start();
    if (!m_sentTyping || m_typingResend.hasExpired())
        sendTyping(true);
}

void GroupSession::sendTyping(bool typing)
{
    if (!m_service || (!typing && !m_sentTyping))
        return;
    m_sentTyping = typing;
    if (typing)
        m_typingResend.setRemainingTime(TypingResendInterval);
    else
        m_typingIdle.stop();
    m_service->setTyping(m_sessionId, typing);
}

void GroupSession::leave()
{
    if (!m_service)
        return;
    sendTyping(false);
    m_service->leaveSession(m_sessionId, reportFailure(tr("Could not leave: %1")));
}

void GroupSession::createInvite()
{
    if (!m_service)
        return;
    m_service->createInvite(
        m_sessionId, [self = QPointer<GroupSession>(this)](const WebSocketService::Reply &reply) {
            if (self)
                self->onInviteReply(reply);
        });
}

void GroupSession::onInviteReply(const WebSocketService::Reply &reply)
{
    if (!reply.ok) {
        Q_EMIT errorOccurred(
            tr("Could not create an invite: %1").arg(ErrorText::reason(reply.error)));
        return;
    }
    const auto result = resultOf<CreateInviteResult>(reply.ack);
    if (!result) {
        qCWarning(lcClient) << "create_invite ack without a readable result";
        return;
    }
    const QString &code = result->inviteCode;
    if (code != m_inviteCode) {
        m_inviteCode = code;
        Q_EMIT inviteCodeChanged();
    }
    Q_EMIT inviteCreated(code);
}

int GroupSession::participantCount() const
{
    return m_notifier->participantCount();
}

bool GroupSession::isRosterPartial() const
{
    return m_notifier->isRosterPartial();
}

void GroupSession::requestFullRoster()
{
    m_notifier->requestFullRoster();
}
