// SPDX-License-Identifier: MIT
#include "protocol.h"
#include "roster.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QTest>
#include <QTimeZone>

#include <algorithm>
#include <limits>
#include <random>
#include <tuple>

using namespace Protocol;
using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(Protocol::ClientFrame)
Q_DECLARE_METATYPE(Protocol::ServerFrame)

namespace {

/// Random strings of up to maxLength characters of `alphabet` (the awkward ones: controls,
/// quotes, surrogates…), for comparing the direct writer's text with QJsonDocument's.
struct RandomText
{
    const QList<char16_t> &alphabet;
    QRandomGenerator &random;

    QString operator()(int maxLength) const
    {
        QString s;
        const int length = int(random.bounded(maxLength + 1));
        for (int i = 0; i < length; ++i)
            s.append(QChar(alphabet.at(qsizetype(random.bounded(alphabet.size())))));
        return s;
    }
};

// ---------------------------------------------------------------- comparing frames
// The frame structs have no operator== (only the shared values do), so each one lists its
// members here; a field added to protocol.h must be added here too or round-trips miss it.

auto members(const Hello &f)
{
    return std::tie(f.protocol, f.displayName, f.token, f.features);
}
auto members(const CreateSession &f)
{
    return std::tie(f.requestId, f.title);
}
auto members(const JoinSession &f)
{
    return std::tie(f.requestId, f.sessionId, f.inviteCode, f.epoch, f.sinceRevision, f.roster);
}
auto members(const LeaveSession &f)
{
    return std::tie(f.requestId, f.sessionId);
}
auto members(const AddParticipant &f)
{
    return std::tie(f.requestId, f.sessionId, f.participantType, f.participantId, f.displayName,
        f.subject, f.instructions);
}
auto members(const UpdateHelpy &f)
{
    return std::tie(
        f.requestId, f.sessionId, f.participantId, f.displayName, f.subject, f.instructions);
}
auto members(const SetSessionSettings &f)
{
    return std::tie(f.requestId, f.sessionId, f.helpysAnswerQuestions);
}
auto members(const RemoveParticipant &f)
{
    return std::tie(f.requestId, f.sessionId, f.participantId);
}
auto members(const SetRole &f)
{
    return std::tie(f.requestId, f.sessionId, f.participantId, f.role);
}
auto members(const CreateInvite &f)
{
    return std::tie(f.requestId, f.sessionId, f.maxUses, f.expiresInSeconds);
}
auto members(const RevokeInvite &f)
{
    return std::tie(f.requestId, f.sessionId, f.inviteCode);
}
auto members(const BanParticipant &f)
{
    return std::tie(f.requestId, f.sessionId, f.participantId);
}
auto members(const UnbanParticipant &f)
{
    return std::tie(f.requestId, f.sessionId, f.participantId);
}
auto members(const ListSessions &f)
{
    return std::tie(f.requestId, f.cursor, f.limit);
}
auto members(const SendMessage &f)
{
    return std::tie(f.requestId, f.sessionId, f.text, f.replyTo);
}
auto members(const SetTyping &f)
{
    return std::tie(f.sessionId, f.typing);
}
auto members(const RenameSession &f)
{
    return std::tie(f.requestId, f.sessionId, f.title);
}
auto members(const DeleteSession &f)
{
    return std::tie(f.requestId, f.sessionId);
}
auto members(const Welcome &f)
{
    return std::tie(f.protocol, f.userId, f.token, f.serverTime, f.heartbeatSeconds, f.features);
}
auto members(const Ack &f)
{
    return std::tie(f.requestId, f.revision, f.result);
}
auto members(const Error &f)
{
    return std::tie(f.requestId, f.code, f.message);
}
auto members(const SessionSnapshot &f)
{
    // participantCount is the participants' number unless the snapshot is partial.
    return std::make_tuple(f.sessionId, f.epoch, f.revision, f.title, f.participants, f.messages,
        f.membership, f.settings, f.rosterPartial, f.rosterPartial ? f.participantCount : -1,
        f.rosterHash);
}
auto members(const ParticipantChangeEvent &f)
{
    return std::tie(f.type, f.sessionId, f.epoch, f.revision, f.participantId, f.participantType,
        f.participant, f.reason, f.actorId, f.timestamp);
}
auto members(const MessageEvent &f)
{
    return std::tie(f.sessionId, f.epoch, f.message);
}
auto members(const TypingEvent &f)
{
    return std::tie(f.sessionId, f.participantId, f.typing);
}
auto members(const SessionDigest &f)
{
    return std::tie(f.sessionId, f.epoch, f.revision, f.rosterHash, f.participantCount);
}
auto members(const RosterSummary &f)
{
    return std::tie(f.sessionId, f.epoch, f.revision, f.participantCount, f.rosterHash);
}
auto members(const MessageDelta &f)
{
    return std::tie(f.sessionId, f.draftId, f.participantId, f.text);
}
auto members(const SessionSettingsEvent &f)
{
    return std::tie(f.sessionId, f.epoch, f.revision, f.settings, f.actorId, f.timestamp);
}
auto members(const SessionRenamedEvent &f)
{
    return std::tie(f.sessionId, f.epoch, f.revision, f.title, f.actorId, f.timestamp);
}
auto members(const SessionDeletedEvent &f)
{
    return std::tie(f.sessionId, f.epoch, f.revision, f.actorId, f.timestamp);
}
auto members(const SessionActivity &f)
{
    return std::tie(f.sessionId, f.message);
}

template<typename Variant> bool sameFrame(const Variant &a, const Variant &b)
{
    return a.index() == b.index()
        && std::visit(
            [&b](const auto &x) {
                return members(x) == members(std::get<std::decay_t<decltype(x)>>(b));
            },
            a);
}

// ---------------------------------------------------------------- fixtures

const QDateTime kTime(QDate(2026, 11, 26), QTime(10, 15, 30, 123), Qt::UTC);
const QDateTime kJoined(QDate(2026, 11, 26), QTime(9, 0, 0, 7), Qt::UTC);

const QRegularExpression kIsoUtcMs(u"^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$"_s);

Participant ada()
{
    return { u"u-ada"_s, ParticipantType::User, u"Ada"_s, Role::Owner, Presence::Online, kJoined };
}

Participant helpy()
{
    return { u"h-1"_s, ParticipantType::Helpy, u"Helpy (maths)"_s, Role::Member, Presence::Online,
        kJoined.addSecs(60) };
}

ChatMessage chatLine(const QString &requestId)
{
    return { u"m-1"_s, u"u-ada"_s, u"Shall we start with chapter 3? ✓"_s, kTime, 5, requestId };
}

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

std::optional<DecodeError> decodeErrorOf(
    bool fromServer, QByteArrayView text, const Limits &limits = {})
{
    if (fromServer) {
        auto decoded = decodeServerFrame(text);
        if (const auto *error = std::get_if<DecodeError>(&decoded))
            return *error;
    } else {
        auto decoded = decodeClientFrame(text, limits);
        if (const auto *error = std::get_if<DecodeError>(&decoded))
            return *error;
    }
    return std::nullopt;
}

/// A valid frame of one type, with the fields the decoder must insist on.
struct FrameSpec
{
    QString name;
    bool fromServer = false;
    QJsonObject json;
    /// Paths (`a.b`, `list.0.c`) whose removal must be refused with a message naming them.
    QStringList required;
    /// Paths the decoder deliberately does not type-check (free-form or derived elsewhere).
    QStringList untyped;
};

QList<FrameSpec> clientSpecs()
{
    const auto rid = u"requestId"_s;
    const auto sid = u"sessionId"_s;
    return {
        { u"hello"_s, false,
            { { u"type"_s, u"hello"_s }, { u"protocol"_s, 1 }, { u"displayName"_s, u"Ada"_s },
                { u"token"_s, u"t0ken"_s } },
            { u"protocol"_s, u"displayName"_s }, {} },
        { u"create_session"_s, false,
            { { u"type"_s, u"create_session"_s }, { rid, u"r-1"_s }, { u"title"_s, u"Algebra"_s } },
            { rid, u"title"_s }, {} },
        { u"join_session(sessionId)"_s, false,
            { { u"type"_s, u"join_session"_s }, { rid, u"r-2"_s }, { sid, u"s-1"_s } },
            { rid, sid }, {} },
        { u"join_session(inviteCode)"_s, false,
            { { u"type"_s, u"join_session"_s }, { rid, u"r-3"_s },
                { u"inviteCode"_s, u"K3Y-42"_s } },
            { rid, u"inviteCode"_s }, {} },
        { u"join_session(resume)"_s, false,
            { { u"type"_s, u"join_session"_s }, { rid, u"r-4"_s }, { sid, u"s-1"_s },
                { u"epoch"_s, u"e-1"_s }, { u"sinceRevision"_s, 12 } },
            { rid, sid }, {} },
        { u"leave_session"_s, false,
            { { u"type"_s, u"leave_session"_s }, { rid, u"r-5"_s }, { sid, u"s-1"_s } },
            { rid, sid }, {} },
        { u"add_participant(user)"_s, false,
            { { u"type"_s, u"add_participant"_s }, { rid, u"r-6"_s }, { sid, u"s-1"_s },
                { u"participantType"_s, u"user"_s }, { u"participantId"_s, u"u-bob"_s } },
            { rid, sid, u"participantType"_s, u"participantId"_s }, {} },
        { u"add_participant(helpy)"_s, false,
            { { u"type"_s, u"add_participant"_s }, { rid, u"r-7"_s }, { sid, u"s-1"_s },
                { u"participantType"_s, u"helpy"_s }, { u"displayName"_s, u"Helpy"_s } },
            { rid, sid, u"participantType"_s, u"displayName"_s }, {} },
        { u"remove_participant"_s, false,
            { { u"type"_s, u"remove_participant"_s }, { rid, u"r-8"_s }, { sid, u"s-1"_s },
                { u"participantId"_s, u"h-1"_s } },
            { rid, sid, u"participantId"_s }, {} },
        { u"set_role"_s, false,
            { { u"type"_s, u"set_role"_s }, { rid, u"r-9"_s }, { sid, u"s-1"_s },
                { u"participantId"_s, u"u-bob"_s }, { u"role"_s, u"moderator"_s } },
            { rid, sid, u"participantId"_s, u"role"_s }, {} },
        { u"create_invite"_s, false,
            { { u"type"_s, u"create_invite"_s }, { rid, u"r-10"_s }, { sid, u"s-1"_s } },
            { rid, sid }, {} },
        { u"list_sessions"_s, false, { { u"type"_s, u"list_sessions"_s }, { rid, u"r-11"_s } },
            { rid }, {} },
        { u"list_sessions(page)"_s, false,
            { { u"type"_s, u"list_sessions"_s }, { rid, u"r-11"_s }, { u"cursor"_s, u"s-1"_s },
                { u"limit"_s, 20 } },
            { rid }, {} },
        { u"send_message"_s, false,
            { { u"type"_s, u"send_message"_s }, { rid, u"r-12"_s }, { sid, u"s-1"_s },
                { u"text"_s, u"hi"_s } },
            { rid, sid, u"text"_s }, {} },
        { u"set_typing"_s, false,
            { { u"type"_s, u"set_typing"_s }, { sid, u"s-1"_s }, { u"typing"_s, true } },
            { sid, u"typing"_s }, {} },
        { u"revoke_invite"_s, false,
            { { u"type"_s, u"revoke_invite"_s }, { rid, u"r-13"_s }, { sid, u"s-1"_s },
                { u"inviteCode"_s, u"K3Y42ABC"_s } },
            { rid, sid, u"inviteCode"_s }, {} },
        { u"ban_participant"_s, false,
            { { u"type"_s, u"ban_participant"_s }, { rid, u"r-14"_s }, { sid, u"s-1"_s },
                { u"participantId"_s, u"u-bob"_s } },
            { rid, sid, u"participantId"_s }, {} },
        { u"unban_participant"_s, false,
            { { u"type"_s, u"unban_participant"_s }, { rid, u"r-15"_s }, { sid, u"s-1"_s },
                { u"participantId"_s, u"u-bob"_s } },
            { rid, sid, u"participantId"_s }, {} },
        { u"rename_session"_s, false,
            { { u"type"_s, u"rename_session"_s }, { rid, u"r-16"_s }, { sid, u"s-1"_s },
                { u"title"_s, u"Algebra II"_s } },
            { rid, sid, u"title"_s }, {} },
        { u"delete_session"_s, false,
            { { u"type"_s, u"delete_session"_s }, { rid, u"r-17"_s }, { sid, u"s-1"_s } },
            { rid, sid }, {} },
    };
}

QStringList prefixed(const QString &prefix, const QStringList &names)
{
    QStringList paths;
    for (const QString &name : names)
        paths << prefix + name;
    return paths;
}

QList<FrameSpec> serverSpecs()
{
    const QStringList participantFields { u"id"_s, u"type"_s, u"displayName"_s, u"role"_s,
        u"presence"_s, u"joinedAt"_s };
    const QStringList messageFields { u"messageId"_s, u"authorId"_s, u"text"_s, u"timestamp"_s,
        u"revision"_s };
    const QStringList eventFields { u"sessionId"_s, u"epoch"_s, u"revision"_s, u"participantId"_s,
        u"timestamp"_s };

    QJsonObject added { { u"type"_s, u"participant_added"_s }, { u"sessionId"_s, u"s-1"_s },
        { u"epoch"_s, u"e-1"_s }, { u"revision"_s, 4 }, { u"participantId"_s, u"h-1"_s },
        { u"participantType"_s, u"helpy"_s }, { u"participant"_s, toJson(helpy()) },
        { u"actorId"_s, u"u-ada"_s }, { u"timestamp"_s, formatTimestamp(kTime) } };
    QJsonObject updated = added;
    updated.insert(u"type"_s, u"participant_updated"_s);
    QJsonObject message = toJson(chatLine(u"r-12"_s));
    message.insert(u"type"_s, u"message"_s);
    message.insert(u"sessionId"_s, u"s-1"_s);
    message.insert(u"epoch"_s, u"e-1"_s);

    // participantType of added/updated is derived from participant.type, so the decoder
    // neither requires nor type-checks the top-level copy.
    const QStringList derivedType { u"participantType"_s };
    return {
        { u"welcome"_s, true,
            { { u"type"_s, u"welcome"_s }, { u"protocol"_s, 1 }, { u"userId"_s, u"u-ada"_s },
                { u"token"_s, u"t0ken"_s }, { u"serverTime"_s, formatTimestamp(kTime) },
                { u"heartbeatSeconds"_s, 15 } },
            { u"protocol"_s, u"userId"_s, u"token"_s, u"serverTime"_s, u"heartbeatSeconds"_s },
            {} },
        { u"ack"_s, true,
            { { u"type"_s, u"ack"_s }, { u"requestId"_s, u"r-1"_s }, { u"revision"_s, 3 },
                { u"sessionId"_s, u"s-1"_s } },
            { u"requestId"_s }, { u"sessionId"_s } },
        { u"error"_s, true,
            { { u"type"_s, u"error"_s }, { u"requestId"_s, u"r-1"_s },
                { u"code"_s, u"forbidden"_s },
                { u"message"_s, u"members cannot remove others"_s } },
            { u"code"_s }, {} },
        { u"session_snapshot"_s, true,
            { { u"type"_s, u"session_snapshot"_s }, { u"sessionId"_s, u"s-1"_s },
                { u"epoch"_s, u"e-1"_s }, { u"revision"_s, 5 }, { u"title"_s, u"Algebra"_s },
                { u"participants"_s, QJsonArray { toJson(ada()), toJson(helpy()) } },
                { u"messages"_s, QJsonArray { toJson(chatLine(u"r-12"_s)) } } },
            QStringList { u"sessionId"_s, u"epoch"_s, u"revision"_s, u"title"_s, u"participants"_s,
                u"messages"_s }
                + prefixed(u"participants.1."_s, participantFields)
                + prefixed(u"messages.0."_s, messageFields),
            {} },
        { u"participant_added"_s, true, added,
            eventFields + QStringList { u"participant"_s }
                + prefixed(u"participant."_s, participantFields),
            derivedType },
        { u"participant_removed"_s, true,
            { { u"type"_s, u"participant_removed"_s }, { u"sessionId"_s, u"s-1"_s },
                { u"epoch"_s, u"e-1"_s }, { u"revision"_s, 6 }, { u"participantId"_s, u"h-1"_s },
                { u"participantType"_s, u"helpy"_s }, { u"reason"_s, u"removed"_s },
                { u"actorId"_s, u"u-ada"_s }, { u"timestamp"_s, formatTimestamp(kTime) } },
            eventFields + QStringList { u"participantType"_s, u"reason"_s }, {} },
        { u"participant_updated"_s, true, updated,
            eventFields + QStringList { u"participant"_s }
                + prefixed(u"participant."_s, participantFields),
            derivedType },
        { u"message"_s, true, message, QStringList { u"sessionId"_s, u"epoch"_s } + messageFields,
            {} },
        { u"typing"_s, true,
            { { u"type"_s, u"typing"_s }, { u"sessionId"_s, u"s-1"_s },
                { u"participantId"_s, u"u-ada"_s }, { u"typing"_s, false } },
            { u"sessionId"_s, u"participantId"_s, u"typing"_s }, {} },
        { u"session_renamed"_s, true,
            { { u"type"_s, u"session_renamed"_s }, { u"sessionId"_s, u"s-1"_s },
                { u"epoch"_s, u"e-1"_s }, { u"revision"_s, 7 }, { u"title"_s, u"Algebra II"_s },
                { u"actorId"_s, u"u-ada"_s }, { u"timestamp"_s, formatTimestamp(kTime) } },
            { u"sessionId"_s, u"epoch"_s, u"revision"_s, u"title"_s, u"timestamp"_s }, {} },
        { u"session_deleted"_s, true,
            { { u"type"_s, u"session_deleted"_s }, { u"sessionId"_s, u"s-1"_s },
                { u"epoch"_s, u"e-1"_s }, { u"revision"_s, 8 }, { u"actorId"_s, u"u-ada"_s },
                { u"timestamp"_s, formatTimestamp(kTime) } },
            { u"sessionId"_s, u"epoch"_s, u"revision"_s, u"timestamp"_s }, {} },
    };
}

/// A copy of `node` with the value at `path` replaced, or removed when `replacement` is unset.
QJsonValue withChange(
    const QJsonValue &node, QStringList path, const std::optional<QJsonValue> &replacement)
{
    const QString key = path.takeFirst();
    if (node.isArray()) {
        QJsonArray array = node.toArray();
        const int index = key.toInt();
        if (!path.isEmpty())
            array.replace(index, withChange(array.at(index), path, replacement));
        else if (replacement)
            array.replace(index, *replacement);
        else
            array.removeAt(index);
        return array;
    }
    QJsonObject object = node.toObject();
    if (!path.isEmpty())
        object.insert(key, withChange(object.value(key), path, replacement));
    else if (replacement)
        object.insert(key, *replacement);
    else
        object.remove(key);
    return object;
}

QJsonObject changed(const QJsonObject &object, const QString &path,
    const std::optional<QJsonValue> &replacement = std::nullopt)
{
    return withChange(object, path.split(u'.'), replacement).toObject();
}

/// Every path below `node` that names a field (array items are entered, not named).
void collectPaths(const QJsonValue &node, const QString &prefix, QStringList &paths)
{
    if (node.isObject()) {
        const QJsonObject object = node.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (prefix.isEmpty() && it.key() == u"type"_s)
                continue;
            const QString path = prefix + it.key();
            paths << path;
            collectPaths(it.value(), path + u'.', paths);
        }
    } else if (node.isArray()) {
        const QJsonArray array = node.toArray();
        for (qsizetype i = 0; i < array.size(); ++i)
            collectPaths(array.at(i), prefix + QString::number(i) + u'.', paths);
    }
}

