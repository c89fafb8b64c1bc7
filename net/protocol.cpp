// SPDX-License-Identifier: MIT
#include "protocol.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QRegularExpression>
#include <QTimeZone>

#include <array>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "jsonfields_p.h"

#include <openssl/evp.h>

namespace Protocol {

using namespace detail;

namespace {

Participant participantFromJson(const QJsonObject &object, const Limits &limits)
{
    const Fields f(object, QStringLiteral("participant"), limits);
    Participant p;
    p.id = f.id("id");
    p.type = f.enumeration("type", participantTypeNames);
    p.displayName = f.string("displayName", limits.maxNameLength);
    p.role = f.enumeration("role", roleNames);
    p.presence = f.enumeration("presence", presenceNames);
    p.joinedAt = f.timestamp("joinedAt");
    if (p.type == ParticipantType::Helpy) {
        p.subject = f.optionalString("subject", limits.maxSubjectLength);
        p.instructions = f.optionalString("instructions", limits.maxInstructionsLength);
    }
    return p;
}

MessageKind optionalKind(const Fields &f)
{
    if (!f.has("kind"))
        return MessageKind::Chat;
    return f.enumeration("kind", messageKindNames);
}

/// A Helpy's subject or instructions: trimmed, held to its limit; unset stays unset.
std::optional<QString> helpyText(const Fields &f, const char *key, qsizetype maxLength)
{
    if (!f.has(key))
        return std::nullopt;
    return f.trimmedString(key, maxLength, true);
}

ChatMessage messageFromFields(const Fields &f)
{
    ChatMessage m;
    m.messageId = f.id("messageId");
    m.authorId = f.id("authorId");
    m.text = f.string("text", f.limits().maxTextLength);
    m.timestamp = f.timestamp("timestamp");
    m.revision = f.integer("revision");
    m.requestId = f.optionalId("requestId");
    m.replyTo = f.optionalId("replyTo");
    m.kind = optionalKind(f);
    m.authorName = f.optionalString("authorName", f.limits().maxNameLength);
    return m;
}

MessagePreview previewFromFields(const Fields &f)
{
    MessagePreview p;
    p.revision = f.integer("revision");
    p.messageId = f.id("messageId");
    p.authorId = f.id("authorId");
    p.authorName = f.optionalString("authorName", f.limits().maxNameLength);
    p.text = f.string("text", MessagePreview::MaxLength);
    p.timestamp = f.timestamp("timestamp");
    return p;
}

MembershipEntry membershipFromJson(const QJsonObject &object, const Limits &limits)
{
    const Fields f(object, QStringLiteral("membership entry"), limits);
    MembershipEntry e;
    e.revision = f.integer("revision");
    e.timestamp = f.timestamp("timestamp");
    e.change = f.enumeration("change", membershipChangeNames);
    e.participantId = f.id("participantId");
    e.participantName = f.optionalString("participantName", limits.maxNameLength);
    e.participantType = f.enumeration("participantType", participantTypeNames);
    e.actorId = f.optionalId("actorId");
    e.actorName = f.optionalString("actorName", limits.maxNameLength);
    e.role = f.enumeration("role", roleNames);
    return e;
}

/// A display name read raw (up to 4× the limit, as invisible characters do not count), then
/// normalized and checked against the limit.
QString displayNameField(const Fields &f, const char *key, bool required)
{
    const qsizetype rawLimit = f.limits().maxNameLength * 4;
    const QString raw = required ? f.string(key, rawLimit) : f.optionalString(key, rawLimit);
    const QString name = normalizeDisplayName(raw);
    if (name.size() > f.limits().maxNameLength)
        f.fail(QStringLiteral("field '%1' is longer than %2 characters")
                   .arg(QLatin1String(key))
                   .arg(f.limits().maxNameLength),
            ErrorCode::TooLarge);
    if (required && name.isEmpty())
        f.fail(QStringLiteral("field '%1' must not be empty").arg(QLatin1String(key)));
    if (imitatesRoleLabel(name))
        f.fail(QStringLiteral("field '%1' must not imitate a role label such as '(owner)'")
                   .arg(QLatin1String(key)));
    return name;
}

QString nonEmptyDisplayName(const Fields &f, const char *key)
{
    return displayNameField(f, key, true);
}

std::optional<int> optionalPositive(const Fields &f, const char *key)
{
    const auto value = f.optionalInteger(key);
    if (!value)
        return std::nullopt;
    if (*value < 1 || *value > std::numeric_limits<int>::max())
        f.fail(QStringLiteral("field '%1' must be a positive integer").arg(QLatin1String(key)));
    return int(*value);
}

/// `features` of hello and welcome: an array of short strings.
QStringList featureList(const Fields &f)
{
    const QJsonArray array = f.array("features");
    if (array.size() > MaxFeatures)
        f.fail(QStringLiteral("field 'features' has more than %1 entries").arg(MaxFeatures),
            ErrorCode::TooLarge);
    QStringList features;
    for (const QJsonValue &value : array) {
        if (!value.isString() || value.toString().isEmpty()
            || value.toString().size() > MaxFeatureLength)
            f.fail(QStringLiteral("field 'features' must hold names of 1 to %1 characters")
                       .arg(MaxFeatureLength));
        features.append(value.toString());
    }
    return features;
}

int nonNegative(const Fields &f, const char *key)
{
    const int value = f.smallInteger(key);
    if (value < 0)
        f.fail(QStringLiteral("field '%1' must not be negative").arg(QLatin1String(key)));
    return value;
}

/// A 64-digit hex roster hash.
QString rosterHashField(const Fields &f, const char *key)
{
    const QString hash = f.string(key, 64);
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{64}$"));
    if (!hex.match(hash).hasMatch())
        f.fail(QStringLiteral("field '%1' must be 64 hex digits").arg(QLatin1String(key)));
    return hash;
}

// One branch per request type, in the order of docs/protocol.md.
ClientFrame clientFrameFromJson(const QString &type, const Fields &f)
{
    if (type == QLatin1String("hello")) {
        Hello h;
        h.protocol = f.smallInteger("protocol");
        h.displayName = nonEmptyDisplayName(f, "displayName");
        h.token = f.optionalString("token", 256);
        if (f.has("features"))
            h.features = featureList(f);
        return h;
    }
    if (type == QLatin1String("create_session")) {
        const QString title = f.trimmedString("title", f.limits().maxNameLength);
        if (title.isEmpty())
            f.fail(QStringLiteral("field 'title' must not be empty"));
        return CreateSession { f.requestId(), title };
    }
    if (type == QLatin1String("join_session")) {
        JoinSession j;
        j.requestId = f.requestId();
        j.sessionId = f.optionalId("sessionId");
        j.inviteCode = f.optionalId("inviteCode");
        j.epoch = f.optionalId("epoch");
        j.sinceRevision = f.optionalInteger("sinceRevision");
        if (f.has("roster")) {
            const QString roster = f.string("roster", 16);
            if (roster == QLatin1String("full"))
                j.roster = RosterMode::Full;
            else if (roster == QLatin1String("summary"))
                j.roster = RosterMode::Summary;
            else
                f.fail(QStringLiteral("field 'roster' must be \"summary\" or \"full\""));
        }
        if (j.sessionId.isEmpty() == j.inviteCode.isEmpty())
            f.fail(QStringLiteral("exactly one of 'sessionId' and 'inviteCode' is required"));
        return j;
    }
    if (type == QLatin1String("leave_session"))
        return LeaveSession { f.requestId(), f.id("sessionId") };
    if (type == QLatin1String("add_participant")) {
        AddParticipant a;
        a.requestId = f.requestId();
        a.sessionId = f.id("sessionId");
        a.participantType = f.enumeration("participantType", participantTypeNames);
        a.participantId = f.optionalId("participantId");
        a.displayName = displayNameField(f, "displayName", false);
        a.subject = helpyText(f, "subject", f.limits().maxSubjectLength).value_or(QString());
        a.instructions
            = helpyText(f, "instructions", f.limits().maxInstructionsLength).value_or(QString());
        if (a.participantType == ParticipantType::User
            && (!a.subject.isEmpty() || !a.instructions.isEmpty()))
            f.fail(QStringLiteral("only a helpy has a 'subject' and 'instructions'"));
        if (a.participantType == ParticipantType::User && a.participantId.isEmpty())
            f.fail(QStringLiteral("a user is added by 'participantId'"));
        if (a.participantType == ParticipantType::Helpy && a.participantId.isEmpty()
            && a.displayName.isEmpty())
            f.fail(QStringLiteral("a new helpy needs a 'displayName'"));
        return a;
    }
    if (type == QLatin1String("update_helpy")) {
        UpdateHelpy u { f.requestId(), f.id("sessionId"), f.id("participantId"), std::nullopt,
            std::nullopt, std::nullopt };
        if (f.has("displayName"))
            u.displayName = nonEmptyDisplayName(f, "displayName");
        u.subject = helpyText(f, "subject", f.limits().maxSubjectLength);
        u.instructions = helpyText(f, "instructions", f.limits().maxInstructionsLength);
        if (!u.displayName && !u.subject && !u.instructions)
            f.fail(QStringLiteral(
                "update_helpy needs one of 'displayName', 'subject' and 'instructions'"));
        return u;
    }
    if (type == QLatin1String("remove_participant"))
        return RemoveParticipant { f.requestId(), f.id("sessionId"), f.id("participantId") };
    if (type == QLatin1String("set_role"))
        return SetRole { f.requestId(), f.id("sessionId"), f.id("participantId"),
            f.enumeration("role", roleNames) };
    if (type == QLatin1String("create_invite")) {
        CreateInvite c { f.requestId(), f.id("sessionId"), std::nullopt, std::nullopt };
        c.maxUses = optionalPositive(f, "maxUses");
        c.expiresInSeconds = optionalPositive(f, "expiresInSeconds");
        return c;
    }
    if (type == QLatin1String("revoke_invite"))
        return RevokeInvite { f.requestId(), f.id("sessionId"), f.id("inviteCode") };
    if (type == QLatin1String("ban_participant"))
        return BanParticipant { f.requestId(), f.id("sessionId"), f.id("participantId") };
    if (type == QLatin1String("unban_participant"))
        return UnbanParticipant { f.requestId(), f.id("sessionId"), f.id("participantId") };
    if (type == QLatin1String("list_sessions")) {
        ListSessions l { f.requestId(), f.optionalId("cursor"), std::nullopt };
        if (const auto limit = f.optionalInteger("limit")) {
            if (*limit < 1)
                f.fail(QStringLiteral("field 'limit' must be at least 1"));
            // The server gives at most its page anyway.
            l.limit = int(std::min<qint64>(*limit, std::numeric_limits<int>::max()));
        }
        return l;
    }
    if (type == QLatin1String("send_message")) {
        SendMessage s { f.requestId(), f.id("sessionId"),
            f.string("text", f.limits().maxTextLength), f.optionalId("replyTo") };
        if (s.text.trimmed().isEmpty())
            f.fail(QStringLiteral("field 'text' must not be empty"));
        return s;
    }
    if (type == QLatin1String("set_typing"))
        return SetTyping { f.id("sessionId"), f.boolean("typing") };
    if (type == QLatin1String("set_session_settings"))
        return SetSessionSettings { f.requestId(), f.id("sessionId"),
            f.boolean("helpysAnswerQuestions") };
    if (type == QLatin1String("rename_session")) {
        RenameSession r { f.requestId(), f.id("sessionId"),
            f.trimmedString("title", f.limits().maxNameLength) };
        if (r.title.isEmpty())
            f.fail(QStringLiteral("field 'title' must not be empty"));
        return r;
    }
    if (type == QLatin1String("delete_session"))
        return DeleteSession { f.requestId(), f.id("sessionId") };
    throw Reject { ErrorCode::BadRequest,
        QStringLiteral("unknown frame type '%1'").arg(quotable(type, 64)) };
}

SessionSettings settingsFromFields(const Fields &f)
{
    SessionSettings settings;
    settings.helpysAnswerQuestions = f.boolean("helpysAnswerQuestions");
    return settings;
}

SessionSnapshot snapshotFromFields(const Fields &f)
{
    const Limits &limits = f.limits();
    SessionSnapshot s;
    s.sessionId = f.id("sessionId");
    s.epoch = f.id("epoch");
    s.revision = f.integer("revision");
    s.title = f.string("title", limits.maxNameLength);
    for (const QJsonValue &value : f.array("participants")) {
        if (!value.isObject())
            f.fail(QStringLiteral("participants must be objects"));
        s.participants.append(participantFromJson(value.toObject(), limits));
    }
    for (const QJsonValue &value : f.array("messages")) {
        if (!value.isObject())
            f.fail(QStringLiteral("messages must be objects"));
        s.messages.append(
            messageFromFields(Fields(value.toObject(), QStringLiteral("message"), limits)));
    }
    // Absent from older servers: the defaults.
    if (f.has("settings"))
        s.settings
            = settingsFromFields(Fields(f.object("settings"), QStringLiteral("settings"), limits));
    // Added after v1 shipped: a snapshot without it has no membership history.
    if (f.has("membership")) {
        for (const QJsonValue &value : f.array("membership")) {
            if (!value.isObject())
                f.fail(QStringLiteral("membership entries must be objects"));
            s.membership.append(membershipFromJson(value.toObject(), limits));
        }
    }
    s.participantCount = int(s.participants.size());
    if (f.has("rosterPartial") && f.boolean("rosterPartial")) {
        s.rosterPartial = true;
        s.participantCount = f.smallInteger("participantCount");
        if (s.participantCount < s.participants.size())
            f.fail(QStringLiteral("field 'participantCount' is less than the participants sent"));
        if (f.has("rosterHash"))
            s.rosterHash = rosterHashField(f, "rosterHash");
    }
    return s;
}

ParticipantChangeEvent participantChangeFromFields(
    ParticipantChangeEvent::Type type, const Fields &f)
{
    ParticipantChangeEvent e;
    e.type = type;
    e.sessionId = f.id("sessionId");
    e.epoch = f.id("epoch");
    e.revision = f.integer("revision");
    e.participantId = f.id("participantId");
    e.actorId = f.optionalId("actorId");
    e.timestamp = f.timestamp("timestamp");
    if (type == ParticipantChangeEvent::Type::Removed) {
        e.participantType = f.enumeration("participantType", participantTypeNames);
        const QString reason = f.string("reason", 16);
        if (reason == QLatin1String("left"))
            e.reason = ParticipantChangeEvent::Reason::Left;
        else if (reason == QLatin1String("removed"))
            e.reason = ParticipantChangeEvent::Reason::Removed;
        else
            f.fail(QStringLiteral("field 'reason' has unknown value '%1'").arg(reason));
        e.participant.id = e.participantId;
        e.participant.type = e.participantType;
    } else {
        e.participant = participantFromJson(f.object("participant"), f.limits());
        if (e.participant.id != e.participantId)
            f.fail(QStringLiteral("participant.id differs from participantId"));
        e.participantType = e.participant.type;
    }
    return e;
}

ServerFrame serverFrameFromJson(const QString &type, const QJsonObject &object, const Fields &f)
{
    if (type == QLatin1String("welcome")) {
        Welcome w;
        w.protocol = f.smallInteger("protocol");
        w.userId = f.id("userId");
        w.token = f.string("token", 256);
        w.serverTime = f.timestamp("serverTime");
        w.heartbeatSeconds = f.smallInteger("heartbeatSeconds");
        if (f.has("features"))
            w.features = featureList(f);
        return w;
    }
    if (type == QLatin1String("ack")) {
        Ack a;
        a.requestId = f.requestId();
        a.revision = f.optionalInteger("revision");
        a.result = object;
        a.result.remove(QStringLiteral("type"));
        a.result.remove(QStringLiteral("requestId"));
        a.result.remove(QStringLiteral("revision"));
        return a;
    }
    if (type == QLatin1String("error")) {
        Error e;
        e.requestId = f.optionalId("requestId");
        const QString code = f.string("code", 32);
        // An unknown code from a newer server is still an error; keep it readable.
        e.code = errorCodeFromString(code).value_or(ErrorCode::Internal);
        e.message = f.optionalString("message", 4096);
        return e;
    }
    if (type == QLatin1String("session_snapshot"))
        return snapshotFromFields(f);
    if (type == QLatin1String("participant_added"))
        return participantChangeFromFields(ParticipantChangeEvent::Type::Added, f);
    if (type == QLatin1String("participant_removed"))
        return participantChangeFromFields(ParticipantChangeEvent::Type::Removed, f);
    if (type == QLatin1String("participant_updated"))
        return participantChangeFromFields(ParticipantChangeEvent::Type::Updated, f);
    if (type == QLatin1String("message")) {
        MessageEvent m;
        m.sessionId = f.id("sessionId");
        m.epoch = f.id("epoch");
        m.message = messageFromFields(f);
        return m;
    }
    if (type == QLatin1String("typing"))
        return TypingEvent { f.id("sessionId"), f.id("participantId"), f.boolean("typing") };
    if (type == QLatin1String("session_digest")) {
        const QString hash = f.string("rosterHash", 64);
        if (hash.size() != 64)
            f.fail(QStringLiteral("field 'rosterHash' must be 64 hex digits"));
        SessionDigest d { f.id("sessionId"), f.id("epoch"), f.integer("revision"), hash };
        if (f.has("participantCount"))
            d.participantCount = nonNegative(f, "participantCount");
        return d;
    }
    if (type == QLatin1String("roster_summary")) {
        RosterSummary r { f.id("sessionId"), f.id("epoch"), f.integer("revision"),
            nonNegative(f, "participantCount"), QString() };
        if (f.has("rosterHash"))
            r.rosterHash = rosterHashField(f, "rosterHash");
        return r;
    }
    if (type == QLatin1String("message_delta"))
        return MessageDelta { f.id("sessionId"), f.id("draftId"), f.id("participantId"),
            f.string("text", f.limits().maxTextLength) };
    if (type == QLatin1String("session_settings_changed")) {
        SessionSettingsEvent e;
        e.sessionId = f.id("sessionId");
        e.epoch = f.id("epoch");
        e.revision = f.integer("revision");
        e.settings = settingsFromFields(f);
        e.actorId = f.optionalId("actorId");
        e.timestamp = f.timestamp("timestamp");
        return e;
    }
    if (type == QLatin1String("session_renamed")) {
        SessionRenamedEvent e { f.id("sessionId"), f.id("epoch"), f.integer("revision"),
            f.trimmedString("title", f.limits().maxNameLength), f.optionalId("actorId"),
            f.timestamp("timestamp") };
        if (e.title.isEmpty())
            f.fail(QStringLiteral("field 'title' must not be empty"));
        return e;
    }
    if (type == QLatin1String("session_activity"))
        return SessionActivity { f.id("sessionId"), previewFromFields(f) };
    if (type == QLatin1String("session_deleted"))
        return SessionDeletedEvent { f.id("sessionId"), f.id("epoch"), f.integer("revision"),
            f.optionalId("actorId"), f.timestamp("timestamp") };
    throw Reject { ErrorCode::BadRequest,
        QStringLiteral("unknown frame type '%1'").arg(quotable(type, 64)) };
}

/// Parses the JSON envelope shared by both directions and hands the object on.
template<typename Frame, typename Build>
Decoded<Frame> decodeEnvelope(QByteArrayView text, const Limits &limits, Build build)
{
    DecodeError error;
    if (text.size() > limits.maxFrameBytes) {
        error.code = ErrorCode::TooLarge;
        error.message = QStringLiteral("frame of %1 bytes exceeds the limit of %2 bytes")
                            .arg(text.size())
                            .arg(limits.maxFrameBytes);
        return error;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(text.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        error.message = QStringLiteral("malformed JSON at offset %1: %2")
                            .arg(parseError.offset)
                            .arg(parseError.errorString());
        return error;
    }
    if (!document.isObject()) {
        error.message = QStringLiteral("a frame must be a JSON object");
        return error;
    }
    const QJsonObject object = document.object();
    const QJsonValue requestId = object.value(QLatin1String("requestId"));
    // Echoed only when the peer can read it back (no lone surrogate, within the limit).
    if (requestId.isString() && requestId.toString().size() <= limits.maxIdLength
        && quotable(requestId.toString(), limits.maxIdLength) == requestId.toString())
        error.requestId = requestId.toString();
    const QJsonValue type = object.value(QLatin1String("type"));
    if (!type.isString()) {
        error.message = QStringLiteral("field 'type' must be a string");
        return error;
    }
    try {
        return build(
            type.toString(), object, Fields(object, quotable(type.toString(), 64), limits));
    } catch (const Reject &reject) {
        error.code = reject.code;
        error.message = reject.message;
        return error;
    }
}

} // namespace

QString toString(ParticipantType type)
{
    return nameOf(participantTypeNames, type);
}
QString toString(Role role)
{
    return nameOf(roleNames, role);
}
QString toString(Presence presence)
{
    return nameOf(presenceNames, presence);
}
QString toString(MembershipEntry::Change change)
{
    return nameOf(membershipChangeNames, change);
}
QString toString(ErrorCode code)
{
    return nameOf(errorCodeNames, code);
}
QString toString(MessageKind kind)
{
    return nameOf(messageKindNames, kind);
}
std::optional<ParticipantType> participantTypeFromString(const QString &text)
{
    return valueOf(participantTypeNames, text);
}
std::optional<Role> roleFromString(const QString &text)
{
    return valueOf(roleNames, text);
}
std::optional<Presence> presenceFromString(const QString &text)
{
    return valueOf(presenceNames, text);
}
std::optional<ErrorCode> errorCodeFromString(const QString &text)
{
    return valueOf(errorCodeNames, text);
}

QString displayNameKey(const QString &name)
{
    return normalizeDisplayName(name).toCaseFolded().remove(QLatin1Char(' '));
}

QString normalizeDisplayName(const QString &name)
{
    const QString composed = name.normalized(QString::NormalizationForm_C);
    QString kept;
    kept.reserve(composed.size());
    bool pendingSpace = false;
    for (const QChar c : composed) {
        // Cc: NUL, ESC, newlines; Cf: bidi overrides and isolates, zero-width (non-)joiners
        // and spaces, the BOM; a lone surrogate half is not a character either.
        const QChar::Category category = c.category();
        if (category == QChar::Other_Control || category == QChar::Other_Format
            || category == QChar::Other_NotAssigned || category == QChar::Other_PrivateUse) {
            continue;
        }
        if (c.isSpace()) {
            pendingSpace = !kept.isEmpty();
            continue;
        }
        if (pendingSpace)
            kept.append(QLatin1Char(' '));
        pendingSpace = false;
        kept.append(c);
    }
    // Surrogate pairs were copied half by half above; drop a half left without its pair.
    QString valid;
    valid.reserve(kept.size());
    for (qsizetype i = 0; i < kept.size(); ++i) {
        const QChar c = kept.at(i);
        if (c.isHighSurrogate() && i + 1 < kept.size() && kept.at(i + 1).isLowSurrogate()) {
            valid.append(c);
            valid.append(kept.at(++i));
        } else if (!c.isSurrogate()) {
            valid.append(c);
        }
    }
    return valid;
}

bool imitatesRoleLabel(const QString &name)
{
    static const QRegularExpression label(
        QStringLiteral(R"([(\[]\s*(owner|moderator|mod|member|you|helpy|admin)\s*[)\]])"),
        QRegularExpression::CaseInsensitiveOption);
    // NFKC too: fullwidth brackets and letters read the same on screen.
    return label.match(name).hasMatch()
        || label.match(name.normalized(QString::NormalizationForm_KC)).hasMatch();
}

namespace {

/// `ms` after the epoch (0 ≤ ms < year 10000) as "YYYY-MM-DDTHH:MM:SS.mmmZ", the civil date by
/// H. Hinnant's days-to-civil algorithm: what QDateTime::toString(Qt::ISODateWithMs) writes
/// for the same UTC time, in a fiftieth of its instructions (it took about 6,000, and every
/// event carries a time; a roster event two).
QString utcTimestampText(qint64 ms)
{
    const qint64 days = ms / 86400000;
    qint64 inDay = ms % 86400000;
    const qint64 z = days + 719468; // days since 0000-03-01
    const qint64 era = z / 146097;
    const qint64 dayOfEra = z - era * 146097;
    const qint64 yearOfEra
        = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
    const qint64 dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    const qint64 mp = (5 * dayOfYear + 2) / 153;
    const int day = int(dayOfYear - (153 * mp + 2) / 5 + 1);
    const int month = int(mp < 10 ? mp + 3 : mp - 9);
    const int year = int(yearOfEra + era * 400 + (month <= 2 ? 1 : 0));
    const int millis = int(inDay % 1000);
    inDay /= 1000;
    const int second = int(inDay % 60);
    const int minute = int(inDay / 60 % 60);
    const int hour = int(inDay / 3600);
    char16_t text[24];
    char16_t *out = text;
    // `digits` digits of `value`, then `after`.
    const auto put = [&out](int value, int digits, char16_t after) {
        for (int i = digits - 1; i >= 0; --i, value /= 10)
            out[i] = char16_t(u'0' + value % 10);
        out[digits] = after;
        out += digits + 1;
    };
    put(year, 4, u'-');
    put(month, 2, u'-');
    put(day, 2, u'T');
    put(hour, 2, u':');
    put(minute, 2, u':');
    put(second, 2, u'.');
    put(millis, 3, u'Z');
    return QString(reinterpret_cast<const QChar *>(text), 24);
}

} // namespace

QString formatTimestamp(const QDateTime &time)
{
    constexpr qint64 YearTenThousand = 253402300800000; // 10000-01-01T00:00:00Z
    if (time.isValid()) {
        const qint64 ms = time.toMSecsSinceEpoch();
        if (ms >= 0 && ms < YearTenThousand)
            return utcTimestampText(ms);
    }
    return time.toUTC().toString(Qt::ISODateWithMs); // before 1970, after 9999, or invalid
}

QDateTime parseTimestamp(const QString &text)
{
    // A time without a zone would be read as this machine's local time: not on our wire.
    static const QRegularExpression zone(QStringLiteral("(Z|[+-]\\d\\d:?\\d\\d)$"));
    if (!zone.match(text).hasMatch())
        return {};
    QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid())
        return time;
    time = time.toUTC();
    // An offset can move a time out of the years formatTimestamp can write (Qt writes "").
    const int year = time.date().year();
    return year >= 1 && year <= 9999 ? time : QDateTime();
}

QString ParticipantChangeEvent::typeName() const
{
    switch (type) {
    case Type::Added:
        return QStringLiteral("participant_added");
    case Type::Removed:
        return QStringLiteral("participant_removed");
    case Type::Updated:
        return QStringLiteral("participant_updated");
    }
    return {};
}

Decoded<ClientFrame> decodeClientFrame(QByteArrayView text, const Limits &limits)
{
    return decodeEnvelope<ClientFrame>(
        text, limits, [](const QString &type, const QJsonObject &, const Fields &f) {
            return clientFrameFromJson(type, f);
        });
}

Decoded<ServerFrame> decodeServerFrame(QByteArrayView text)
{
    // The client trusts the server's limits but not its shape; a snapshot may be large.
    static const Limits clientLimits { 64 * 1024 * 1024, 1 << 20, 1024, 1024 };
    return decodeEnvelope<ServerFrame>(
        text, clientLimits, [](const QString &type, const QJsonObject &object, const Fields &f) {
            return serverFrameFromJson(type, object, f);
        });
}

std::optional<SessionSummary> sessionSummaryFromJson(const QJsonObject &object)
{
    const Limits limits;
    try {
        const Fields f(object, QStringLiteral("session"), limits);
        SessionSummary s;
        s.sessionId = f.id("sessionId");
        s.title = f.string("title", limits.maxNameLength);
        s.role = f.enumeration("role", roleNames);
        s.participantCount = f.smallInteger("participantCount");
        s.revision = f.integer("revision");
        if (f.has("lastMessage")) {
            const Fields last(f.object("lastMessage"), QStringLiteral("lastMessage"), limits);
            s.lastMessage = previewFromFields(last);
        }
        return s;
    } catch (const Reject &) {
        return std::nullopt;
    }
}

MessagePreview previewOf(const ChatMessage &message)
{
    QString text = message.text;
    if (text.size() > MessagePreview::MaxLength) {
        qsizetype cut = MessagePreview::MaxLength;
        if (text.at(cut - 1).isHighSurrogate())
            --cut; // never half a character
        text.truncate(cut);
    }
    return MessagePreview { message.revision, message.messageId, message.authorId,
        message.authorName, text, message.timestamp };
}

QString rosterHash(QList<Participant> participants)
{
    QList<const Participant *> pointed;
    pointed.reserve(participants.size());
    for (const Participant &p : std::as_const(participants))
        pointed.append(&p);
    return rosterHash(std::move(pointed));
}

namespace {
/// Appends `text` as UTF-8 without a conversion's allocation when it is ASCII (ids and the
/// enumerations' names are).
void appendUtf8(QByteArray &out, QStringView text)
{
    const qsizetype at = out.size();
    out.resize(at + text.size());
    char *to = out.data() + at;
    for (const QChar c : text) {
        if (c.unicode() >= 0x80) {
            out.resize(at);
            out.append(text.toUtf8());
            return;
        }
        *to++ = char(c.unicode());
    }
}

/// SHA-256 by libcrypto: 8x Qt 6.4's QCryptographicHash on this machine (200 KB, the
/// lines of 5,000 participants: 136 against 1,089 µs).
class Sha256
{
public:
    Sha256() { EVP_DigestInit_ex(m_context.get(), EVP_sha256(), nullptr); }
    void add(QByteArrayView bytes)
    {
        EVP_DigestUpdate(m_context.get(), bytes.data(), size_t(bytes.size()));
    }
    QByteArray result()
    {
        QByteArray digest(EVP_MAX_MD_SIZE, Qt::Uninitialized);
        unsigned int length = 0;
        EVP_DigestFinal_ex(
            m_context.get(), reinterpret_cast<unsigned char *>(digest.data()), &length);
        digest.resize(length);
        return digest;
    }

private:
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> m_context { EVP_MD_CTX_new(),
        &EVP_MD_CTX_free };
};

} // namespace

QString rosterHash(QList<const Participant *> participants)
{
    // Sorted by id as QString's operator< sorts (UTF-16 code units, a prefix first), on a
    // key of the first 8 code units packed into two integers, the ids compared only on a
    // tie (5,000 random ids: the whole digest 1.40 -> 1.08 ms; the string comparisons of
    // the plain sort were half of it).
    struct Keyed
    {
        quint64 high;
        quint64 low;
        const Participant *participant;
    };
    const auto pack = [](QStringView id, qsizetype from) {
        quint64 key = 0;
        for (qsizetype i = from; i < from + 4; ++i)
            key = (key << 16) | (i < id.size() ? id[i].unicode() : 0u);
        return key;
    };
    std::vector<Keyed> keyed;
    keyed.reserve(size_t(participants.size()));
    for (const Participant *p : std::as_const(participants))
        keyed.push_back({ pack(p->id, 0), pack(p->id, 4), p });
    std::sort(keyed.begin(), keyed.end(), [](const Keyed &a, const Keyed &b) {
        if (a.high != b.high)
            return a.high < b.high;
        if (a.low != b.low)
            return a.low < b.low;
        return a.participant->id < b.participant->id;
    });
    // The lines are hashed in chunks (the same digest as line by line): one buffer, no
    // string formatted or converted per participant.
    constexpr qsizetype ChunkBytes = 16 * 1024;
    Sha256 hash;
    QByteArray chunk;
    chunk.reserve(ChunkBytes + 256);
    for (const Keyed &k : keyed) {
        const Participant *p = k.participant;
        appendUtf8(chunk, p->id);
        chunk.append('\t');
        chunk.append(asciiNameOf(participantTypeNames, p->type));
        chunk.append('\t');
        chunk.append(asciiNameOf(roleNames, p->role));
        chunk.append('\t');
        chunk.append(asciiNameOf(presenceNames, p->presence));
        chunk.append('\n');
        if (chunk.size() >= ChunkBytes) {
            hash.add(chunk);
            chunk.resize(0);
        }
    }
    hash.add(chunk);
    return QString::fromLatin1(hash.result().toHex());
}

} // namespace Protocol
