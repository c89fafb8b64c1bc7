// SPDX-License-Identifier: MIT
#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>
#include <variant>

/**
 * @brief Protocol v1 of Helpy sessions: typed frames and their one JSON codec.
 *
 * Server and client both encode and decode through this header, so a field name or a
 * validation rule lives in exactly one place (docs/protocol.md describes the same).
 */
namespace Protocol {

inline constexpr int Version = 1;
inline constexpr auto EndpointPath = "/v1";

enum class ParticipantType { User, Helpy };
enum class Role { Owner, Moderator, Member };
enum class Presence { Online, Reconnecting, Offline };
/// What a message is: said by a participant, or a notice (a Helpy saying it cannot answer).
enum class MessageKind { Chat, Notice };

enum class ErrorCode {
    BadRequest,
    UnsupportedProtocol,
    NotAuthenticated,
    NotFound,
    Forbidden,
    Conflict,
    LimitExceeded,
    RateLimited,
    TooLarge,
    Internal,
    /// The server cannot store changes for a moment (its Redis is away): retry the same
    /// request (same requestId) after a backoff.
    Unavailable,
};

QString toString(ParticipantType type);
QString toString(Role role);
QString toString(Presence presence);
QString toString(ErrorCode code);
QString toString(MessageKind kind);
std::optional<ParticipantType> participantTypeFromString(const QString &text);
std::optional<Role> roleFromString(const QString &text);
std::optional<Presence> presenceFromString(const QString &text);
std::optional<ErrorCode> errorCodeFromString(const QString &text);

/**
 * A display name as the server keeps it: NFC, without control, format (bidi overrides,
 * zero-width) or other invisible characters, runs of spaces folded to one, trimmed.
 * The length limit is checked on the result.
 */
QString normalizeDisplayName(const QString &name);
/// What two names must not share in one session (they read alike): the normalized name,
/// case-folded, without spaces.
QString displayNameKey(const QString &name);
/// True when `name` reads like a role label the UI shows ("(owner)", "(moderator)", "(you)").
bool imitatesRoleLabel(const QString &name);

/// ISO-8601 UTC with milliseconds, e.g. 2026-11-26T10:15:30.123Z.
QString formatTimestamp(const QDateTime &time);
QDateTime parseTimestamp(const QString &text);

/// Limits the decoder enforces; the server passes its configured values.
struct Limits
{
    qsizetype maxFrameBytes = 64 * 1024;
    qsizetype maxTextLength = 4000;
    qsizetype maxNameLength = 100;
    qsizetype maxIdLength = 128;
    qsizetype maxSubjectLength = 100; ///< a Helpy's subject
    qsizetype maxInstructionsLength = 2000; ///< a Helpy's instructions
};

// ---------------------------------------------------------------- shared values

/// @brief One member of a session's roster: a person (`user`) or an AI tutor (`helpy`).
struct Participant
{
    QString id;
    ParticipantType type = ParticipantType::User;
    QString displayName;
    Role role = Role::Member;
    Presence presence = Presence::Offline;
    QDateTime joinedAt;
    QString subject; ///< a Helpy's subject ("Mathematics"); empty for a person
    QString instructions; ///< a Helpy's extra instructions to its tutor model; may be empty

    bool operator==(const Participant &) const = default;
};

/// @brief One chat line as stored in a session (it is also an event: it has a revision).
struct ChatMessage
{
    QString messageId;
    QString authorId;
    QString text;
    QDateTime timestamp;
    qint64 revision = 0;
    QString requestId; ///< the author's requestId, so the author can match its own send
    /// The author's display name when the message was sent, so the line keeps a name after
    /// the author left (empty only in logs written before the field existed).
    QString authorName;
    QString replyTo; ///< the messageId this one answers; empty: none
    MessageKind kind = MessageKind::Chat;

    bool operator==(const ChatMessage &) const = default;
};

/// @brief A session's settings (set_session_settings; in the snapshot).
struct SessionSettings
{
    /// A question that mentions no Helpy is answered by the Helpy whose subject fits best.
    bool helpysAnswerQuestions = false;