/// Values of a JSON type other than `value`'s (a scalar and a container).
QList<std::pair<QString, QJsonValue>> wrongTypesFor(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String:
        return { { u"number"_s, 42 }, { u"array"_s, QJsonArray { u"x"_s } } };
    case QJsonValue::Double:
        return { { u"string"_s, u"1"_s }, { u"bool"_s, true } };
    case QJsonValue::Bool:
        return { { u"string"_s, u"true"_s }, { u"number"_s, 1 } };
    case QJsonValue::Object:
        return { { u"string"_s, u"x"_s }, { u"array"_s, QJsonArray {} } };
    case QJsonValue::Array:
        return { { u"string"_s, u"x"_s }, { u"object"_s, QJsonObject {} } };
    default:
        return {};
    }
}

QString lastSegment(const QString &path)
{
    return path.section(u'.', -1);
}

} // namespace

class TestProtocol : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void limitsDefaults();
    void enumNames_data();
    void enumNames();

    void clientRoundTrip_data();
    void clientRoundTrip();
    void serverRoundTrip_data();
    void serverRoundTrip();
    void theDirectWriterWritesWhatQJsonDocumentWrites();
    void rosterEventsAreWrittenAsQJsonDocumentWritesThem();
    void acksAreWrittenAsQJsonDocumentWritesThem();
    void sessionSummaryRoundTrip();
    void sessionSummaryWithLastMessage();
    void previewsAreCutWhole();
    void framesWithoutHistoryFieldsStillDecode();
    void malformedMembershipEntriesAreRefused();
    void ackResultCarriesOnlyTheRequestsOwnFields();
    void typedAckResultsRoundTrip();
    void malformedAckResultsAreRefused();
    void unknownErrorCodeStaysAnError();

    void missingRequiredField_data();
    void missingRequiredField();
    void wrongFieldType_data();
    void wrongFieldType();
    void rejectsMalformedClientFrame_data();
    void rejectsMalformedClientFrame();
    void rejectsMalformedServerFrame_data();
    void rejectsMalformedServerFrame();
    void protocolVersionIsNotTruncated();

    void acceptsBoundaryValues_data();
    void acceptsBoundaryValues();
    void honoursConfiguredLimits();
    void trimsNamesAndTitles();
    void normalizesDisplayNames_data();
    void normalizesDisplayNames();
    void refusesRoleLabelNames();
    void nameLimitAppliesAfterTrimming();
    void loneSurrogatesAreRefused();
    void errorsQuoteOnlyReadableText();

    void unknownFieldsAreIgnored_data();
    void unknownFieldsAreIgnored();

    void timestampFormat_data();
    void timestampFormat();
    void timestampParsing();
    void encodedTimestampsAreUtcWithMilliseconds();
    void timestampsAreWrittenAsQtWritesThem();
    void rosterHashIsSortedAndStable();
    void rosterHashIsTheDefinitionsAtEverySize();
    void theRosterKeepsItsStageAndNames();
    void timestampsWithoutZoneOrOutOfRangeAreRefused();
};

void TestProtocol::limitsDefaults()
{
    // The numbers docs/protocol.md and the issue's contract promise.
    const Limits limits;
    QCOMPARE(limits.maxFrameBytes, 64 * 1024);
    QCOMPARE(limits.maxTextLength, 4000);
    QCOMPARE(limits.maxNameLength, 100);
    QCOMPARE(limits.maxIdLength, 128);
    QCOMPARE(Version, 1);
    QCOMPARE(QLatin1String(EndpointPath), "/v1"_L1);
}

void TestProtocol::enumNames_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("value");
    QTest::addColumn<QString>("wireName");

    const auto add = [](const char *kind, auto value, const char *name) {
        QTest::addRow("%s:%s", kind, name)
            << QString::fromLatin1(kind) << static_cast<int>(value) << QString::fromLatin1(name);
    };
    add("participantType", ParticipantType::User, "user");
    add("participantType", ParticipantType::Helpy, "helpy");
    add("role", Role::Owner, "owner");
    add("role", Role::Moderator, "moderator");
    add("role", Role::Member, "member");
    add("presence", Presence::Online, "online");
    add("presence", Presence::Reconnecting, "reconnecting");
    add("presence", Presence::Offline, "offline");
    add("error", ErrorCode::BadRequest, "bad_request");
    add("error", ErrorCode::UnsupportedProtocol, "unsupported_protocol");
    add("error", ErrorCode::NotAuthenticated, "not_authenticated");
    add("error", ErrorCode::NotFound, "not_found");
    add("error", ErrorCode::Forbidden, "forbidden");
    add("error", ErrorCode::Conflict, "conflict");
    add("error", ErrorCode::LimitExceeded, "limit_exceeded");
    add("error", ErrorCode::RateLimited, "rate_limited");
    add("error", ErrorCode::TooLarge, "too_large");
    add("error", ErrorCode::Internal, "internal");
}

void TestProtocol::enumNames()
{
    QFETCH(QString, kind);
    QFETCH(int, value);
    QFETCH(QString, wireName);

    std::optional<int> parsed;
    std::optional<int> parsedUpper;
    QString printed;
    if (kind == u"participantType"_s) {
        printed = toString(static_cast<ParticipantType>(value));
        if (auto v = participantTypeFromString(wireName))
            parsed = static_cast<int>(*v);
        if (auto v = participantTypeFromString(wireName.toUpper()))
            parsedUpper = static_cast<int>(*v);
    } else if (kind == u"role"_s) {
        printed = toString(static_cast<Role>(value));
        if (auto v = roleFromString(wireName))
            parsed = static_cast<int>(*v);
        if (auto v = roleFromString(wireName.toUpper()))
            parsedUpper = static_cast<int>(*v);
    } else if (kind == u"presence"_s) {
        printed = toString(static_cast<Presence>(value));
        if (auto v = presenceFromString(wireName))
            parsed = static_cast<int>(*v);
        if (auto v = presenceFromString(wireName.toUpper()))
            parsedUpper = static_cast<int>(*v);
    } else {
        printed = toString(static_cast<ErrorCode>(value));
        if (auto v = errorCodeFromString(wireName))
            parsed = static_cast<int>(*v);
        if (auto v = errorCodeFromString(wireName.toUpper()))
            parsedUpper = static_cast<int>(*v);
    }
    QCOMPARE(printed, wireName);
    QCOMPARE(parsed, std::optional<int>(value));
    QVERIFY2(!parsedUpper, "wire names are case-sensitive");
}

