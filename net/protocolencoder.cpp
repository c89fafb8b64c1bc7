// SPDX-License-Identifier: MIT
// The codec's encoding half: frames and values to JSON, and the wire names of frames. The
// decoding half, with its validation, is protocol.cpp.
#include "protocol.h"

#include "jsontext_p.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace Protocol {

namespace {

QJsonValue optionalString(const QString &value)
{
    return value.isEmpty() ? QJsonValue() : QJsonValue(value);
}

void insertIfSet(QJsonObject &object, const char *key, const QString &value)
{
    if (!value.isEmpty())
        object.insert(QLatin1String(key), value);
}

QJsonObject messageFields(const ChatMessage &m)
{
    QJsonObject o { { QStringLiteral("messageId"), m.messageId },
        { QStringLiteral("authorId"), m.authorId }, { QStringLiteral("text"), m.text },
        { QStringLiteral("timestamp"), formatTimestamp(m.timestamp) },
        { QStringLiteral("revision"), m.revision } };
    insertIfSet(o, "requestId", m.requestId);
    insertIfSet(o, "replyTo", m.replyTo);
    if (m.kind != MessageKind::Chat)
        o.insert(QStringLiteral("kind"), toString(m.kind));
    insertIfSet(o, "authorName", m.authorName);
    return o;
}

QJsonObject settingsFields(const SessionSettings &s)
{
    return { { QStringLiteral("helpysAnswerQuestions"), s.helpysAnswerQuestions } };
}

void insertIfSet(QJsonObject &object, const char *key, const std::optional<QString> &value)
{
    if (value)
        object.insert(QLatin1String(key), *value);
}

template<class... Ts> struct Overloaded : Ts...
{
    using Ts::operator()...;
};
// Clang before 17 does not deduce an aggregate's template arguments (P1816) without a guide.
template<class... Ts> Overloaded(Ts...) -> Overloaded<Ts...>;

QString toText(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

/// A message event as toText(toJson(frame)) writes it, written directly: every chat message
/// is encoded once on the server, and this was a fifth of its CPU in 2,000 rooms of five.
/// The fields in QJsonObject's order (by key), the empty optional ones left out as
/// messageFields() leaves them out.
QString encodeMessageEvent(const MessageEvent &event)
{
    const ChatMessage &m = event.message;
    detail::JsonText json(m.text.size() + 320);
    json.field("authorId"_L1, m.authorId);
    if (!m.authorName.isEmpty())
        json.field("authorName"_L1, m.authorName);
    json.field("epoch"_L1, event.epoch);
    if (m.kind != MessageKind::Chat)
        json.field("kind"_L1, toString(m.kind));
    json.field("messageId"_L1, m.messageId);
    if (!m.replyTo.isEmpty())
        json.field("replyTo"_L1, m.replyTo);
    if (!m.requestId.isEmpty())
        json.field("requestId"_L1, m.requestId);
    json.field("revision"_L1, m.revision);
    json.field("sessionId"_L1, event.sessionId);
    json.field("text"_L1, m.text);
    json.field("timestamp"_L1, formatTimestamp(m.timestamp));
    json.field("type"_L1, u"message");
    return json.finish();
}

/// A participant as toJson(Participant) writes it, into `json` (its fields by key).
void writeParticipant(detail::JsonText &json, const Participant &p)
{
    const bool helpy = p.type == ParticipantType::Helpy;
    json.field("displayName"_L1, p.displayName);
    json.field("id"_L1, p.id);
    if (helpy && !p.instructions.isEmpty())
        json.field("instructions"_L1, p.instructions);
    json.field("joinedAt"_L1, formatTimestamp(p.joinedAt));
    json.field("presence"_L1, toString(p.presence));
    json.field("role"_L1, toString(p.role));
    if (helpy && !p.subject.isEmpty())
        json.field("subject"_L1, p.subject);
    json.field("type"_L1, toString(p.type));
}

/// A roster event as toText(toJson(frame)) writes it, written directly: each join, leave and
/// presence change is encoded once on the server, and the QJsonObject way cost about 150,000
/// instructions an event (bench/callgrind.sh). The fields in QJsonObject's order (by key).
QString encodeParticipantChange(const ParticipantChangeEvent &e)
{
    const bool removed = e.type == ParticipantChangeEvent::Type::Removed;
    detail::JsonText json(removed ? 256 : 512);
    if (!e.actorId.isEmpty()) // a null QJsonValue in QJsonObject's initializer is no field
        json.field("actorId"_L1, e.actorId);
    json.field("epoch"_L1, e.epoch);
    if (!removed) {
        json.beginObject("participant"_L1);
        writeParticipant(json, e.participant);
        json.endObject();
    }
    json.field("participantId"_L1, e.participantId);
    json.field("participantType"_L1, toString(removed ? e.participantType : e.participant.type));
    if (removed) {
        json.field("reason"_L1,
            e.reason == ParticipantChangeEvent::Reason::Left ? QStringView(u"left")
                                                             : QStringView(u"removed"));
    }
    json.field("revision"_L1, e.revision);
    json.field("sessionId"_L1, e.sessionId);
    json.field("timestamp"_L1, formatTimestamp(e.timestamp));
    json.field("type"_L1, e.typeName());
    return json.finish();
}

/**
 * An ack as toText(toJson(frame)) writes it, written directly when its result holds only
 * strings and booleans (send_message's, add_participant's, create_invite's, and the empty
 * ones: the acks of nearly every request); nothing for another (a join's), which goes the
 * QJsonObject way. toJson's own fields (requestId, revision, type) merged into the result's,
 * all by key as QJsonObject keeps them.
 */
std::optional<QString> encodeFlatAck(const Ack &a)
{
    for (auto it = a.result.constBegin(); it != a.result.constEnd(); ++it) {
        const QJsonValue value = it.value();
        const QString key = it.key();
        if ((!value.isString() && !value.isBool()) || key == "requestId"_L1 || key == "revision"_L1
            || key == "type"_L1)
            return std::nullopt;
    }
    detail::JsonText json(128);
    auto next = a.result.constBegin();
    const auto resultUpTo = [&](QStringView before) {
        for (; next != a.result.constEnd() && (before.isNull() || next.key() < before); ++next) {
            const QJsonValue value = next.value();
            if (value.isBool())
                json.field(QStringView(next.key()), value.toBool());
            else
                json.field(QStringView(next.key()), QStringView(value.toString()));
        }
    };
    resultUpTo(u"requestId");
    json.field("requestId"_L1, a.requestId);
    if (a.revision) {
        resultUpTo(u"revision");
        json.field("revision"_L1, *a.revision);
    }
    resultUpTo(u"type");
    json.field("type"_L1, u"ack");
    resultUpTo({});
    return json.finish();
}

} // namespace

QJsonObject toJson(const Participant &p)
{
    QJsonObject o { { QStringLiteral("id"), p.id }, { QStringLiteral("type"), toString(p.type) },
        { QStringLiteral("displayName"), p.displayName },
        { QStringLiteral("role"), toString(p.role) },
        { QStringLiteral("presence"), toString(p.presence) },
        { QStringLiteral("joinedAt"), formatTimestamp(p.joinedAt) } };
    if (p.type == ParticipantType::Helpy) {
        insertIfSet(o, "subject", p.subject);
        insertIfSet(o, "instructions", p.instructions);
    }
    return o;
}

QJsonObject toJson(const ChatMessage &message)
{
    return messageFields(message);
}

QJsonObject toJson(const MembershipEntry &e)
{
    QJsonObject o { { QStringLiteral("revision"), e.revision },
        { QStringLiteral("timestamp"), formatTimestamp(e.timestamp) },
        { QStringLiteral("change"), toString(e.change) },
        { QStringLiteral("participantId"), e.participantId },
        { QStringLiteral("participantName"), e.participantName },
        { QStringLiteral("participantType"), toString(e.participantType) },
        { QStringLiteral("role"), toString(e.role) } };
    insertIfSet(o, "actorId", e.actorId);
    insertIfSet(o, "actorName", e.actorName);
    return o;
}

QJsonObject toJson(const MessagePreview &p)
{
    QJsonObject o { { QStringLiteral("revision"), p.revision },
        { QStringLiteral("messageId"), p.messageId }, { QStringLiteral("authorId"), p.authorId },
        { QStringLiteral("text"), p.text },
        { QStringLiteral("timestamp"), formatTimestamp(p.timestamp) } };
    insertIfSet(o, "authorName", p.authorName);
    return o;
}

QJsonObject toJson(const SessionSummary &s)
{
    QJsonObject o { { QStringLiteral("sessionId"), s.sessionId },
        { QStringLiteral("title"), s.title }, { QStringLiteral("role"), toString(s.role) },
        { QStringLiteral("participantCount"), s.participantCount },
        { QStringLiteral("revision"), s.revision } };
    if (s.lastMessage)
        o.insert(QStringLiteral("lastMessage"), toJson(*s.lastMessage));
    return o;
}

QString typeName(const ClientFrame &frame)
{
    return QString::fromLatin1(
        std::visit(Overloaded {
                       [](const Hello &) { return "hello"; },
                       [](const CreateSession &) { return "create_session"; },
                       [](const JoinSession &) { return "join_session"; },
                       [](const LeaveSession &) { return "leave_session"; },
                       [](const AddParticipant &) { return "add_participant"; },
                       [](const RemoveParticipant &) { return "remove_participant"; },
                       [](const SetRole &) { return "set_role"; },
                       [](const CreateInvite &) { return "create_invite"; },
                       [](const ListSessions &) { return "list_sessions"; },
                       [](const SendMessage &) { return "send_message"; },
                       [](const SetTyping &) { return "set_typing"; },
                       [](const RevokeInvite &) { return "revoke_invite"; },
                       [](const BanParticipant &) { return "ban_participant"; },
                       [](const UnbanParticipant &) { return "unban_participant"; },
                       [](const UpdateHelpy &) { return "update_helpy"; },
                       [](const SetSessionSettings &) { return "set_session_settings"; },
                       [](const RenameSession &) { return "rename_session"; },
                       [](const DeleteSession &) { return "delete_session"; },
                   },
            frame));
}

QString typeName(const ServerFrame &frame)
{
    return std::visit(
        Overloaded {
            [](const Welcome &) { return QStringLiteral("welcome"); },
            [](const Ack &) { return QStringLiteral("ack"); },
            [](const Error &) { return QStringLiteral("error"); },
            [](const SessionSnapshot &) { return QStringLiteral("session_snapshot"); },
            [](const ParticipantChangeEvent &e) { return e.typeName(); },
            [](const MessageEvent &) { return QStringLiteral("message"); },
            [](const TypingEvent &) { return QStringLiteral("typing"); },
            [](const SessionDigest &) { return QStringLiteral("session_digest"); },
            [](const MessageDelta &) { return QStringLiteral("message_delta"); },
            [](const SessionSettingsEvent &) { return QStringLiteral("session_settings_changed"); },
            [](const SessionRenamedEvent &) { return QStringLiteral("session_renamed"); },
            [](const SessionDeletedEvent &) { return QStringLiteral("session_deleted"); },
            [](const SessionActivity &) { return QStringLiteral("session_activity"); },
            [](const RosterSummary &) { return QStringLiteral("roster_summary"); },
        },
        frame);
}

QString requestIdOf(const ClientFrame &frame)
{
    return std::visit(
        [](const auto &f) -> QString {
            if constexpr (requires { f.requestId; })
                return f.requestId;
            else
                return {};
        },
        frame);
}

// One lambda per frame type, in the order of docs/protocol.md: a table, read top to bottom.
QJsonObject toJson(const ClientFrame &frame)
{
    QJsonObject o = std::visit(
        Overloaded {
            [](const Hello &h) {
                QJsonObject o { { QStringLiteral("protocol"), h.protocol },
                    { QStringLiteral("displayName"), h.displayName } };
                insertIfSet(o, "token", h.token);
                if (!h.features.isEmpty())
                    o.insert(QStringLiteral("features"), QJsonArray::fromStringList(h.features));
                return o;
            },
            [](const CreateSession &c) {
                return QJsonObject { { QStringLiteral("requestId"), c.requestId },
                    { QStringLiteral("title"), c.title } };
            },
            [](const JoinSession &j) {
                QJsonObject o { { QStringLiteral("requestId"), j.requestId } };
                insertIfSet(o, "sessionId", j.sessionId);
                insertIfSet(o, "inviteCode", j.inviteCode);
                insertIfSet(o, "epoch", j.epoch);
                if (j.sinceRevision)
                    o.insert(QStringLiteral("sinceRevision"), *j.sinceRevision);
                if (j.roster != RosterMode::Default)
                    o.insert(QStringLiteral("roster"),
                        j.roster == RosterMode::Full ? QStringLiteral("full")
                                                     : QStringLiteral("summary"));
                return o;
            },
            [](const LeaveSession &l) {
                return QJsonObject { { QStringLiteral("requestId"), l.requestId },
                    { QStringLiteral("sessionId"), l.sessionId } };
            },
            [](const AddParticipant &a) {
                QJsonObject o { { QStringLiteral("requestId"), a.requestId },
                    { QStringLiteral("sessionId"), a.sessionId },
                    { QStringLiteral("participantType"), toString(a.participantType) } };
                insertIfSet(o, "participantId", a.participantId);
                insertIfSet(o, "displayName", a.displayName);
                insertIfSet(o, "subject", a.subject);
                insertIfSet(o, "instructions", a.instructions);
                return o;
            },
            [](const UpdateHelpy &u) {
                QJsonObject o { { QStringLiteral("requestId"), u.requestId },
                    { QStringLiteral("sessionId"), u.sessionId },
                    { QStringLiteral("participantId"), u.participantId } };
                insertIfSet(o, "displayName", u.displayName);
                insertIfSet(o, "subject", u.subject);
                insertIfSet(o, "instructions", u.instructions);
                return o;
            },
            [](const RemoveParticipant &r) {
                return QJsonObject { { QStringLiteral("requestId"), r.requestId },
                    { QStringLiteral("sessionId"), r.sessionId },
                    { QStringLiteral("participantId"), r.participantId } };
            },
            [](const SetRole &s) {
                return QJsonObject { { QStringLiteral("requestId"), s.requestId },
                    { QStringLiteral("sessionId"), s.sessionId },
                    { QStringLiteral("participantId"), s.participantId },
                    { QStringLiteral("role"), toString(s.role) } };
            },
            [](const CreateInvite &c) {
                QJsonObject o { { QStringLiteral("requestId"), c.requestId },
                    { QStringLiteral("sessionId"), c.sessionId } };
                if (c.maxUses)
                    o.insert(QStringLiteral("maxUses"), *c.maxUses);
                if (c.expiresInSeconds)
                    o.insert(QStringLiteral("expiresInSeconds"), *c.expiresInSeconds);
                return o;
            },
            [](const RevokeInvite &r) {
                return QJsonObject { { QStringLiteral("requestId"), r.requestId },
                    { QStringLiteral("sessionId"), r.sessionId },
                    { QStringLiteral("inviteCode"), r.inviteCode } };
            },
            [](const BanParticipant &b) {
                return QJsonObject { { QStringLiteral("requestId"), b.requestId },
                    { QStringLiteral("sessionId"), b.sessionId },
                    { QStringLiteral("participantId"), b.participantId } };
            },
            [](const UnbanParticipant &u) {
                return QJsonObject { { QStringLiteral("requestId"), u.requestId },
                    { QStringLiteral("sessionId"), u.sessionId },
                    { QStringLiteral("participantId"), u.participantId } };
            },
            [](const ListSessions &l) {
                QJsonObject o { { QStringLiteral("requestId"), l.requestId } };
                insertIfSet(o, "cursor", l.cursor);
                if (l.limit)
                    o.insert(QStringLiteral("limit"), *l.limit);
                return o;
            },
            [](const SendMessage &s) {
                QJsonObject o { { QStringLiteral("requestId"), s.requestId },
                    { QStringLiteral("sessionId"), s.sessionId },
                    { QStringLiteral("text"), s.text } };
                insertIfSet(o, "replyTo", s.replyTo);
                return o;
            },
            [](const SetTyping &s) {
                return QJsonObject { { QStringLiteral("sessionId"), s.sessionId },
                    { QStringLiteral("typing"), s.typing } };
            },
            [](const SetSessionSettings &s) {
                return QJsonObject { { QStringLiteral("requestId"), s.requestId },
                    { QStringLiteral("sessionId"), s.sessionId },
                    { QStringLiteral("helpysAnswerQuestions"), s.helpysAnswerQuestions } };
            },
            [](const RenameSession &r) {
                return QJsonObject { { QStringLiteral("requestId"), r.requestId },
                    { QStringLiteral("sessionId"), r.sessionId },
                    { QStringLiteral("title"), r.title } };
            },
            [](const DeleteSession &d) {
                return QJsonObject { { QStringLiteral("requestId"), d.requestId },
                    { QStringLiteral("sessionId"), d.sessionId } };
            },
        },
        frame);
    o.insert(QStringLiteral("type"), typeName(frame));
    return o;
}

// One lambda per frame type, in the order of docs/protocol.md: a table, read top to bottom.
QJsonObject toJson(const ServerFrame &frame)
{
    QJsonObject o = std::visit(
        Overloaded {
            [](const Welcome &w) {
                QJsonObject o { { QStringLiteral("protocol"), w.protocol },
                    { QStringLiteral("userId"), w.userId }, { QStringLiteral("token"), w.token },
                    { QStringLiteral("serverTime"), formatTimestamp(w.serverTime) },
                    { QStringLiteral("heartbeatSeconds"), w.heartbeatSeconds } };
                if (!w.features.isEmpty())
                    o.insert(QStringLiteral("features"), QJsonArray::fromStringList(w.features));
                return o;
            },
            [](const Ack &a) {
                QJsonObject o = a.result;
                o.insert(QStringLiteral("requestId"), a.requestId);
                if (a.revision)
                    o.insert(QStringLiteral("revision"), *a.revision);
                return o;
            },
            [](const Error &e) {
                return QJsonObject { { QStringLiteral("requestId"), optionalString(e.requestId) },
                    { QStringLiteral("code"), toString(e.code) },
                    { QStringLiteral("message"), e.message } };
            },
            [](const SessionSnapshot &s) {
                QJsonArray participants;
                for (const Participant &p : s.participants)
                    participants.append(toJson(p));
                QJsonArray messages;
                for (const ChatMessage &m : s.messages)
                    messages.append(toJson(m));
                QJsonArray membership;
                for (const MembershipEntry &e : s.membership)
                    membership.append(toJson(e));
                QJsonObject o { { QStringLiteral("sessionId"), s.sessionId },
                    { QStringLiteral("epoch"), s.epoch },
                    { QStringLiteral("revision"), s.revision },
                    { QStringLiteral("title"), s.title },
                    { QStringLiteral("participants"), participants },
                    { QStringLiteral("messages"), messages },
                    { QStringLiteral("membership"), membership },
                    { QStringLiteral("settings"), settingsFields(s.settings) } };
                if (s.rosterPartial) {
                    o.insert(QStringLiteral("rosterPartial"), true);
                    o.insert(QStringLiteral("participantCount"), s.participantCount);
                    insertIfSet(o, "rosterHash", s.rosterHash);
                    // A joiner of a large session reads absent settings as the defaults:
                    // each of thousands of summary snapshots need not spell them out.
                    if (s.settings == SessionSettings {})
                        o.remove(QStringLiteral("settings"));
                }
                return o;
            },
            [](const ParticipantChangeEvent &e) {
                QJsonObject o { { QStringLiteral("sessionId"), e.sessionId },
                    { QStringLiteral("epoch"), e.epoch },
                    { QStringLiteral("revision"), e.revision },
                    { QStringLiteral("participantId"), e.participantId },
                    { QStringLiteral("actorId"), optionalString(e.actorId) },
                    { QStringLiteral("timestamp"), formatTimestamp(e.timestamp) } };
                if (e.type == ParticipantChangeEvent::Type::Removed) {
                    o.insert(QStringLiteral("participantType"), toString(e.participantType));
                    o.insert(QStringLiteral("reason"),
                        e.reason == ParticipantChangeEvent::Reason::Left
                            ? QStringLiteral("left")
                            : QStringLiteral("removed"));
                } else {
                    o.insert(QStringLiteral("participantType"), toString(e.participant.type));
                    o.insert(QStringLiteral("participant"), toJson(e.participant));
                }
                return o;
            },
            [](const MessageEvent &m) {
                QJsonObject o = messageFields(m.message);
                o.insert(QStringLiteral("sessionId"), m.sessionId);
                o.insert(QStringLiteral("epoch"), m.epoch);
                return o;
            },
            [](const TypingEvent &t) {
                return QJsonObject { { QStringLiteral("sessionId"), t.sessionId },
                    { QStringLiteral("participantId"), t.participantId },
                    { QStringLiteral("typing"), t.typing } };
            },
            [](const SessionDigest &d) {
                QJsonObject o { { QStringLiteral("sessionId"), d.sessionId },
                    { QStringLiteral("epoch"), d.epoch },
                    { QStringLiteral("revision"), d.revision },
                    { QStringLiteral("rosterHash"), d.rosterHash } };
                if (d.participantCount >= 0)
                    o.insert(QStringLiteral("participantCount"), d.participantCount);
                return o;
            },
            [](const RosterSummary &r) {
                return QJsonObject { { QStringLiteral("sessionId"), r.sessionId },
                    { QStringLiteral("epoch"), r.epoch },
                    { QStringLiteral("revision"), r.revision },
                    { QStringLiteral("participantCount"), r.participantCount },
                    { QStringLiteral("rosterHash"), optionalString(r.rosterHash) } };
            },
            [](const MessageDelta &d) {
                return QJsonObject { { QStringLiteral("sessionId"), d.sessionId },
                    { QStringLiteral("draftId"), d.draftId },
                    { QStringLiteral("participantId"), d.participantId },
                    { QStringLiteral("text"), d.text } };
            },
            [](const SessionSettingsEvent &e) {
                QJsonObject o = settingsFields(e.settings);
                o.insert(QStringLiteral("sessionId"), e.sessionId);
                o.insert(QStringLiteral("epoch"), e.epoch);
                o.insert(QStringLiteral("revision"), e.revision);
                o.insert(QStringLiteral("actorId"), optionalString(e.actorId));
                o.insert(QStringLiteral("timestamp"), formatTimestamp(e.timestamp));
                return o;
            },
            [](const SessionRenamedEvent &e) {
                return QJsonObject { { QStringLiteral("sessionId"), e.sessionId },
                    { QStringLiteral("epoch"), e.epoch },
                    { QStringLiteral("revision"), e.revision },
                    { QStringLiteral("title"), e.title },
                    { QStringLiteral("actorId"), optionalString(e.actorId) },
                    { QStringLiteral("timestamp"), formatTimestamp(e.timestamp) } };
            },
            [](const SessionDeletedEvent &e) {
                return QJsonObject { { QStringLiteral("sessionId"), e.sessionId },
                    { QStringLiteral("epoch"), e.epoch },
                    { QStringLiteral("revision"), e.revision },
                    { QStringLiteral("actorId"), optionalString(e.actorId) },
                    { QStringLiteral("timestamp"), formatTimestamp(e.timestamp) } };
            },
            [](const SessionActivity &a) {
                QJsonObject o = toJson(a.message);
                o.insert(QStringLiteral("sessionId"), a.sessionId);
                return o;
            },
        },
        frame);
    // Null values stand for "absent"; drop them so the wire carries only set fields.
    for (auto it = o.begin(); it != o.end();) {
        if (it->isNull())
            it = o.erase(it);
        else
            ++it;
    }
    o.insert(QStringLiteral("type"), typeName(frame));
    return o;
}

QString encode(const ClientFrame &frame)
{
    return toText(toJson(frame));
}
QString encode(const ServerFrame &frame)
{
    if (const auto *message = std::get_if<MessageEvent>(&frame))
        return encodeMessageEvent(*message);
    if (const auto *change = std::get_if<ParticipantChangeEvent>(&frame))
        return encodeParticipantChange(*change);
    if (const auto *ack = std::get_if<Ack>(&frame)) {
        if (std::optional<QString> text = encodeFlatAck(*ack))
            return *std::move(text);
    }
    return toText(toJson(frame));
}

} // namespace Protocol