    bool operator==(const SessionSettings &) const = default;
};

/**
 * @brief One line of a session's membership history: someone joined, was added, left, was
 * removed or was given a role, with the names as they were then. The server derives it from
 * the roster event and the roster before it (Membership::entryOf), and so does the client
 * for a live event, so every member sees the same line. Presence changes are not entries.
 */
struct MembershipEntry
{
    enum class Change { Joined, Added, Left, Removed, RoleChanged };

    qint64 revision = 0; ///< the roster event's revision
    QDateTime timestamp;
    Change change = Change::Joined;
    QString participantId;
    QString participantName;
    ParticipantType participantType = ParticipantType::User;
    QString actorId; ///< empty when the server did it (an ownership handed on)
    QString actorName;
    Role role = Role::Member; ///< the new role (role_changed), else the role at the time

    bool operator==(const MembershipEntry &) const = default;
};

QString toString(MembershipEntry::Change change);

/**
 * @brief The last chat message of a session, shortened: what a session list shows and what
 * `session_activity` tells members whose connection does not follow the session.
 */
struct MessagePreview
{
    /// Longer texts are cut to this many UTF-16 code units (never inside a surrogate pair).
    static constexpr qsizetype MaxLength = 280;

    qint64 revision = 0; ///< the message's revision
    QString messageId;
    QString authorId;
    QString authorName; ///< empty only for messages logged before names travelled with them
    QString text; ///< at most MaxLength
    QDateTime timestamp;

    bool operator==(const MessagePreview &) const = default;
};

/// The preview of a message: its text cut to MessagePreview::MaxLength.
MessagePreview previewOf(const ChatMessage &message);

/// @brief A row of `list_sessions`' answer.
struct SessionSummary
{
    QString sessionId;
    QString title;
    Role role = Role::Member;
    int participantCount = 0;
    qint64 revision = 0;
    /// The session's last chat message (notices excluded); none in a session without any.
    std::optional<MessagePreview> lastMessage;