void TestProtocol::clientRoundTrip_data()
{
    QTest::addColumn<ClientFrame>("frame");
    QTest::addColumn<QString>("type");

    QTest::newRow("hello") << ClientFrame(Hello { 1, u"Ada"_s, {} }) << u"hello"_s;
    QTest::newRow("hello with token")
        << ClientFrame(Hello { 1, u"Ada Lovelace"_s, u"3f9c0a-secret"_s }) << u"hello"_s;
    QTest::newRow("hello, future protocol") << ClientFrame(Hello { 2, u"Ada"_s, {} }) << u"hello"_s;
    QTest::newRow("hello with features")
        << ClientFrame(Hello { 1, u"Ada"_s, {}, { u"roster_summary"_s, u"later"_s } })
        << u"hello"_s;
    QTest::newRow("join_session, whole roster")
        << ClientFrame(JoinSession { u"r-2"_s, u"s-1"_s, {}, {}, std::nullopt, RosterMode::Full })
        << u"join_session"_s;
    QTest::newRow("join_session, summary")
        << ClientFrame(JoinSession { u"r-2"_s, u"s-1"_s, {}, u"e-1"_s, 4, RosterMode::Summary })
        << u"join_session"_s;
    QTest::newRow("create_session")
        << ClientFrame(CreateSession { u"r-1"_s, u"Algebra — chapter 3"_s }) << u"create_session"_s;
    QTest::newRow("join_session by id")
        << ClientFrame(JoinSession { u"r-2"_s, u"s-1"_s, {}, {}, std::nullopt })
        << u"join_session"_s;
    QTest::newRow("join_session by invite")
        << ClientFrame(JoinSession { u"r-3"_s, {}, u"K3Y-42"_s, {}, std::nullopt })
        << u"join_session"_s;
    QTest::newRow("join_session resume")
        << ClientFrame(JoinSession { u"r-4"_s, u"s-1"_s, {}, u"e-1"_s, 12 }) << u"join_session"_s;
    QTest::newRow("join_session resume from 0")
        << ClientFrame(JoinSession { u"r-5"_s, u"s-1"_s, {}, u"e-1"_s, 0 }) << u"join_session"_s;
    QTest::newRow("leave_session")
        << ClientFrame(LeaveSession { u"r-6"_s, u"s-1"_s }) << u"leave_session"_s;
    QTest::newRow("add_participant user")
        << ClientFrame(AddParticipant { u"r-7"_s, u"s-1"_s, ParticipantType::User, u"u-bob"_s, {} })
        << u"add_participant"_s;
    QTest::newRow("add_participant new helpy") << ClientFrame(
        AddParticipant { u"r-8"_s, u"s-1"_s, ParticipantType::Helpy, {}, u"Helpy (maths)"_s })
                                               << u"add_participant"_s;
    QTest::newRow("add_participant existing helpy")
        << ClientFrame(AddParticipant { u"r-9"_s, u"s-1"_s, ParticipantType::Helpy, u"h-1"_s, {} })
        << u"add_participant"_s;
    QTest::newRow("remove_participant")
        << ClientFrame(RemoveParticipant { u"r-10"_s, u"s-1"_s, u"h-1"_s })
        << u"remove_participant"_s;
    QTest::newRow("set_role owner")
        << ClientFrame(SetRole { u"r-11"_s, u"s-1"_s, u"u-bob"_s, Role::Owner }) << u"set_role"_s;
    QTest::newRow("set_role moderator")
        << ClientFrame(SetRole { u"r-12"_s, u"s-1"_s, u"u-bob"_s, Role::Moderator })
        << u"set_role"_s;
    QTest::newRow("set_role member")
        << ClientFrame(SetRole { u"r-13"_s, u"s-1"_s, u"u-bob"_s, Role::Member }) << u"set_role"_s;
    QTest::newRow("create_invite")
        << ClientFrame(CreateInvite { u"r-14"_s, u"s-1"_s }) << u"create_invite"_s;
    QTest::newRow("create_invite with terms")
        << ClientFrame(CreateInvite { u"r-14"_s, u"s-1"_s, 3, 3600 }) << u"create_invite"_s;
    QTest::newRow("revoke_invite")
        << ClientFrame(RevokeInvite { u"r-17"_s, u"s-1"_s, u"K3Y42ABC"_s }) << u"revoke_invite"_s;
    QTest::newRow("ban_participant")
        << ClientFrame(BanParticipant { u"r-18"_s, u"s-1"_s, u"u-bob"_s }) << u"ban_participant"_s;
    QTest::newRow("unban_participant")
        << ClientFrame(UnbanParticipant { u"r-19"_s, u"s-1"_s, u"u-bob"_s })
        << u"unban_participant"_s;
    QTest::newRow("list_sessions") << ClientFrame(ListSessions { u"r-15"_s }) << u"list_sessions"_s;
    QTest::newRow("list_sessions next page")
        << ClientFrame(ListSessions { u"r-15"_s, u"s-9"_s, 50 }) << u"list_sessions"_s;
    QTest::newRow("list_sessions one row")
        << ClientFrame(ListSessions { u"r-15"_s, {}, 1 }) << u"list_sessions"_s;
    QTest::newRow("rename_session")
        << ClientFrame(RenameSession { u"r-20"_s, u"s-1"_s, u"Algebra II"_s })
        << u"rename_session"_s;
    QTest::newRow("delete_session")
        << ClientFrame(DeleteSession { u"r-21"_s, u"s-1"_s }) << u"delete_session"_s;
    QTest::newRow("send_message") << ClientFrame(
        SendMessage { u"r-16"_s, u"s-1"_s, u"Line one\nline \"two\" — ünïcödé 🎓"_s })
                                  << u"send_message"_s;
    QTest::newRow("set_typing on") << ClientFrame(SetTyping { u"s-1"_s, true }) << u"set_typing"_s;
    QTest::newRow("set_typing off")
        << ClientFrame(SetTyping { u"s-1"_s, false }) << u"set_typing"_s;
}

void TestProtocol::clientRoundTrip()
{
    QFETCH(ClientFrame, frame);
    QFETCH(QString, type);

    QCOMPARE(typeName(frame), type);
    const QJsonObject json = toJson(frame);
    QCOMPARE(json.value(u"type"_s).toString(), type);
    QCOMPARE(requestIdOf(frame), json.value(u"requestId"_s).toString());
    for (auto it = json.begin(); it != json.end(); ++it)
        QVERIFY2(!it->isNull(), qPrintable(u"encoded null for "_s + it.key()));

    const QString text = encode(frame);
    QCOMPARE(QJsonDocument::fromJson(text.toUtf8()).object(), json);

    const auto decoded = decodeClientFrame(text.toUtf8());
    if (const auto *error = std::get_if<DecodeError>(&decoded))
        QFAIL(qPrintable(error->message + u" in "_s + text));
    const auto &back = std::get<ClientFrame>(decoded);
    QVERIFY2(sameFrame(back, frame), qPrintable(encode(back) + u" != "_s + text));
    QCOMPARE(encode(back), text);
}

void TestProtocol::serverRoundTrip_data()
{
    QTest::addColumn<ServerFrame>("frame");
    QTest::addColumn<QString>("type");

    QTest::newRow("welcome") << ServerFrame(Welcome { 1, u"u-ada"_s, u"t0ken"_s, kTime, 15 })
                             << u"welcome"_s;
    QTest::newRow("welcome with features")
        << ServerFrame(Welcome { 1, u"u-ada"_s, u"t0ken"_s, kTime, 15, { u"roster_summary"_s } })
        << u"welcome"_s;
    QTest::newRow("ack bare") << ServerFrame(Ack { u"r-1"_s, std::nullopt, {} }) << u"ack"_s;
    QTest::newRow("ack create_session")
        << ServerFrame(Ack { u"r-2"_s, std::nullopt, { { u"sessionId"_s, u"s-1"_s } } })
        << u"ack"_s;
    QTest::newRow("ack with revision") << ServerFrame(Ack { u"r-3"_s, 7, {} }) << u"ack"_s;
    QTest::newRow("ack revision 0") << ServerFrame(Ack { u"r-3"_s, 0, {} }) << u"ack"_s;
    QTest::newRow("ack create_invite")
        << ServerFrame(Ack { u"r-4"_s, std::nullopt, { { u"inviteCode"_s, u"K3Y-42"_s } } })
        << u"ack"_s;
    const SessionSummary summary { u"s-1"_s, u"Algebra"_s, Role::Moderator, 3, 9 };
    QTest::newRow("ack list_sessions") << ServerFrame(
        Ack { u"r-5"_s, std::nullopt, { { u"sessions"_s, QJsonArray { toJson(summary) } } } })
                                       << u"ack"_s;
    const QList<std::pair<ErrorCode, const char *>> codes {
        { ErrorCode::BadRequest, "bad_request" },
        { ErrorCode::UnsupportedProtocol, "unsupported_protocol" },
        { ErrorCode::NotAuthenticated, "not_authenticated" },
        { ErrorCode::NotFound, "not_found" },
        { ErrorCode::Forbidden, "forbidden" },
        { ErrorCode::Conflict, "conflict" },
        { ErrorCode::LimitExceeded, "limit_exceeded" },
        { ErrorCode::RateLimited, "rate_limited" },
        { ErrorCode::TooLarge, "too_large" },
        { ErrorCode::Internal, "internal" },
    };
    for (const auto &[code, name] : codes) {
        QTest::addRow("error %s", name)
            << ServerFrame(Error { u"r-6"_s, code, u"why: "_s + QLatin1String(name) })
            << u"error"_s;
    }
    QTest::newRow("error without requestId")
        << ServerFrame(Error { {}, ErrorCode::BadRequest, u"malformed JSON"_s }) << u"error"_s;
    QTest::newRow("error without message")
        << ServerFrame(Error { u"r-7"_s, ErrorCode::Internal, {} }) << u"error"_s;
    const QString hash(64, u'c');
    QTest::newRow("roster_summary")
        << ServerFrame(RosterSummary { u"s-1"_s, u"e-1"_s, 12, 3000, hash }) << u"roster_summary"_s;
    QTest::newRow("roster_summary without hash")
        << ServerFrame(RosterSummary { u"s-1"_s, u"e-1"_s, 12, 0, {} }) << u"roster_summary"_s;
    SessionSnapshot partial { u"s-1"_s, u"e-1"_s, 3, u"Lecture"_s, { ada() }, {} };
    partial.rosterPartial = true;
    partial.participantCount = 3000;
    partial.rosterHash = hash;
    QTest::newRow("session_snapshot summary") << ServerFrame(partial) << u"session_snapshot"_s;
    QTest::newRow("session_digest with count")
        << ServerFrame(SessionDigest { u"s-1"_s, u"e-1"_s, 3, hash, 3000 }) << u"session_digest"_s;
    QTest::newRow("session_snapshot empty")
        << ServerFrame(SessionSnapshot { u"s-1"_s, u"e-1"_s, 0, u"Empty"_s, {}, {} })
        << u"session_snapshot"_s;
    Participant offline = ada();
    offline.id = u"u-bob"_s;
    offline.displayName = u"Bob"_s;
    offline.role = Role::Moderator;
    offline.presence = Presence::Offline;
    Participant reconnecting = offline;
    reconnecting.id = u"u-cy"_s;
    reconnecting.role = Role::Member;
    reconnecting.presence = Presence::Reconnecting;
    QTest::newRow("session_snapshot full")
        << ServerFrame(SessionSnapshot { u"s-1"_s, u"e-1"_s, 9, u"Algebra"_s,
               { ada(), offline, reconnecting, helpy() }, { chatLine(u"r-12"_s), chatLine({}) } })
        << u"session_snapshot"_s;
    ChatMessage named = chatLine(u"r-13"_s);
    named.authorName = u"Ada"_s;
    MembershipEntry joined { 1, kTime, MembershipEntry::Change::Joined, u"u-ada"_s, u"Ada"_s,
        ParticipantType::User, {}, {}, Role::Owner };
    MembershipEntry removedEntry { 4, kTime, MembershipEntry::Change::Removed, u"h-1"_s,
        u"Math Helpy"_s, ParticipantType::Helpy, u"u-ada"_s, u"Ada"_s, Role::Member };
    MembershipEntry promoted { 6, kTime, MembershipEntry::Change::RoleChanged, u"u-bob"_s, u"Bob"_s,
        ParticipantType::User, u"u-ada"_s, u"Ada"_s, Role::Moderator };
    MembershipEntry addedEntry { 2, kTime, MembershipEntry::Change::Added, u"u-bob"_s, u"Bob"_s,
        ParticipantType::User, u"u-ada"_s, u"Ada"_s, Role::Member };
    MembershipEntry left { 7, kTime, MembershipEntry::Change::Left, u"u-bob"_s, u"Bob"_s,
        ParticipantType::User, {}, {}, Role::Moderator };
    SessionSnapshot withHistory { u"s-1"_s, u"e-1"_s, 9, u"Algebra"_s, { ada() }, { named },
        { joined, addedEntry, removedEntry, promoted, left } };
    QTest::newRow("session_snapshot with authorName and membership")
        << ServerFrame(withHistory) << u"session_snapshot"_s;

    const auto added = [](const Participant &p, const QString &actor) {
        return ParticipantChangeEvent { .type = ParticipantChangeEvent::Type::Added,
            .sessionId = u"s-1"_s,
            .epoch = u"e-1"_s,
            .revision = 4,
            .participantId = p.id,
            .participantType = p.type,
            .participant = p,
            .reason = ParticipantChangeEvent::Reason::None,
            .actorId = actor,
            .timestamp = kTime };
    };
    QTest::newRow("participant_added user")
        << ServerFrame(added(ada(), u"u-ada"_s)) << u"participant_added"_s;
    QTest::newRow("participant_added helpy")
        << ServerFrame(added(helpy(), u"u-ada"_s)) << u"participant_added"_s;
    QTest::newRow("participant_added without actor")
        << ServerFrame(added(helpy(), {})) << u"participant_added"_s;

    const auto removed = [](const Participant &p, ParticipantChangeEvent::Reason reason) {
        Participant idOnly;
        idOnly.id = p.id;
        idOnly.type = p.type;
        return ParticipantChangeEvent { .type = ParticipantChangeEvent::Type::Removed,
            .sessionId = u"s-1"_s,
            .epoch = u"e-1"_s,
            .revision = 6,
            .participantId = p.id,
            .participantType = p.type,
            .participant = idOnly,
            .reason = reason,
            .actorId = u"u-ada"_s,
            .timestamp = kTime };
    };
    QTest::newRow("participant_removed helpy")
        << ServerFrame(removed(helpy(), ParticipantChangeEvent::Reason::Removed))
        << u"participant_removed"_s;
    QTest::newRow("participant_removed user left")
        << ServerFrame(removed(ada(), ParticipantChangeEvent::Reason::Left))
        << u"participant_removed"_s;

    ParticipantChangeEvent updated = added(offline, u"u-ada"_s);
    updated.type = ParticipantChangeEvent::Type::Updated;
    updated.revision = 7;
    QTest::newRow("participant_updated") << ServerFrame(updated) << u"participant_updated"_s;

    QTest::newRow("message") << ServerFrame(
        MessageEvent { u"s-1"_s, u"e-1"_s, chatLine(u"r-12"_s) })
                             << u"message"_s;
    QTest::newRow("message with authorName")
        << ServerFrame(MessageEvent { u"s-1"_s, u"e-1"_s, named }) << u"message"_s;
    QTest::newRow("message without requestId")
        << ServerFrame(MessageEvent { u"s-1"_s, u"e-1"_s, chatLine({}) }) << u"message"_s;
    QTest::newRow("typing on") << ServerFrame(TypingEvent { u"s-1"_s, u"u-ada"_s, true })
                               << u"typing"_s;
    QTest::newRow("typing off") << ServerFrame(TypingEvent { u"s-1"_s, u"u-ada"_s, false })
                                << u"typing"_s;
    QTest::newRow("session_digest")
        << ServerFrame(SessionDigest { u"s-1"_s, u"e-1"_s, 42, QString(64, u'a') })
        << u"session_digest"_s;
    QTest::newRow("session_renamed") << ServerFrame(
        SessionRenamedEvent { u"s-1"_s, u"e-1"_s, 43, u"Algebra II"_s, u"u-ada"_s, kTime })
                                     << u"session_renamed"_s;
    QTest::newRow("session_deleted")
        << ServerFrame(SessionDeletedEvent { u"s-1"_s, u"e-1"_s, 44, u"u-ada"_s, kTime })
        << u"session_deleted"_s;
    QTest::newRow("session_activity") << ServerFrame(SessionActivity {
        u"s-1"_s, MessagePreview { 45, u"m-9"_s, u"u-ada"_s, u"Ada"_s, u"see you at 5"_s, kTime } })
                                      << u"session_activity"_s;
    QTest::newRow("session_activity without authorName") << ServerFrame(SessionActivity {
        u"s-1"_s, MessagePreview { 46, u"m-10"_s, u"u-ada"_s, {}, u"hi"_s, kTime } })
                                                         << u"session_activity"_s;
}

// authorName and membership were added after v1 shipped: frames of older servers (and
// older stored logs) without them are read as before.
void TestProtocol::framesWithoutHistoryFieldsStillDecode()
{
    const QByteArray snapshot = R"({"type":"session_snapshot","sessionId":"s-1","epoch":"e-1",)"
                                R"("revision":1,"title":"A","participants":[],"messages":[{)"
                                R"("messageId":"m-1","authorId":"u-1","text":"hi",)"
                                R"("timestamp":"2026-11-26T10:15:30.123Z","revision":1}]})";
    const auto decoded = decodeServerFrame(snapshot);
    QVERIFY(std::holds_alternative<ServerFrame>(decoded));
    const auto *s = std::get_if<SessionSnapshot>(&std::get<ServerFrame>(decoded));
    QVERIFY(s);
    QVERIFY(s->membership.isEmpty());
    QCOMPARE(s->messages.size(), 1);
    QVERIFY(s->messages.first().authorName.isEmpty());
    // And what a newer server encodes without them has no such keys.
    const QJsonObject json = toJson(ServerFrame(MessageEvent { u"s-1"_s, u"e-1"_s, chatLine({}) }));
    QVERIFY(!json.contains(u"authorName"_s));
}

void TestProtocol::malformedMembershipEntriesAreRefused()
{
    const auto snapshotWith = [](const QByteArray &entry) {
        return QByteArray(R"({"type":"session_snapshot","sessionId":"s-1","epoch":"e-1",)"
                          R"("revision":1,"title":"A","participants":[],"messages":[],)"
                          R"("membership":[)")
            + entry + "]}";
    };
    const QByteArray good = R"({"revision":1,"timestamp":"2026-11-26T10:15:30.123Z",)"
                            R"("change":"joined","participantId":"u-1","participantName":"Ana",)"
                            R"("participantType":"user","role":"owner"})";
    QVERIFY(std::holds_alternative<ServerFrame>(decodeServerFrame(snapshotWith(good))));
    const auto refusal = [&](const QByteArray &entry) {
        const auto decoded = decodeServerFrame(snapshotWith(entry));
        const auto *error = std::get_if<DecodeError>(&decoded);
        return error ? error->message : QString();
    };
    QVERIFY(refusal("42").contains(u"membership entries must be objects"_s));
    QVERIFY(refusal(QByteArray(good).replace("joined", "vanished")).contains(u"'change'"_s));
    QVERIFY(refusal(QByteArray(good).replace(R"("participantId":"u-1",)", ""))
                .contains(u"missing field 'participantId'"_s));
    const auto decoded = decodeServerFrame(QByteArray(R"({"type":"session_snapshot",)"
                                                      R"("sessionId":"s-1","epoch":"e-1",)"
                                                      R"("revision":1,"title":"A",)"
                                                      R"("participants":[],"messages":[],)"
                                                      R"("membership":"none"})"));
    QVERIFY(std::holds_alternative<DecodeError>(decoded));
}

void TestProtocol::serverRoundTrip()
{
    QFETCH(ServerFrame, frame);
    QFETCH(QString, type);

    QCOMPARE(typeName(frame), type);
    const QJsonObject json = toJson(frame);
    QCOMPARE(json.value(u"type"_s).toString(), type);
    for (auto it = json.begin(); it != json.end(); ++it)
        QVERIFY2(!it->isNull(), qPrintable(u"encoded null for "_s + it.key()));

    const QString text = encode(frame);
    const auto decoded = decodeServerFrame(text.toUtf8());
    if (const auto *error = std::get_if<DecodeError>(&decoded))
        QFAIL(qPrintable(error->message + u" in "_s + text));
    const auto &back = std::get<ServerFrame>(decoded);
    QVERIFY2(sameFrame(back, frame), qPrintable(encode(back) + u" != "_s + text));
    QCOMPARE(encode(back), text);

    // The original feature's field names stay on the wire for roster events.
    if (type == u"participant_added"_s || type == u"participant_removed"_s) {
        for (const auto key : { "sessionId", "participantId", "participantType", "timestamp" })
            QVERIFY2(json.contains(QLatin1String(key)), key);
    }
}

void TestProtocol::sessionSummaryRoundTrip()
{
    const SessionSummary summary { u"s-1"_s, u"Algebra"_s, Role::Owner, 12, 345 };
    const QJsonObject json = toJson(summary);
    QCOMPARE(json.keys(),
        QStringList(
            { u"participantCount"_s, u"revision"_s, u"role"_s, u"sessionId"_s, u"title"_s }));
    QCOMPARE(sessionSummaryFromJson(json), std::optional(summary));

    for (const QString &key : json.keys())
        QVERIFY2(!sessionSummaryFromJson(changed(json, key)), qPrintable(key));
    QVERIFY(!sessionSummaryFromJson(changed(json, u"role"_s, u"admin"_s)));
    QVERIFY(!sessionSummaryFromJson(changed(json, u"participantCount"_s, -1)));
    QVERIFY(!sessionSummaryFromJson(changed(json, u"revision"_s, u"3"_s)));
}

// list_sessions rows name their last message (a preview), so the list shows it and sorts by it.
void TestProtocol::sessionSummaryWithLastMessage()
{
    SessionSummary summary { u"s-1"_s, u"Algebra"_s, Role::Owner, 12, 345 };
    summary.lastMessage = MessagePreview { 340, u"m-1"_s, u"u-ada"_s, u"Ada"_s, u"hi"_s, kTime };
    const QJsonObject json = toJson(summary);
    QVERIFY(json.value(u"lastMessage"_s).isObject());
    QCOMPARE(sessionSummaryFromJson(json), std::optional(summary));
    // A malformed preview makes the row unreadable, like any malformed field.
    QJsonObject last = json.value(u"lastMessage"_s).toObject();
    last.remove(u"messageId"_s);
    QVERIFY(!sessionSummaryFromJson(changed(json, u"lastMessage"_s, last)));
    last = json.value(u"lastMessage"_s).toObject();
    last.insert(u"text"_s, QString(MessagePreview::MaxLength + 1, u'x'));
    QVERIFY(!sessionSummaryFromJson(changed(json, u"lastMessage"_s, last)));
    // Absent (an older server, or no message yet): none.
    QVERIFY(!sessionSummaryFromJson(changed(json, u"lastMessage"_s))->lastMessage);
}

void TestProtocol::previewsAreCutWhole()
{
    ChatMessage message;
    message.messageId = u"m-1"_s;
    message.authorId = u"u-1"_s;
    message.revision = 3;
    message.text = u"short"_s;
    QCOMPARE(previewOf(message).text, u"short"_s);
    message.text = QString(MessagePreview::MaxLength + 50, u'a');
    QCOMPARE(previewOf(message).text.size(), MessagePreview::MaxLength);
    // An emoji across the cut is left out whole, never halved into a lone surrogate.
    message.text = QString(MessagePreview::MaxLength - 1, u'a') + u"😀 tail"_s;
    const QString cut = previewOf(message).text;
    QCOMPARE(cut.size(), MessagePreview::MaxLength - 1);
    QVERIFY(!cut.back().isHighSurrogate());
}

void TestProtocol::ackResultCarriesOnlyTheRequestsOwnFields()
{
    const QByteArray text
        = R"({"type":"ack","requestId":"r-1","revision":8,"sessionId":"s-1","extra":{"a":1}})";
    const auto decoded = decodeServerFrame(text);
    QVERIFY(std::holds_alternative<ServerFrame>(decoded));
    const Ack ack = std::get<Ack>(std::get<ServerFrame>(decoded));
    QCOMPARE(ack.requestId, u"r-1"_s);
    QCOMPARE(ack.revision, std::optional<qint64>(8));
    // Everything but the envelope is the request's result (unknown fields included).
    QCOMPARE(ack.result,
        QJsonObject(
            { { u"sessionId"_s, u"s-1"_s }, { u"extra"_s, QJsonObject { { u"a"_s, 1 } } } }));
}

namespace {
/// Encodes the ack, decodes the text and reads the typed result back.
template<typename Result> std::optional<Result> throughTheWire(const Result &result, QString *text)
{
    Ack ack = makeAck(5, result);
    ack.requestId = u"r-9"_s;
    *text = encode(ServerFrame(ack));
    const auto decoded = decodeServerFrame(text->toUtf8());
    if (!std::holds_alternative<ServerFrame>(decoded))
        return std::nullopt;
    const Ack back = std::get<Ack>(std::get<ServerFrame>(decoded));
    if (back.requestId != ack.requestId || back.revision != std::optional<qint64>(5))
        return std::nullopt;
    return resultOf<Result>(back);
}
} // namespace

void TestProtocol::typedAckResultsRoundTrip()
{
    QString text;
    const CreateSessionResult created { u"s-1"_s, u"e-1"_s };
    QCOMPARE(throughTheWire(created, &text), std::optional(created));
    QCOMPARE(text,
        uR"({"epoch":"e-1","requestId":"r-9","revision":5,"sessionId":"s-1","type":"ack"})"_s);

    const JoinSessionResult joined { u"s-1"_s, u"e-1"_s, true };
    QCOMPARE(throughTheWire(joined, &text), std::optional(joined));
    QVERIFY(text.contains(uR"("resumed":true)"_s));

    const AddParticipantResult added { u"h-1"_s, false };
    QCOMPARE(throughTheWire(added, &text), std::optional(added));
    QVERIFY(text.contains(uR"("added":false,"participantId":"h-1")"_s));

    CreateInviteResult invite { u"K3Y42ABC"_s, u"s-1"_s, kTime };
    QCOMPARE(throughTheWire(invite, &text), std::optional(invite));
    QVERIFY(!text.contains(u"maxUses"_s));
    invite.maxUses = 3;
    QCOMPARE(throughTheWire(invite, &text), std::optional(invite));
    QVERIFY(text.contains(uR"("maxUses":3)"_s));

    const ListSessionsResult list { { { u"s-1"_s, u"Algebra"_s, Role::Owner, 3, 12 },
        { u"s-2"_s, u"Chemistry"_s, Role::Member, 9, 400 } } };
    QCOMPARE(throughTheWire(list, &text), std::optional(list));
    QVERIFY(!text.contains(u"nextCursor"_s)); // the last page
    QCOMPARE(throughTheWire(ListSessionsResult {}, &text), std::optional(ListSessionsResult {}));
    const ListSessionsResult page { { { u"s-1"_s, u"Algebra"_s, Role::Owner, 3, 12 } }, u"s-1"_s };
    QCOMPARE(throughTheWire(page, &text), std::optional(page));
    QVERIFY(text.contains(uR"("nextCursor":"s-1")"_s));

    const SendMessageResult sent { u"m-7"_s };
    QCOMPARE(throughTheWire(sent, &text), std::optional(sent));

    const Ack bare = makeAck(std::nullopt);
    QVERIFY(bare.result.isEmpty());
    QVERIFY(!bare.revision);
}

void TestProtocol::malformedAckResultsAreRefused()
{
    auto ackOf = [](const QJsonObject &fields) {
        Ack ack;
        ack.requestId = u"r-1"_s;
        ack.result = fields;
        return ack;
    };
    QVERIFY(!resultOf<CreateSessionResult>(ackOf({ { u"sessionId"_s, u"s-1"_s } })));
    QVERIFY(!resultOf<CreateSessionResult>(ackOf({})));
    QVERIFY(!resultOf<JoinSessionResult>(ackOf(
        { { u"sessionId"_s, u"s-1"_s }, { u"epoch"_s, u"e"_s }, { u"resumed"_s, u"yes"_s } })));
    QVERIFY(!resultOf<AddParticipantResult>(
        ackOf({ { u"participantId"_s, u""_s }, { u"added"_s, true } })));
    QVERIFY(!resultOf<CreateInviteResult>(
        ackOf({ { u"inviteCode"_s, 42 }, { u"sessionId"_s, u"s-1"_s } })));
    QVERIFY(!resultOf<CreateInviteResult>(ackOf({ { u"inviteCode"_s, u"K3Y42ABC"_s },
        { u"sessionId"_s, u"s-1"_s }, { u"expiresAt"_s, u"soon"_s } })));
    QVERIFY(!resultOf<ListSessionsResult>(ackOf({ { u"sessions"_s, u"none"_s } })));
    QVERIFY(!resultOf<ListSessionsResult>(
        ackOf({ { u"sessions"_s, QJsonArray() }, { u"nextCursor"_s, 7 } })));
    QVERIFY(!resultOf<SendMessageResult>(ackOf({ { u"messageId"_s, QJsonValue() } })));
    // A session row this version cannot read is left out; the others still count.
    const auto partial = resultOf<ListSessionsResult>(ackOf({ { u"sessions"_s,
        QJsonArray { QJsonObject { { u"sessionId"_s, u"s-1"_s } },
            toJson(SessionSummary { u"s-2"_s, u"Art"_s, Role::Member, 2, 3 }) } } }));
    QVERIFY(partial);
    QCOMPARE(partial->sessions.size(), 1);
    QCOMPARE(partial->sessions.first().sessionId, u"s-2"_s);
}