    bool operator==(const SessionSummary &) const = default;
};

// ---------------------------------------------------------------- client → server

/// The optional features a client may ask for in `hello` (the server echoes those it grants).
namespace Feature {
/// Large sessions' rosters in summary: the stage, a count and roster_summary frames.
inline constexpr auto RosterSummary = "roster_summary";
} // namespace Feature

/// At most this many feature names in `hello`, each at most MaxFeatureLength characters.
inline constexpr int MaxFeatures = 16;
inline constexpr int MaxFeatureLength = 64;

struct Hello
{
    int protocol = Version;
    QString displayName;
    QString token; ///< empty: ask for a new identity
    /// Optional features the client asks for (Feature::*); unknown names are ignored.
    QStringList features;
};

/// @brief How much of a large session's roster join_session asks for.
enum class RosterMode {
    Default, ///< summary when the connection opted in (roster_summary) and the session is large
    Summary,
    Full, ///< every participant, and every roster event from then on
};

struct CreateSession
{
    QString requestId;
    QString title;
};

struct JoinSession
{
    QString requestId;
    QString sessionId; ///< either this …
    QString inviteCode; ///< … or this
    QString epoch; ///< with sinceRevision: resume instead of a snapshot
    std::optional<qint64> sinceRevision;
    RosterMode roster = RosterMode::Default; ///< wire `roster`: absent, "summary" or "full"
};

struct LeaveSession
{
    QString requestId;
    QString sessionId;
};

struct AddParticipant
{
    QString requestId;
    QString sessionId;
    ParticipantType participantType = ParticipantType::Helpy;
    QString participantId; ///< a user's userId; optional for a helpy
    QString displayName; ///< required for a new helpy
    QString subject; ///< a new helpy's subject (optional)
    QString instructions; ///< a new helpy's instructions (optional)
};

/// Owners and moderators change a Helpy's name, subject or instructions (unset: unchanged).
struct UpdateHelpy
{
    QString requestId;
    QString sessionId;
    QString participantId;
    std::optional<QString> displayName;
    std::optional<QString> subject;
    std::optional<QString> instructions;
};

/// Owners and moderators change the session's settings.
struct SetSessionSettings
{
    QString requestId;
    QString sessionId;
    bool helpysAnswerQuestions = false;
};

struct RemoveParticipant
{
    QString requestId;
    QString sessionId;
    QString participantId;
};

struct SetRole
{
    QString requestId;
    QString sessionId;
    QString participantId;
    Role role = Role::Member;
};

struct CreateInvite
{
    QString requestId;
    QString sessionId;
    std::optional<int> maxUses; ///< joins it admits; none: unlimited until it expires
    std::optional<int> expiresInSeconds; ///< none: the server's default (up to its maximum)
};

/// Owners and moderators withdraw an invite code of their session.
struct RevokeInvite
{
    QString requestId;
    QString sessionId;
    QString inviteCode;
};

/// Removes a person and keeps them out (no invite, no add) until unban_participant.
struct BanParticipant
{
    QString requestId;
    QString sessionId;
    QString participantId;
};

struct UnbanParticipant
{
    QString requestId;
    QString sessionId;
    QString participantId;
};

/// @brief One page of the caller's sessions, ordered by sessionId.
struct ListSessions
{
    QString requestId;
    QString cursor; ///< empty: the first page; else the previous page's nextCursor
    std::optional<int> limit; ///< rows wanted (≥ 1); unset or above the server's page: its page
};

/// The owner gives the session a new title (session_renamed to every member).
struct RenameSession
{
    QString requestId;
    QString sessionId;
    QString title;
};

/// The owner deletes the session for everyone (session_deleted to every member).
struct DeleteSession
{
    QString requestId;
    QString sessionId;
};

struct SendMessage
{
    QString requestId;
    QString sessionId;
    QString text;
    QString replyTo; ///< optional: the messageId this one answers
};

struct SetTyping
{
    QString sessionId;
    bool typing = false;
};

using ClientFrame = std::variant<Hello, CreateSession, JoinSession, LeaveSession, AddParticipant,
    RemoveParticipant, SetRole, CreateInvite, ListSessions, SendMessage, SetTyping, RevokeInvite,
    BanParticipant, UnbanParticipant, RenameSession, DeleteSession, UpdateHelpy,
    SetSessionSettings>;

// ---------------------------------------------------------------- server → client

struct Welcome
{
    int protocol = Version;
    QString userId;
    QString token;
    QDateTime serverTime;
    int heartbeatSeconds = 15;
    QStringList features; ///< the hello's features the server granted (absent: none)
};

/**
 * @brief The one successful answer to a request. Its result fields are the request's own
 * (one struct per request below); they are written with makeAck() and read with
 * resultOf<T>(), never by key outside the codec.
 */
struct Ack
{
    QString requestId;
    std::optional<qint64> revision;
    QJsonObject result; ///< the result's wire fields, owned by the codec