void TestProtocol::unknownErrorCodeStaysAnError()
{
    const auto decoded = decodeServerFrame(
        R"({"type":"error","requestId":"r-1","code":"quota_gone","message":"m"})");
    QVERIFY(std::holds_alternative<ServerFrame>(decoded));
    const Error error = std::get<Error>(std::get<ServerFrame>(decoded));
    QCOMPARE(error.requestId, u"r-1"_s);
    QCOMPARE(toString(error.code), u"internal"_s);
    QCOMPARE(error.message, u"m"_s);
}

void TestProtocol::missingRequiredField_data()
{
    QTest::addColumn<bool>("fromServer");
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("requestId");

    for (const FrameSpec &spec : clientSpecs() + serverSpecs()) {
        // The unmodified frame must decode, or every row below would pass for a wrong reason.
        const auto valid = decodeErrorOf(spec.fromServer, compact(spec.json));
        QVERIFY2(!valid, qPrintable(spec.name + u": "_s + (valid ? valid->message : QString())));
        for (const QString &path : spec.required) {
            const QString requestId
                = path == u"requestId"_s ? QString() : spec.json.value(u"requestId"_s).toString();
            QTest::addRow("%s -%s", qPrintable(spec.name), qPrintable(path))
                << spec.fromServer << compact(changed(spec.json, path)) << lastSegment(path)
                << requestId;
        }
    }
}

void TestProtocol::missingRequiredField()
{
    QFETCH(bool, fromServer);
    QFETCH(QByteArray, text);
    QFETCH(QString, field);
    QFETCH(QString, requestId);

    const auto error = decodeErrorOf(fromServer, text);
    QVERIFY2(error, text.constData());
    QCOMPARE(toString(error->code), u"bad_request"_s);
    QVERIFY2(error->message.contains(u'\'' + field + u'\''), qPrintable(error->message));
    QCOMPARE(error->requestId, requestId);
}

void TestProtocol::wrongFieldType_data()
{
    QTest::addColumn<bool>("fromServer");
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QString>("requestId");

    for (const FrameSpec &spec : clientSpecs() + serverSpecs()) {
        QStringList paths;
        collectPaths(spec.json, {}, paths);
        for (const QString &path : std::as_const(paths)) {
            if (spec.untyped.contains(path))
                continue;
            QJsonValue original = spec.json;
            for (const QString &key : path.split(u'.'))
                original = original.isArray() ? original.toArray().at(key.toInt())
                                              : original.toObject().value(key);
            const QString requestId
                = path == u"requestId"_s ? QString() : spec.json.value(u"requestId"_s).toString();
            for (const auto &[kind, wrong] : wrongTypesFor(original)) {
                QTest::addRow("%s %s=%s", qPrintable(spec.name), qPrintable(path), qPrintable(kind))
                    << spec.fromServer << compact(changed(spec.json, path, wrong))
                    << lastSegment(path) << requestId;
            }
        }
    }
}

void TestProtocol::wrongFieldType()
{
    QFETCH(bool, fromServer);
    QFETCH(QByteArray, text);
    QFETCH(QString, field);
    QFETCH(QString, requestId);

    const auto error = decodeErrorOf(fromServer, text);
    QVERIFY2(error, text.constData());
    QCOMPARE(toString(error->code), u"bad_request"_s);
    QVERIFY2(error->message.contains(u'\'' + field + u'\''), qPrintable(error->message));
    QCOMPARE(error->requestId, requestId);
}

void TestProtocol::rejectsMalformedClientFrame_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("messagePart");
    QTest::addColumn<QString>("requestId");

    const QString bad = u"bad_request"_s;
    const QString tooLarge = u"too_large"_s;
    const QString json = u"malformed JSON"_s;
    const QString notObject = u"must be a JSON object"_s;
    const QString typeMsg = u"field 'type' must be a string"_s;
    const QString unknown = u"unknown frame type"_s;
    const QString integer = u"must be a non-negative integer"_s;

    // Not JSON at all, or not one JSON object.
    QTest::newRow("empty") << QByteArray() << bad << json << QString();
    QTest::newRow("whitespace") << QByteArray(" \n") << bad << json << QString();
    QTest::newRow("truncated") << QByteArray(R"({"type":"list_sessions","requestId":"r-1")") << bad
                               << json << QString();
    QTest::newRow("trailing garbage")
        << QByteArray(R"({"type":"list_sessions","requestId":"r-1"} x)") << bad << json
        << QString();
    QTest::newRow("two objects") << QByteArray(
        R"({"type":"list_sessions","requestId":"r-1"}{"type":"list_sessions"})")
                                 << bad << json << QString();
    QTest::newRow("single quotes")
        << QByteArray("{'type':'list_sessions'}") << bad << json << QString();
    QTest::newRow("trailing comma")
        << QByteArray(R"({"type":"list_sessions","requestId":"r-1",})") << bad << json << QString();
    QTest::newRow("invalid utf-8")
        << QByteArray("{\"type\":\"create_session\",\"requestId\":\"r-1\",\"title\":\"\xff\xfe\"}")
        << bad << json << QString();
    QTest::newRow("array") << QByteArray(R"([{"type":"list_sessions","requestId":"r-1"}])") << bad
                           << notObject << QString();
    // Qt's parser already refuses a scalar root (as malformed JSON); either way it is refused.
    QTest::newRow("string") << QByteArray(R"("hello")") << bad << QString() << QString();
    QTest::newRow("number") << QByteArray("42") << bad << QString() << QString();
    QTest::newRow("null") << QByteArray("null") << bad << QString() << QString();
    QTest::newRow("true") << QByteArray("true") << bad << QString() << QString();

    // The type.
    QTest::newRow("missing type") << QByteArray(R"({"requestId":"r-1"})") << bad << typeMsg
                                  << u"r-1"_s;
    QTest::newRow("type null") << QByteArray(R"({"type":null,"requestId":"r-1"})") << bad << typeMsg
                               << u"r-1"_s;
    QTest::newRow("type number") << QByteArray(R"({"type":7,"requestId":"r-1"})") << bad << typeMsg
                                 << u"r-1"_s;
    QTest::newRow("type bool") << QByteArray(R"({"type":true,"requestId":"r-1"})") << bad << typeMsg
                               << u"r-1"_s;
    QTest::newRow("type array") << QByteArray(R"({"type":["hello"],"requestId":"r-1"})") << bad
                                << typeMsg << u"r-1"_s;
    QTest::newRow("type object") << QByteArray(R"({"type":{},"requestId":"r-1"})") << bad << typeMsg
                                 << u"r-1"_s;
    QTest::newRow("unknown type") << QByteArray(R"({"type":"make_coffee","requestId":"r-1"})")
                                  << bad << unknown << u"r-1"_s;
    QTest::newRow("empty type") << QByteArray(R"({"type":"","requestId":"r-1"})") << bad << unknown
                                << u"r-1"_s;
    QTest::newRow("type is case-sensitive")
        << QByteArray(R"({"type":"List_Sessions","requestId":"r-1"})") << bad << unknown
        << u"r-1"_s;
    QTest::newRow("server type sent by a client")
        << QByteArray(R"({"type":"ack","requestId":"r-1"})") << bad << unknown << u"r-1"_s;
    QTest::newRow("participant_added sent by a client")
        << QByteArray(R"({"type":"participant_added","requestId":"r-1","sessionId":"s-1"})") << bad
        << unknown << u"r-1"_s;

    // Integers: exact, non-negative, numbers.
    QTest::newRow("protocol string")
        << QByteArray(R"({"type":"hello","protocol":"1","displayName":"A"})") << bad << integer
        << QString();
    QTest::newRow("protocol negative")
        << QByteArray(R"({"type":"hello","protocol":-1,"displayName":"A"})") << bad << integer
        << QString();
    QTest::newRow("protocol fractional")
        << QByteArray(R"({"type":"hello","protocol":1.5,"displayName":"A"})") << bad << integer
        << QString();
    QTest::newRow("protocol huge")
        << QByteArray(R"({"type":"hello","protocol":1e300,"displayName":"A"})") << bad << integer
        << QString();
    QTest::newRow("protocol above 2^53")
        << QByteArray(R"({"type":"hello","protocol":9007199254740993,"displayName":"A"})") << bad
        << integer << QString();
    QTest::newRow("protocol null")
        << QByteArray(R"({"type":"hello","protocol":null,"displayName":"A"})") << bad
        << u"missing field 'protocol'"_s << QString();
    QTest::newRow("sinceRevision negative") << QByteArray(
        R"({"type":"join_session","requestId":"r-1","sessionId":"s-1","epoch":"e","sinceRevision":-3})")
                                            << bad << integer << u"r-1"_s;
    QTest::newRow("sinceRevision fractional") << QByteArray(
        R"({"type":"join_session","requestId":"r-1","sessionId":"s-1","epoch":"e","sinceRevision":2.5})")
                                              << bad << integer << u"r-1"_s;
    QTest::newRow("sinceRevision string") << QByteArray(
        R"({"type":"join_session","requestId":"r-1","sessionId":"s-1","epoch":"e","sinceRevision":"2"})")
                                          << bad << integer << u"r-1"_s;

    // list_sessions' page.
    QTest::newRow("limit 0") << QByteArray(
        R"({"type":"list_sessions","requestId":"r-1","limit":0})")
                             << bad << u"field 'limit' must be at least 1"_s << u"r-1"_s;
    QTest::newRow("limit negative")
        << QByteArray(R"({"type":"list_sessions","requestId":"r-1","limit":-5})") << bad << integer
        << u"r-1"_s;
    QTest::newRow("limit string") << QByteArray(
        R"({"type":"list_sessions","requestId":"r-1","limit":"5"})")
                                  << bad << integer << u"r-1"_s;
    QTest::newRow("cursor number")
        << QByteArray(R"({"type":"list_sessions","requestId":"r-1","cursor":5})") << bad
        << u"field 'cursor' must be a string"_s << u"r-1"_s;

    // requestId.
    QTest::newRow("requestId empty")
        << QByteArray(R"({"type":"list_sessions","requestId":""})") << bad
        << u"field 'requestId' must not be empty"_s << QString();
    QTest::newRow("requestId number")
        << QByteArray(R"({"type":"list_sessions","requestId":5})") << bad
        << u"field 'requestId' must be a string"_s << QString();
    QTest::newRow("requestId null") << QByteArray(R"({"type":"list_sessions","requestId":null})")
                                    << bad << u"field 'requestId' must be a string"_s << QString();
    QTest::newRow("requestId over-long")
        << compact({ { u"type"_s, u"list_sessions"_s }, { u"requestId"_s, QString(129, u'r') } })
        << tooLarge << u"'requestId'"_s << QString();
    QTest::newRow("sessionId empty")
        << QByteArray(R"({"type":"leave_session","requestId":"r-1","sessionId":""})") << bad
        << u"field 'sessionId' must not be empty"_s << u"r-1"_s;
    QTest::newRow("sessionId over-long") << compact({ { u"type"_s, u"leave_session"_s },
        { u"requestId"_s, u"r-1"_s }, { u"sessionId"_s, QString(129, u's') } })
                                         << tooLarge << u"'sessionId'"_s << u"r-1"_s;

    // Enumerations.
    QTest::newRow("participantType unknown") << QByteArray(
        R"({"type":"add_participant","requestId":"r-1","sessionId":"s-1","participantType":"bot","displayName":"B"})")
                                             << bad
                                             << u"field 'participantType' has unknown value 'bot'"_s
                                             << u"r-1"_s;
    QTest::newRow("participantType wrong case") << QByteArray(
        R"({"type":"add_participant","requestId":"r-1","sessionId":"s-1","participantType":"Helpy","displayName":"B"})")
                                                << bad << u"'participantType'"_s << u"r-1"_s;
    QTest::newRow("participantType empty") << QByteArray(
        R"({"type":"add_participant","requestId":"r-1","sessionId":"s-1","participantType":"","displayName":"B"})")
                                           << bad << u"'participantType'"_s << u"r-1"_s;
    QTest::newRow("role unknown") << QByteArray(
        R"({"type":"set_role","requestId":"r-1","sessionId":"s-1","participantId":"u-2","role":"admin"})")
                                  << bad << u"field 'role' has unknown value 'admin'"_s << u"r-1"_s;
    QTest::newRow("role is a presence") << QByteArray(
        R"({"type":"set_role","requestId":"r-1","sessionId":"s-1","participantId":"u-2","role":"online"})")
                                        << bad << u"'role'"_s << u"r-1"_s;
    QTest::newRow("typing string")
        << QByteArray(R"({"type":"set_typing","sessionId":"s-1","typing":"yes"})") << bad
        << u"field 'typing' must be a boolean"_s << QString();

    // Lengths and emptiness.
    QTest::newRow("text over-long")
        << compact({ { u"type"_s, u"send_message"_s }, { u"requestId"_s, u"r-1"_s },
               { u"sessionId"_s, u"s-1"_s }, { u"text"_s, QString(4001, u'x') } })
        << tooLarge << u"field 'text' is longer than 4000 characters"_s << u"r-1"_s;
    QTest::newRow("text blank") << QByteArray(
        R"({"type":"send_message","requestId":"r-1","sessionId":"s-1","text":" \n\t"})")
                                << bad << u"field 'text' must not be empty"_s << u"r-1"_s;
    QTest::newRow("displayName over-long")
        << compact({ { u"type"_s, u"hello"_s }, { u"protocol"_s, 1 },
               { u"displayName"_s, QString(101, u'a') } })
        << tooLarge << u"field 'displayName' is longer than 100 characters"_s << QString();
    QTest::newRow("displayName blank")
        << QByteArray(R"({"type":"hello","protocol":1,"displayName":"   "})") << bad
        << u"field 'displayName' must not be empty"_s << QString();
    QTest::newRow("token over-long") << compact({ { u"type"_s, u"hello"_s }, { u"protocol"_s, 1 },
        { u"displayName"_s, u"Ada"_s }, { u"token"_s, QString(257, u't') } })
                                     << tooLarge << u"'token'"_s << QString();
    QTest::newRow("title over-long") << compact({ { u"type"_s, u"create_session"_s },
        { u"requestId"_s, u"r-1"_s }, { u"title"_s, QString(101, u'T') } })
                                     << tooLarge << u"'title'"_s << u"r-1"_s;
    QTest::newRow("title blank") << QByteArray(
        R"({"type":"create_session","requestId":"r-1","title":"  "})")
                                 << bad << u"field 'title' must not be empty"_s << u"r-1"_s;
    QTest::newRow("helpy displayName over-long") << compact({ { u"type"_s, u"add_participant"_s },
        { u"requestId"_s, u"r-1"_s }, { u"sessionId"_s, u"s-1"_s },
        { u"participantType"_s, u"helpy"_s }, { u"displayName"_s, QString(101, u'h') } })
                                                 << tooLarge << u"'displayName'"_s << u"r-1"_s;
    QTest::newRow("helpy displayName blank") << QByteArray(
        R"({"type":"add_participant","requestId":"r-1","sessionId":"s-1","participantType":"helpy","displayName":"  "})")
                                             << bad << u"'displayName'"_s << u"r-1"_s;
    QTest::newRow("user without participantId") << QByteArray(
        R"({"type":"add_participant","requestId":"r-1","sessionId":"s-1","participantType":"user","displayName":"Bob"})")
                                                << bad << u"'participantId'"_s << u"r-1"_s;

    // join_session names exactly one of sessionId and inviteCode.
    const QString exactlyOne = u"exactly one of 'sessionId' and 'inviteCode' is required"_s;
    QTest::newRow("join with both") << QByteArray(
        R"({"type":"join_session","requestId":"r-1","sessionId":"s-1","inviteCode":"K3Y"})")
                                    << bad << exactlyOne << u"r-1"_s;
    QTest::newRow("join with neither") << QByteArray(R"({"type":"join_session","requestId":"r-1"})")
                                       << bad << exactlyOne << u"r-1"_s;
    QTest::newRow("join with neither, resume fields only") << QByteArray(
        R"({"type":"join_session","requestId":"r-1","epoch":"e-1","sinceRevision":3})")
                                                           << bad << exactlyOne << u"r-1"_s;
    QTest::newRow("join with both empty")
        << QByteArray(R"({"type":"join_session","requestId":"r-1","sessionId":"","inviteCode":""})")
        << bad << exactlyOne << u"r-1"_s;

    // The frame limit counts UTF-8 bytes and is checked before parsing (no requestId then).
    const QByteArray head = R"({"type":"list_sessions","requestId":"r-1","pad":")";
    const QByteArray tail = R"("})";
    QTest::newRow("frame over 64 KiB")
        << head + QByteArray(64 * 1024 + 1 - head.size() - tail.size(), 'p') + tail << tooLarge
        << u"exceeds the limit of 65536 bytes"_s << QString();
    QTest::newRow("1 MiB frame") << head + QByteArray(1024 * 1024, 'p') + tail << tooLarge
                                 << u"exceeds"_s << QString();
}

void TestProtocol::rejectsMalformedClientFrame()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, code);
    QFETCH(QString, messagePart);
    QFETCH(QString, requestId);

    const auto error = decodeErrorOf(false, text);
    QVERIFY2(error, text.left(200).constData());
    QCOMPARE(toString(error->code), code);
    QVERIFY2(error->message.contains(messagePart), qPrintable(error->message));
    QCOMPARE(error->requestId, requestId);
}

void TestProtocol::rejectsMalformedServerFrame_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("messagePart");

    const auto spec = [](const QString &name) {
        for (const FrameSpec &s : serverSpecs()) {
            if (s.name == name)
                return s.json;
        }
        return QJsonObject();
    };
    const QJsonObject added = spec(u"participant_added"_s);
    const QJsonObject removed = spec(u"participant_removed"_s);
    const QJsonObject snapshot = spec(u"session_snapshot"_s);

    QTest::newRow("malformed JSON") << QByteArray("{") << u"malformed JSON"_s;
    QTest::newRow("unknown type") << QByteArray(R"({"type":"participant_renamed"})")
                                  << u"unknown frame type"_s;
    QTest::newRow("client type sent by a server")
        << QByteArray(R"({"type":"hello","protocol":1,"displayName":"A"})")
        << u"unknown frame type"_s;
    QTest::newRow("participant.id differs")
        << compact(changed(added, u"participantId"_s, u"someone-else"_s))
        << u"participant.id differs from participantId"_s;
    QTest::newRow("participant role unknown")
        << compact(changed(added, u"participant.role"_s, u"admin"_s)) << u"'role'"_s;
    QTest::newRow("participant presence unknown")
        << compact(changed(added, u"participant.presence"_s, u"away"_s)) << u"'presence'"_s;
    QTest::newRow("participant type unknown")
        << compact(changed(added, u"participant.type"_s, u"bot"_s)) << u"'type'"_s;
    QTest::newRow("participant joinedAt not a time")
        << compact(changed(added, u"participant.joinedAt"_s, u"yesterday"_s))
        << u"field 'joinedAt' is not an ISO-8601 timestamp"_s;
    QTest::newRow("timestamp not a time")
        << compact(changed(added, u"timestamp"_s, u"2026-13-45T99:00:00Z"_s))
        << u"field 'timestamp' is not an ISO-8601 timestamp"_s;
    QTest::newRow("removed reason unknown") << compact(changed(removed, u"reason"_s, u"kicked"_s))
                                            << u"field 'reason' has unknown value 'kicked'"_s;
    QTest::newRow("removed participantType unknown")
        << compact(changed(removed, u"participantType"_s, u"bot"_s)) << u"'participantType'"_s;
    QTest::newRow("revision negative")
        << compact(changed(removed, u"revision"_s, -1)) << u"'revision'"_s;
    QTest::newRow("revision fractional")
        << compact(changed(removed, u"revision"_s, 1.25)) << u"'revision'"_s;
    QTest::newRow("participants not objects")
        << compact(changed(snapshot, u"participants"_s, QJsonArray { 1 }))
        << u"participants must be objects"_s;
    QTest::newRow("messages not objects")
        << compact(changed(snapshot, u"messages"_s, QJsonArray { u"hi"_s }))
        << u"messages must be objects"_s;
    QTest::newRow("welcome userId empty") << QByteArray(
        R"({"type":"welcome","protocol":1,"userId":"","token":"t","serverTime":"2026-11-26T10:15:30.123Z","heartbeatSeconds":15})")
                                          << u"field 'userId' must not be empty"_s;
    QTest::newRow("ack requestId empty") << QByteArray(R"({"type":"ack","requestId":""})")
                                         << u"field 'requestId' must not be empty"_s;
}

void TestProtocol::rejectsMalformedServerFrame()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, messagePart);

    const auto error = decodeErrorOf(true, text);
    QVERIFY2(error, text.constData());
    QCOMPARE(toString(error->code), u"bad_request"_s);
    QVERIFY2(error->message.contains(messagePart), qPrintable(error->message));
}

void TestProtocol::protocolVersionIsNotTruncated()
{
    // 2^32 + 1 must not pass the server's version check as protocol 1.
    const auto decoded
        = decodeClientFrame(R"({"type":"hello","protocol":4294967297,"displayName":"A"})");
    if (const auto *frame = std::get_if<ClientFrame>(&decoded)) {
        QCOMPARE_NE(std::get<Hello>(*frame).protocol, 1);
    }
}

void TestProtocol::acceptsBoundaryValues_data()
{
    QTest::addColumn<QByteArray>("text");

    const QByteArray head = R"({"type":"list_sessions","requestId":"r-1","pad":")";
    const QByteArray tail = R"("})";
    QTest::newRow("frame of exactly 64 KiB")
        << head + QByteArray(64 * 1024 - head.size() - tail.size(), 'p') + tail;
    QTest::newRow("text of exactly 4000 characters")
        << compact({ { u"type"_s, u"send_message"_s }, { u"requestId"_s, u"r-1"_s },
               { u"sessionId"_s, u"s-1"_s }, { u"text"_s, QString(4000, u'x') } });
    QTest::newRow("4000 three-byte characters (12000 bytes)")
        << compact({ { u"type"_s, u"send_message"_s }, { u"requestId"_s, u"r-1"_s },
               { u"sessionId"_s, u"s-1"_s }, { u"text"_s, QString(4000, u'€') } });
    QTest::newRow("displayName of exactly 100 characters") << compact({ { u"type"_s, u"hello"_s },
        { u"protocol"_s, 1 }, { u"displayName"_s, QString(100, u'a') } });
    QTest::newRow("requestId of exactly 128 characters")
        << compact({ { u"type"_s, u"list_sessions"_s }, { u"requestId"_s, QString(128, u'r') } });
    QTest::newRow("sinceRevision 0") << QByteArray(
        R"({"type":"join_session","requestId":"r-1","sessionId":"s-1","epoch":"e","sinceRevision":0})");
    QTest::newRow("sinceRevision 2^53-1") << QByteArray(
        R"({"type":"join_session","requestId":"r-1","sessionId":"s-1","epoch":"e","sinceRevision":9007199254740991})");
    QTest::newRow("integer written as 12.0") << QByteArray(
        R"({"type":"join_session","requestId":"r-1","sessionId":"s-1","epoch":"e","sinceRevision":12.0})");
    QTest::newRow("null optional fields are absent") << QByteArray(
        R"({"type":"join_session","requestId":"r-1","sessionId":"s-1","inviteCode":null,"epoch":null,"sinceRevision":null})");
    QTest::newRow("hello with an empty token")
        << QByteArray(R"({"type":"hello","protocol":1,"displayName":"A","token":""})");
    QTest::newRow("hello with another protocol (the server answers unsupported_protocol)")
        << QByteArray(R"({"type":"hello","protocol":2,"displayName":"A"})");
    QTest::newRow("add an existing helpy by id only") << QByteArray(
        R"({"type":"add_participant","requestId":"r-1","sessionId":"s-1","participantType":"helpy","participantId":"h-1"})");
}

void TestProtocol::acceptsBoundaryValues()
{
    QFETCH(QByteArray, text);
    const auto error = decodeErrorOf(false, text);
    QVERIFY2(!error, qPrintable(error ? error->message : QString()));
}

void TestProtocol::honoursConfiguredLimits()
{
    Limits limits;
    limits.maxFrameBytes = 200;
    limits.maxTextLength = 10;
    limits.maxNameLength = 5;
    limits.maxIdLength = 8;

    const auto message = [](const QString &text) {
        return compact({ { u"type"_s, u"send_message"_s }, { u"requestId"_s, u"r-1"_s },
            { u"sessionId"_s, u"s-1"_s }, { u"text"_s, text } });
    };
    QVERIFY(!decodeErrorOf(false, message(QString(10, u'x')), limits));
    auto error = decodeErrorOf(false, message(QString(11, u'x')), limits);
    QVERIFY(error);
    QCOMPARE(toString(error->code), u"too_large"_s);
    QCOMPARE(error->requestId, u"r-1"_s);

    // 60 characters but 180 bytes of UTF-8 (plus the envelope): the frame limit is in bytes.
    error = decodeErrorOf(false, message(QString(60, u'€')), limits);
    QVERIFY(error);
    QCOMPARE(toString(error->code), u"too_large"_s);
    QVERIFY2(error->message.contains(u"bytes"_s), qPrintable(error->message));

    error
        = decodeErrorOf(false, R"({"type":"hello","protocol":1,"displayName":"Adaline"})", limits);
    QVERIFY(error);
    QCOMPARE(toString(error->code), u"too_large"_s);

    // A requestId longer than the id limit is refused and not echoed back.
    error = decodeErrorOf(false, R"({"type":"list_sessions","requestId":"r-123456789"})", limits);
    QVERIFY(error);
    QCOMPARE(toString(error->code), u"too_large"_s);
    QCOMPARE(error->requestId, QString());
}

void TestProtocol::trimsNamesAndTitles()
{
    auto decoded = decodeClientFrame(R"({"type":"hello","protocol":1,"displayName":"  Ada \n"})");
    QVERIFY(std::holds_alternative<ClientFrame>(decoded));
    QCOMPARE(std::get<Hello>(std::get<ClientFrame>(decoded)).displayName, u"Ada"_s);

    decoded
        = decodeClientFrame(R"({"type":"create_session","requestId":"r-1","title":" Algebra "})");
    QVERIFY(std::holds_alternative<ClientFrame>(decoded));
    QCOMPARE(std::get<CreateSession>(std::get<ClientFrame>(decoded)).title, u"Algebra"_s);

    // Message text is kept verbatim: leading spaces and newlines can be meaningful.
    decoded = decodeClientFrame(
        R"({"type":"send_message","requestId":"r-1","sessionId":"s-1","text":"  x = 1\n"})");
    QVERIFY(std::holds_alternative<ClientFrame>(decoded));
    QCOMPARE(std::get<SendMessage>(std::get<ClientFrame>(decoded)).text, u"  x = 1\n"_s);
}

void TestProtocol::normalizesDisplayNames_data()
{
    QTest::addColumn<QString>("raw");
    QTest::addColumn<QString>("kept");
    QTest::newRow("bidi override") << u"Ada\u202E"_s << u"Ada"_s;
    QTest::newRow("zero width") << u"A\u200Bd\u200Da\uFEFF"_s << u"Ada"_s;
    QTest::newRow("controls") << u"A\u0000d\u001ba\n"_s << u"Ada"_s;
    QTest::newRow("inner spaces fold") << u" Ada \t\n Lovelace "_s << u"Ada Lovelace"_s;
    QTest::newRow("NFC") << u"Be\u0301n"_s << u"B\u00e9n"_s;
    QTest::newRow("emoji kept") << u"Ada \U0001F393"_s << u"Ada \U0001F393"_s;
    QTest::newRow("lone surrogate dropped") << u"Ada"_s + QChar(0xD800) << u"Ada"_s;
}