    bool operator==(const Ack &) const = default;
};

// ---------------------------------------------------------------- ack results

/// @brief create_session's result.
struct CreateSessionResult
{
    QString sessionId;
    QString epoch;
    bool operator==(const CreateSessionResult &) const = default;
};

/// @brief join_session's result: `resumed` when the missed events came instead of a snapshot.
struct JoinSessionResult
{
    QString sessionId;
    QString epoch;
    bool resumed = false;
    bool operator==(const JoinSessionResult &) const = default;
};

/// @brief add_participant's result: `added` is false when the participant was there already.
struct AddParticipantResult
{
    QString participantId;
    bool added = false;
    bool operator==(const AddParticipantResult &) const = default;
};

/// @brief create_invite's result.
struct CreateInviteResult
{
    QString inviteCode;
    QString sessionId;
    QDateTime expiresAt;
    std::optional<int> maxUses; ///< none: unlimited
    bool operator==(const CreateInviteResult &) const = default;
};

/// @brief list_sessions' result: one page, and where the next one starts (empty: the last page).
struct ListSessionsResult
{
    QList<SessionSummary> sessions;
    QString nextCursor;
    bool operator==(const ListSessionsResult &) const = default;
};

/// @brief send_message's result.
struct SendMessageResult
{
    QString messageId;
    bool operator==(const SendMessageResult &) const = default;
};

/// An ack with no result fields (leave_session, remove_participant, set_role).
Ack makeAck(std::optional<qint64> revision);
Ack makeAck(std::optional<qint64> revision, const CreateSessionResult &result);
Ack makeAck(std::optional<qint64> revision, const JoinSessionResult &result);
Ack makeAck(std::optional<qint64> revision, const AddParticipantResult &result);
Ack makeAck(std::optional<qint64> revision, const CreateInviteResult &result);
Ack makeAck(std::optional<qint64> revision, const ListSessionsResult &result);
Ack makeAck(std::optional<qint64> revision, const SendMessageResult &result);

/**
 * The typed result of an ack, validated like any frame: nullopt when a field is missing or
 * malformed. Defined for the six result structs above.
 */
template<typename Result> std::optional<Result> resultOf(const Ack &ack);
template<> std::optional<CreateSessionResult> resultOf(const Ack &ack);
template<> std::optional<JoinSessionResult> resultOf(const Ack &ack);
template<> std::optional<AddParticipantResult> resultOf(const Ack &ack);
template<> std::optional<CreateInviteResult> resultOf(const Ack &ack);
template<> std::optional<ListSessionsResult> resultOf(const Ack &ack);
template<> std::optional<SendMessageResult> resultOf(const Ack &ack);

/// @brief The one failed answer to a request (requestId empty when the frame had none).
struct Error
{
    QString requestId;
    ErrorCode code = ErrorCode::BadRequest;
    QString message;
};

struct SessionSnapshot
{
    QString sessionId;
    QString epoch;
    qint64 revision = 0;
    QString title;
    QList<Participant> participants;
    QList<ChatMessage> messages; ///< the last 50, oldest first
    /// The last membership changes (as many as messages), oldest first: the chat interleaves
    /// them with `messages` by revision.
    QList<MembershipEntry> membership;
    SessionSettings settings;
    /**
     * A summary snapshot of a large session (roster_summary): `participants` is only the
     * stage (owners, moderators, Helpys and the recipient), `participantCount` the whole
     * roster's size and `rosterHash` the whole roster's hash when the server had it at hand
     * (else empty). On the wire only when true; otherwise participantCount is
     * participants.size() and rosterHash empty.
     */
    bool rosterPartial = false;
    int participantCount = 0;
    QString rosterHash;
};

/**
 * @brief A change to a session's roster: `participant_added`, `participant_removed` or
 * `participant_updated` (role or presence), named as in the original feature.
 */
struct ParticipantChangeEvent
{
    enum class Type { Added, Removed, Updated };
    enum class Reason { None, Left, Removed };

    Type type = Type::Added;
    QString sessionId;
    QString epoch;
    qint64 revision = 0;
    QString participantId;
    ParticipantType participantType = ParticipantType::User;
    Participant participant; ///< full details (added/updated); id and type only when removed
    Reason reason = Reason::None; ///< removed only
    QString actorId;
    QDateTime timestamp;