void TestProtocol::normalizesDisplayNames()
{
    QFETCH(QString, raw);
    QFETCH(QString, kept);
    QCOMPARE(normalizeDisplayName(raw), kept);
    if (raw.contains(QChar(0xD800)))
        return; // JSON text cannot carry a lone surrogate: it arrives as U+FFFD
    const QJsonObject hello { { u"type"_s, u"hello"_s }, { u"protocol"_s, 1 },
        { u"displayName"_s, raw } };
    const auto decoded = decodeClientFrame(QJsonDocument(hello).toJson());
    QVERIFY(std::holds_alternative<ClientFrame>(decoded));
    QCOMPARE(std::get<Hello>(std::get<ClientFrame>(decoded)).displayName, kept);

    // The limit counts what is kept: 100 characters plus invisible ones pass, 101 do not.
    const auto helloWith = [](const QString &name) {
        return decodeClientFrame(QJsonDocument(
            QJsonObject { { u"type"_s, u"hello"_s }, { u"protocol"_s, 1 },
                { u"displayName"_s,
                    name } }).toJson());
    };
    QVERIFY(std::holds_alternative<ClientFrame>(
        helloWith(QString(100, u'x') + QString(60, QChar(0x200B)))));
    const auto tooLong = helloWith(QString(101, u'x'));
    QVERIFY(std::holds_alternative<DecodeError>(tooLong));
    QVERIFY(std::get<DecodeError>(tooLong).code == ErrorCode::TooLarge);
}

void TestProtocol::refusesRoleLabelNames()
{
    for (const QString &name : { u"Ada (owner)"_s, u"(moderator)"_s, u"Bob (You)"_s,
             u"Eve [admin]"_s, u"Eve \uFF08owner\uFF09"_s, u"Eve ( mod )"_s }) {
        QVERIFY2(imitatesRoleLabel(name), qPrintable(name));
        const QJsonObject hello { { u"type"_s, u"hello"_s }, { u"protocol"_s, 1 },
            { u"displayName"_s, name } };
        const auto decoded = decodeClientFrame(QJsonDocument(hello).toJson());
        QVERIFY(std::holds_alternative<DecodeError>(decoded));
    }
    for (const QString &name : { u"Ada"_s, u"Owner Smith"_s, u"Bob (Math)"_s })
        QVERIFY2(!imitatesRoleLabel(name), qPrintable(name));
}

void TestProtocol::nameLimitAppliesAfterTrimming()
{
    // 100 characters with padding around them: within the limit once trimmed (docs say so).
    const QString padded = u"   "_s + QString(100, u'a') + u"\n  "_s;
    const auto frame = [](const char *type, const char *key, const QString &value) {
        QJsonObject object { { "type", type }, { key, value }, { "requestId", "r-1" },
            { "protocol", 1 }, { "sessionId", "s-1" }, { "participantType", "helpy" } };
        return QJsonDocument(object).toJson(QJsonDocument::Compact);
    };
    auto decoded = decodeClientFrame(frame("hello", "displayName", padded));
    QVERIFY(std::holds_alternative<ClientFrame>(decoded));
    QCOMPARE(std::get<Hello>(std::get<ClientFrame>(decoded)).displayName.size(), 100);
    decoded = decodeClientFrame(frame("create_session", "title", padded));
    QVERIFY(std::holds_alternative<ClientFrame>(decoded));
    decoded = decodeClientFrame(frame("add_participant", "displayName", padded));
    QVERIFY(std::holds_alternative<ClientFrame>(decoded));
    // 101 characters after trimming: too long.
    decoded = decodeClientFrame(frame("hello", "displayName", u" "_s + QString(101, u'a')));
    QVERIFY(std::holds_alternative<DecodeError>(decoded));
    QCOMPARE(toString(std::get<DecodeError>(decoded).code), u"too_large"_s);
}

void TestProtocol::loneSurrogatesAreRefused()
{
    // "\ud800" has no pair: stored as UTF-8 it would come back as something else.
    for (const char *json : { R"({"type":"create_session","requestId":"r-1","title":"A\ud800B"})",
             R"({"type":"hello","protocol":1,"displayName":"\udc00"})",
             R"({"type":"send_message","requestId":"r-1","sessionId":"s-1","text":"x\ud83d"})" }) {
        const auto decoded = decodeClientFrame(QByteArray(json));
        QVERIFY2(std::holds_alternative<DecodeError>(decoded), json);
        QCOMPARE(toString(std::get<DecodeError>(decoded).code), u"bad_request"_s);
    }
    // A pair is fine.
    const auto decoded = decodeClientFrame(
        QByteArray(R"({"type":"create_session","requestId":"r-1","title":"\ud83d\ude00"})"));
    QVERIFY(std::holds_alternative<ClientFrame>(decoded));
}

void TestProtocol::unknownFieldsAreIgnored_data()
{
    QTest::addColumn<bool>("fromServer");
    QTest::addColumn<QByteArray>("plain");
    QTest::addColumn<QByteArray>("extended");

    const QJsonObject future { { u"nested"_s, QJsonArray { 1, u"two"_s, QJsonValue::Null } } };
    for (const FrameSpec &spec : clientSpecs() + serverSpecs()) {
        if (spec.name == u"ack"_s)
            continue; // an ack's extra fields are its result: see ackResultCarries…
        QJsonObject extended = spec.json;
        extended.insert(u"futureField"_s, future);
        extended.insert(u"x-trace"_s, 12345);
        extended.insert(u"flags"_s, QJsonValue::Null);
        if (extended.contains(u"participant"_s))
            extended
                = changed(extended, u"participant.avatarUrl"_s, u"https://example.org/a.png"_s);
        if (extended.contains(u"participants"_s)) {
            extended = changed(extended, u"participants.0.mood"_s, u"curious"_s);
            extended = changed(extended, u"messages.0.reactions"_s, QJsonArray { u"👍"_s });
        }
        QTest::addRow("%s", qPrintable(spec.name))
            << spec.fromServer << compact(spec.json) << compact(extended);
    }
}

void TestProtocol::unknownFieldsAreIgnored()
{
    QFETCH(bool, fromServer);
    QFETCH(QByteArray, plain);
    QFETCH(QByteArray, extended);

    if (fromServer) {
        const auto a = decodeServerFrame(plain);
        const auto b = decodeServerFrame(extended);
        QVERIFY(std::holds_alternative<ServerFrame>(a));
        if (const auto *error = std::get_if<DecodeError>(&b))
            QFAIL(qPrintable(error->message));
        QVERIFY(sameFrame(std::get<ServerFrame>(a), std::get<ServerFrame>(b)));
    } else {
        const auto a = decodeClientFrame(plain);
        const auto b = decodeClientFrame(extended);
        QVERIFY(std::holds_alternative<ClientFrame>(a));
        if (const auto *error = std::get_if<DecodeError>(&b))
            QFAIL(qPrintable(error->message));
        QVERIFY(sameFrame(std::get<ClientFrame>(a), std::get<ClientFrame>(b)));
    }
}

void TestProtocol::timestampFormat_data()
{
    QTest::addColumn<QDateTime>("time");
    QTest::addColumn<QString>("expected");

    QTest::newRow("utc") << kTime << u"2026-11-26T10:15:30.123Z"_s;
    QTest::newRow("whole second keeps .000")
        << QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5), Qt::UTC) << u"2026-01-02T03:04:05.000Z"_s;
    QTest::newRow("offset +02:00 becomes Z")
        << QDateTime(QDate(2026, 11, 26), QTime(12, 15, 30, 123), Qt::OffsetFromUTC, 2 * 3600)
        << u"2026-11-26T10:15:30.123Z"_s;
    QTest::newRow("offset -05:30 crosses midnight")
        << QDateTime(QDate(2026, 12, 31), QTime(20, 0, 0, 1), Qt::OffsetFromUTC, -(5 * 3600 + 1800))
        << u"2027-01-01T01:30:00.001Z"_s;
    QTest::newRow("local time") << kTime.toLocalTime() << u"2026-11-26T10:15:30.123Z"_s;
}

void TestProtocol::timestampFormat()
{
    QFETCH(QDateTime, time);
    QFETCH(QString, expected);

    const QString text = formatTimestamp(time);
    QCOMPARE(text, expected);
    QVERIFY(kIsoUtcMs.match(text).hasMatch());
    const QDateTime back = parseTimestamp(text);
    QCOMPARE(back, time);
    QCOMPARE(back.timeSpec(), Qt::UTC);
}

void TestProtocol::acksAreWrittenAsQJsonDocumentWritesThem()
{
    // Acks with results of strings and booleans are written directly, the others (numbers,
    // objects, arrays, null) as before: the same text either way, with result keys before,
    // between and after requestId, revision and type, and awkward keys and values.
    const QList<char16_t> alphabet { u'a', u'Z', u'0', u'"', u'\\', 0x01, 0x0a, 0xe9, 0x4e2d,
        0xd83d, 0xde00, u'q', u'r', u's', u't', u'u' };
    QRandomGenerator random(20261205);
    const RandomText text { alphabet, random };
    const QStringList someKeys { u"messageId"_s, u"participantId"_s, u"inviteCode"_s, u"a"_s,
        u"requestIc"_s, u"requestIda"_s, u"revisio"_s, u"revisionz"_s, u"tz"_s, u"type0"_s,
        u"zeta"_s, u"Upper"_s, u"é"_s };
    int direct = 0;
    for (int i = 0; i < 3000; ++i) {
        Ack ack;
        ack.requestId = i % 6 == 0 ? QString() : text(8);
        if (i % 3)
            ack.revision = i % 5 == 0 ? std::numeric_limits<qint64>::max() - i
                                      : qint64(random.bounded(100000));
        const int fields = int(random.bounded(4));
        bool flat = true;
        for (int f = 0; f < fields; ++f) {
            const QString key = i % 4 == 0 ? text(6) : someKeys.at(random.bounded(someKeys.size()));
            switch (random.bounded(i % 10 == 0 ? 5 : 2)) {
            case 0:
                ack.result.insert(key, text(12));
                break;
            case 1:
                ack.result.insert(key, bool(random.bounded(2)));
                break;
            case 2:
                ack.result.insert(key, qint64(random.bounded(1000)));
                flat = false;
                break;
            case 3:
                ack.result.insert(key, QJsonObject { { u"x"_s, 1 } });
                flat = false;
                break;
            default:
                ack.result.insert(key, QJsonValue());
                flat = false;
            }
        }
        direct += flat;
        const ServerFrame frame = ack;
        QCOMPARE(encode(frame), QString::fromUtf8(compact(toJson(frame))));
    }
    QVERIFY(direct > 2000); // most took the direct way
    // The acks the server sends most.
    for (const Ack &ack : { makeAck(7, SendMessageResult { u"m-1"_s }), makeAck(std::nullopt),
             makeAck(3, AddParticipantResult { u"h-2"_s }) }) {
        const ServerFrame frame = ack;
        QCOMPARE(encode(frame), QString::fromUtf8(compact(toJson(frame))));
    }
}

void TestProtocol::timestampsAreWrittenAsQtWritesThem()
{
    // formatTimestamp writes the years 1970-9999 itself: the same text as Qt's ISO format,
    // at the edges (the epoch, leap days, the turns of centuries, the last millisecond of
    // 9999), at random times, and in other time specs; outside those years, Qt's text.
    const auto qt = [](const QDateTime &t) { return t.toUTC().toString(Qt::ISODateWithMs); };
    QList<qint64> times { 0, 1, 999, 1000, 86399999, 86400000, 951782400000 /* 2000-02-29 */,
        951868799999, 4107542400000 /* 2100-03-01 */, 4107456000000, 253402300799999,
        253402300800000, 253402300800001, -1, -86400000, -62135596800000 };
    QRandomGenerator random(20261204);
    for (int i = 0; i < 20000; ++i)
        times.append(qint64(random.bounded(253402300800000.0)));
    for (const qint64 ms : std::as_const(times)) {
        const QDateTime utc = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
        QCOMPARE(formatTimestamp(utc), qt(utc));
        if (ms % 7 == 0) {
            const QDateTime offset = utc.toOffsetFromUtc(-(5 * 3600 + 1800));
            QCOMPARE(formatTimestamp(offset), qt(utc));
        }
    }
    QCOMPARE(formatTimestamp(QDateTime()), QString());
    QCOMPARE(
        formatTimestamp(QDateTime::fromMSecsSinceEpoch(0, Qt::UTC)), u"1970-01-01T00:00:00.000Z"_s);
    QCOMPARE(formatTimestamp(QDateTime::fromMSecsSinceEpoch(253402300799999, Qt::UTC)),
        u"9999-12-31T23:59:59.999Z"_s);
}

void TestProtocol::timestampParsing()
{
    // Readers accept any ISO-8601 offset and normalise to UTC.
    const QDateTime withOffset = parseTimestamp(u"2026-11-26T12:15:30.123+02:00"_s);
    QCOMPARE(withOffset, kTime);
    QCOMPARE(withOffset.timeSpec(), Qt::UTC);
    QCOMPARE(parseTimestamp(u"2026-11-26T10:15:30Z"_s), kTime.addMSecs(-123));

    for (const QString &bad : { u""_s, u"yesterday"_s, u"2026-13-01T00:00:00.000Z"_s,
             u"2026-11-26T25:00:00.000Z"_s, u"1732616130123"_s })
        QVERIFY2(!parseTimestamp(bad).isValid(), qPrintable(bad));

    // Now, whatever the local zone, is written as UTC with milliseconds.
    QVERIFY(kIsoUtcMs.match(formatTimestamp(QDateTime::currentDateTime())).hasMatch());
}