    /// The wire name: "participant_added", "participant_removed" or "participant_updated".
    QString typeName() const;
};

struct MessageEvent
{
    QString sessionId;
    QString epoch;
    ChatMessage message; ///< message.revision is the event's revision
};

struct TypingEvent
{
    QString sessionId;
    QString participantId;
    bool typing = false;
};

/// @brief The session has a new title (an event: it has a revision).
struct SessionRenamedEvent
{
    QString sessionId;
    QString epoch;
    qint64 revision = 0;
    QString title;
    QString actorId;
    QDateTime timestamp;
};

/**
 * @brief The session was deleted by its owner (an event: it has a revision, the session's
 * last). Members drop it from their lists; it is no longer joined, listed nor changed.
 */
struct SessionDeletedEvent
{
    QString sessionId;
    QString epoch;
    qint64 revision = 0;
    QString actorId;
    QDateTime timestamp;
};

/**
 * @brief A Helpy's answer while it is written: ephemeral (no revision, not logged, not
 * resumed), like typing. `text` is the whole draft so far; the final `message` carries the
 * draftId as its requestId and replaces the draft.
 */
struct MessageDelta
{
    QString sessionId;
    QString draftId;
    QString participantId;
    QString text;
};

/// @brief `session_settings_changed`: a revisioned event.
struct SessionSettingsEvent
{
    QString sessionId;
    QString epoch;
    qint64 revision = 0;
    SessionSettings settings;
    QString actorId;
    QDateTime timestamp;
};

/**
 * @brief Sent with each heartbeat for each session a connection follows, so a client at the
 * same revision can prove its roster equals the server's (see rosterHash()).
 */
struct SessionDigest
{
    QString sessionId;
    QString epoch;
    qint64 revision = 0;
    QString rosterHash;
    /// The whole roster's size (a summary subscriber compares it); -1: not sent.
    int participantCount = -1;
};

/**
 * @brief `roster_summary`: to a summary subscription (a large session, roster_summary): the
 * roster events up to `revision` that it was not sent are summarised by this count (and
 * hash of the whole roster at that revision, when the server has it). Not an event: no log.
 */
struct RosterSummary
{
    QString sessionId;
    QString epoch;
    qint64 revision = 0;
    int participantCount = 0;
    QString rosterHash; ///< empty: not known at that revision
};

/**
 * @brief A chat message was posted in a session the connection does not follow: sent to
 * each connection of each member that does not follow it, so an app learns of messages in
 * sessions whose page is not open (unread counts, notifications, the list's preview).
 * Not an event of the session: no epoch, not logged, not resumed.
 */
struct SessionActivity
{
    QString sessionId;
    MessagePreview message;
};

using ServerFrame = std::variant<Welcome, Ack, Error, SessionSnapshot, ParticipantChangeEvent,
    MessageEvent, TypingEvent, SessionDigest, SessionRenamedEvent, SessionDeletedEvent,
    MessageDelta, SessionSettingsEvent, SessionActivity, RosterSummary>;

/**
 * Lowercase hex SHA-256 of the roster sorted by id, one line per participant:
 * `id<TAB>type<TAB>role<TAB>presence<LF>`. Both sides compute it the same way. A Helpy's
 * subject and instructions are not in it (as display names are not).
 */
QString rosterHash(QList<Participant> participants);
/// rosterHash() of the participants pointed to, not copied (the list is sorted in place):
/// Roster::hash() computes it so, in about a tenth of the time.
QString rosterHash(QList<const Participant *> participants);

// ---------------------------------------------------------------- codec

/// @brief Why a frame was refused, and the requestId if one could be read from it.
struct DecodeError
{
    ErrorCode code = ErrorCode::BadRequest;
    QString message;
    QString requestId;
};

template<typename Frame> using Decoded = std::variant<Frame, DecodeError>;

Decoded<ClientFrame> decodeClientFrame(QByteArrayView text, const Limits &limits = {});
Decoded<ServerFrame> decodeServerFrame(QByteArrayView text);

QJsonObject toJson(const Participant &participant);
QJsonObject toJson(const ChatMessage &message);
QJsonObject toJson(const MembershipEntry &entry);
QJsonObject toJson(const SessionSummary &summary);
QJsonObject toJson(const MessagePreview &preview);
QJsonObject toJson(const ClientFrame &frame);
QJsonObject toJson(const ServerFrame &frame);

/// Compact JSON text of a frame, ready for QWebSocket::sendTextMessage.
QString encode(const ClientFrame &frame);
QString encode(const ServerFrame &frame);

std::optional<SessionSummary> sessionSummaryFromJson(const QJsonObject &object);

/// The wire `type` of a frame.
QString typeName(const ClientFrame &frame);
QString typeName(const ServerFrame &frame);

/// The requestId a client frame carries (empty for hello and set_typing).
QString requestIdOf(const ClientFrame &frame);

} // namespace Protocol