void TestProtocol::encodedTimestampsAreUtcWithMilliseconds()
{
    const QDateTime local = QDateTime(QDate(2026, 6, 1), QTime(8, 0), Qt::OffsetFromUTC, 3600);
    Participant p = ada();
    p.joinedAt = local;
    ChatMessage m = chatLine(u"r-1"_s);
    m.timestamp = local;

    const QJsonObject welcome = toJson(ServerFrame(Welcome { 1, u"u"_s, u"t"_s, local, 15 }));
    const QJsonObject participant = toJson(p);
    const QJsonObject message = toJson(ServerFrame(MessageEvent { u"s"_s, u"e"_s, m }));
    const QJsonObject event
        = toJson(ServerFrame(ParticipantChangeEvent { .type = ParticipantChangeEvent::Type::Added,
            .sessionId = u"s"_s,
            .epoch = u"e"_s,
            .revision = 1,
            .participantId = p.id,
            .participantType = p.type,
            .participant = p,
            .reason = ParticipantChangeEvent::Reason::None,
            .actorId = p.id,
            .timestamp = local }));
    const QString expected = u"2026-06-01T07:00:00.000Z"_s;
    QCOMPARE(welcome.value(u"serverTime"_s).toString(), expected);
    QCOMPARE(participant.value(u"joinedAt"_s).toString(), expected);
    QCOMPARE(message.value(u"timestamp"_s).toString(), expected);
    QCOMPARE(event.value(u"timestamp"_s).toString(), expected);
    QCOMPARE(event.value(u"participant"_s).toObject().value(u"joinedAt"_s).toString(), expected);
}

namespace {
/// An online participant who joined at the epoch, for the roster tests.
Participant onlineParticipant(
    const QString &id, ParticipantType type, const QString &name, Role role)
{
    return { id, type, name, role, Presence::Online, QDateTime::fromMSecsSinceEpoch(0, Qt::UTC) };
}
} // namespace

void TestProtocol::rosterHashIsSortedAndStable()
{
    const Participant ana
        = onlineParticipant(u"u-b"_s, ParticipantType::User, u"Ana"_s, Role::Owner);
    const Participant tutor
        = onlineParticipant(u"h-a"_s, ParticipantType::Helpy, u"Tutor"_s, Role::Member);
    // sha256("h-a\thelpy\tmember\tonline\nu-b\tuser\towner\tonline\n")
    const QByteArray lines = "h-a\thelpy\tmember\tonline\nu-b\tuser\towner\tonline\n";
    const QString expected
        = QString::fromLatin1(QCryptographicHash::hash(lines, QCryptographicHash::Sha256).toHex());
    QCOMPARE(rosterHash({ ana, tutor }), expected);
    QCOMPARE(rosterHash({ tutor, ana }), expected);
    Participant away = ana;
    away.presence = Presence::Reconnecting;
    QVERIFY(rosterHash({ away, tutor }) != expected);
    Participant renamed = ana;
    renamed.displayName = u"Someone else"_s; // names are not part of the digest
    QCOMPARE(rosterHash({ renamed, tutor }), expected);
}

void TestProtocol::rosterHashIsTheDefinitionsAtEverySize()
{
    // The definition as written (docs/protocol.md): the lines sorted by id as QString sorts,
    // hashed with Qt's SHA-256. rosterHash() sorts on packed keys and hashes with libcrypto
    // in chunks; the digest must be the same, whatever the ids: prefixes of each other, equal
    // in their first 8 code units, not ASCII, past the BMP, with a NUL.
    const auto definition = [](QList<Participant> participants) {
        std::sort(participants.begin(), participants.end(),
            [](const Participant &a, const Participant &b) { return a.id < b.id; });
        QCryptographicHash hash(QCryptographicHash::Sha256);
        for (const Participant &p : std::as_const(participants)) {
            hash.addData(u"%1\t%2\t%3\t%4\n"_s
                             .arg(p.id, toString(p.type), toString(p.role), toString(p.presence))
                             .toUtf8());
        }
        return QString::fromLatin1(hash.result().toHex());
    };
    QRandomGenerator random(16);
    const QStringList odd { u"u-"_s, u"u-a"_s, u"u-ab"_s, u"u-abcdefgh"_s, u"u-abcdefgi"_s,
        u"u-abcdefghZ"_s, u"u-é"_s, u"u-\u00ff"_s, u"u-\u0100"_s, u"u-😀"_s, u"u-\uffff"_s,
        QString(u"u-a\0b"_s), u"h-1"_s, u"U-1"_s };
    for (const int size : { 0, 1, 2, 14, 100, 1000, 5000 }) {
        QList<Participant> participants;
        QSet<QString> ids;
        for (int i = 0; participants.size() < size; ++i) {
            const QString id = i < odd.size()
                ? odd[i]
                : u"%1-%2"_s.arg(random.bounded(2) ? u"u"_s : u"h"_s)
                      .arg(random.generate64(), 0, 16 + int(random.bounded(2)) * 20);
            if (ids.contains(id))
                continue;
            ids.insert(id);
            participants.append(
                { id, ParticipantType(random.bounded(2)), u"Name"_s, Role(random.bounded(3)),
                    Presence(random.bounded(3)), QDateTime::fromMSecsSinceEpoch(0, Qt::UTC) });
        }
        std::shuffle(participants.begin(), participants.end(), std::mt19937(size));
        QCOMPARE(rosterHash(participants), definition(participants));
        Roster roster;
        roster.applySnapshot(participants);
        QCOMPARE(roster.hash(), definition(participants));
    }
}

void TestProtocol::theRosterKeepsItsStageAndNames()
{
    const Participant ana
        = onlineParticipant(u"u-a"_s, ParticipantType::User, u"Ana"_s, Role::Owner);
    const Participant ben
        = onlineParticipant(u"u-b"_s, ParticipantType::User, u"Ben Li"_s, Role::Member);
    const Participant tutor
        = onlineParticipant(u"h-t"_s, ParticipantType::Helpy, u"Tutor"_s, Role::Member);
    Roster roster;
    roster.upsert(ana);
    roster.upsert(ben);
    roster.upsert(tutor);
    const auto stage = [](const Roster &r) {
        QStringList ids = r.stageIds();
        ids.sort();
        return ids;
    };
    QCOMPARE(stage(roster), (QStringList { u"h-t"_s, u"u-a"_s }));
    // Names read alike whatever their case and spaces; one's own name is not taken from it.
    QCOMPARE(roster.nameHolder(u"  BEN  li "_s, u"u-x"_s), u"u-b"_s);
    QCOMPARE(roster.nameHolder(u"benli"_s, u"u-b"_s), QString());
    QCOMPARE(roster.nameHolder(u"Cleo"_s, QString()), QString());

    Participant moderator = ben;
    moderator.role = Role::Moderator;
    moderator.displayName = u"Benjamin"_s;
    roster.upsert(moderator);
    QCOMPARE(stage(roster), (QStringList { u"h-t"_s, u"u-a"_s, u"u-b"_s }));
    QCOMPARE(roster.nameHolder(u"Ben Li"_s, QString()), QString());
    QCOMPARE(roster.nameHolder(u"benjamin"_s, QString()), u"u-b"_s);
    Participant away = moderator;
    away.presence = Presence::Reconnecting; // an update that keeps the name keeps its key
    roster.upsert(away);
    QCOMPARE(roster.nameHolder(u"benjamin"_s, QString()), u"u-b"_s);

    // A copy (the server's undo) has the same stage, Helpys and names.
    const Roster copy(roster);
    QCOMPARE(stage(copy), stage(roster));
    QCOMPARE(copy.helpyIds(), roster.helpyIds());
    QCOMPARE(copy.nameHolder(u"Tutor"_s, QString()), u"h-t"_s);

    QVERIFY(roster.remove(u"h-t"_s));
    QCOMPARE(stage(roster), (QStringList { u"u-a"_s, u"u-b"_s }));
    QCOMPARE(roster.nameHolder(u"Tutor"_s, QString()), QString());
    roster.clear();
    QVERIFY(roster.stageIds().isEmpty());
    QCOMPARE(roster.nameHolder(u"Ana"_s, QString()), QString());
}

void TestProtocol::timestampsWithoutZoneOrOutOfRangeAreRefused()
{
    QVERIFY(parseTimestamp(u"2026-11-26T10:15:30.123Z"_s).isValid());
    QVERIFY(parseTimestamp(u"2026-11-26T11:15:30.123+01:00"_s).isValid());
    // no zone: would be this machine's local time, so the same frame would differ by machine
    QVERIFY(!parseTimestamp(u"2026-11-26T10:15:30.123"_s).isValid());
    // an offset that moves the time past year 9999 (or before year 1) cannot be written back
    QVERIFY(!parseTimestamp(u"9999-12-31T23:00:00-14:00"_s).isValid());
    QVERIFY(!parseTimestamp(u"0001-01-01T00:00:00+14:00"_s).isValid());
    const auto decoded = decodeServerFrame(
        R"({"type":"welcome","protocol":1,"userId":"u-1","token":"t","serverTime":"9999-12-31T23:00:00-14:00","heartbeatSeconds":15})");
    QVERIFY(std::holds_alternative<DecodeError>(decoded));
}

// A refusal quotes what it refused; the quote must be valid Unicode, or the client would
// refuse the error itself (found by the request-handler fuzzer).
void TestProtocol::errorsQuoteOnlyReadableText()
{
    for (const char *json :
        { R"({"type":"sen\ud800age","requestId":"m4"})",
            R"({"type":"send_message","requestId":"r\ud800","sessionId":"s-1","text":"x"})",
            R"({"type":"set_role","requestId":"r1","sessionId":"s","participantId":"p","role":"\ud83d\ude00xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\ud83d\ude00x"})" }) {
        const auto decoded = decodeClientFrame(QByteArray(json));
        QVERIFY2(std::holds_alternative<DecodeError>(decoded), json);
        const DecodeError &error = std::get<DecodeError>(decoded);
        const QString text
            = encode(ServerFrame(Error { error.requestId, error.code, error.message }));
        const auto back = decodeServerFrame(text.toUtf8());
        QVERIFY2(std::holds_alternative<ServerFrame>(back), qPrintable(text));
    }
}

// A chat message's event is written without a QJsonObject (net/jsontext_p.h): it must be
// QJsonDocument's text to the character, for every string a client can send (controls,
// quotes, pairs and lone surrogates), every optional field set or not, any revision.
void TestProtocol::theDirectWriterWritesWhatQJsonDocumentWrites()
{
    const QList<char16_t> alphabet { u'a', u'Z', u'0', u' ', u'"', u'\\', u'/', 0x00, 0x01, 0x08,
        0x09, 0x0a, 0x0c, 0x0d, 0x1f, 0x7f, 0xe9, 0x20ac, 0x4e2d, 0xfffd, 0xd83d, 0xde00, 0xdbff,
        0xdc00 };
    QRandomGenerator random(20261202);
    const RandomText text { alphabet, random };
    const QList<MessageKind> kinds { MessageKind::Chat, MessageKind::Notice };
    for (int i = 0; i < 2000; ++i) {
        MessageEvent event;
        event.sessionId = text(12);
        event.epoch = text(8);
        ChatMessage &m = event.message;
        m.messageId = text(10);
        m.authorId = text(10);
        m.text = text(60);
        m.timestamp = i % 7 == 0
            ? QDateTime()
            : QDateTime::fromMSecsSinceEpoch(qint64(random.bounded(4102444800000.0)), Qt::UTC);
        m.revision = i % 5 == 0 ? std::numeric_limits<qint64>::max() / qint64(i + 1)
                                : qint64(random.bounded(1000000));
        m.requestId = i % 2 ? text(6) : QString();
        m.authorName = i % 3 ? text(8) : QString();
        m.replyTo = i % 4 ? QString() : text(6);
        m.kind = kinds.at(i % kinds.size());
        const ServerFrame frame = event;
        const QString expected = QString::fromUtf8(compact(toJson(frame)));
        QCOMPARE(encode(frame), expected);
    }
}

void TestProtocol::rosterEventsAreWrittenAsQJsonDocumentWritesThem()
{
    // Every shape of participant_added / _updated / _removed (people and Helpys, with and
    // without an actor, subject and instructions, every role and presence, a missing time),
    // with awkward text: the direct writer's text is QJsonDocument's to the character, and
    // decodes back to the same event.
    const QList<char16_t> alphabet { u'a', u'Z', u'0', u' ', u'"', u'\\', u'/', 0x00, 0x01, 0x08,
        0x09, 0x0a, 0x0c, 0x0d, 0x1f, 0x7f, 0xe9, 0x20ac, 0x4e2d, 0xfffd, 0xd83d, 0xde00 };
    QRandomGenerator random(20261204);
    const RandomText text { alphabet, random };
    const auto time = [&](int i) {
        return i % 9 == 0
            ? QDateTime()
            : QDateTime::fromMSecsSinceEpoch(qint64(random.bounded(4102444800000.0)), Qt::UTC);
    };
    using Type = ParticipantChangeEvent::Type;
    for (int i = 0; i < 3000; ++i) {
        ParticipantChangeEvent e;
        e.type = std::array { Type::Added, Type::Updated, Type::Removed }[size_t(i % 3)];
        e.sessionId = text(12);
        e.epoch = text(8);
        e.revision = i % 5 == 0 ? std::numeric_limits<qint64>::max() / qint64(i + 1)
                                : qint64(random.bounded(1000000));
        e.actorId = i % 4 == 0 ? QString() : text(10);
        e.timestamp = time(i);
        Participant &p = e.participant;
        p.type = i % 2 ? ParticipantType::Helpy : ParticipantType::User;
        p.id = text(10);
        p.displayName = text(20);
        p.role = std::array { Role::Owner, Role::Moderator, Role::Member }[size_t(i / 3 % 3)];
        p.presence = std::array { Presence::Online, Presence::Reconnecting,
            Presence::Offline }[size_t(i / 9 % 3)];
        p.joinedAt = time(i + 1);
        p.subject = i % 5 == 1 ? QString() : text(12);
        p.instructions = i % 7 == 2 ? QString() : text(30);
        e.participantId = p.id;
        e.participantType = p.type;
        if (e.type == Type::Removed) {
            e.participant = Participant { p.id, p.type };
            e.reason = i % 2 ? ParticipantChangeEvent::Reason::Left
                             : ParticipantChangeEvent::Reason::Removed;
        }
        const ServerFrame frame = e;
        const QString expected = QString::fromUtf8(compact(toJson(frame)));
        QCOMPARE(encode(frame), expected);
    }
}

QTEST_GUILESS_MAIN(TestProtocol)
#include "tst_protocol.moc"
