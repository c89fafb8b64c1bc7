// SPDX-License-Identifier: MIT
// The typed results of `ack` frames: written by the server with makeAck(), read by the client
// with resultOf<T>(). The wire fields sit beside requestId and revision (docs/protocol.md).
#include "jsonfields_p.h"

namespace Protocol {

using namespace detail;

namespace {

Ack ackOf(std::optional<qint64> revision, QJsonObject result)
{
    Ack ack;
    ack.revision = revision;
    ack.result = std::move(result);
    return ack;
}

/// Runs `read` over the ack's fields; a malformed result is no result.
template<typename Result, typename Read>
std::optional<Result> readResult(const Ack &ack, const char *context, Read read)
{
    const Limits limits;
    try {
        const Fields f(ack.result, QString::fromLatin1(context), limits);
        return read(f);
    } catch (const Reject &) {
        return std::nullopt;
    }
}

} // namespace

Ack makeAck(std::optional<qint64> revision)
{
    return ackOf(revision, {});
}

Ack makeAck(std::optional<qint64> revision, const CreateSessionResult &r)
{
    return ackOf(revision,
        { { QStringLiteral("sessionId"), r.sessionId }, { QStringLiteral("epoch"), r.epoch } });
}

Ack makeAck(std::optional<qint64> revision, const JoinSessionResult &r)
{
    return ackOf(revision,
        { { QStringLiteral("sessionId"), r.sessionId }, { QStringLiteral("epoch"), r.epoch },
            { QStringLiteral("resumed"), r.resumed } });
}

Ack makeAck(std::optional<qint64> revision, const AddParticipantResult &r)
{
    return ackOf(revision,
        { { QStringLiteral("participantId"), r.participantId },
            { QStringLiteral("added"), r.added } });
}

Ack makeAck(std::optional<qint64> revision, const CreateInviteResult &r)
{
    QJsonObject result { { QStringLiteral("inviteCode"), r.inviteCode },
        { QStringLiteral("sessionId"), r.sessionId },
        { QStringLiteral("expiresAt"), formatTimestamp(r.expiresAt) } };
    if (r.maxUses)
        result.insert(QStringLiteral("maxUses"), *r.maxUses);
    return ackOf(revision, result);
}

Ack makeAck(std::optional<qint64> revision, const ListSessionsResult &r)
{
    QJsonArray sessions;
    for (const SessionSummary &summary : r.sessions)
        sessions.append(toJson(summary));
    QJsonObject result { { QStringLiteral("sessions"), sessions } };
    if (!r.nextCursor.isEmpty())
        result.insert(QStringLiteral("nextCursor"), r.nextCursor);
    return ackOf(revision, std::move(result));
}

Ack makeAck(std::optional<qint64> revision, const SendMessageResult &r)
{
    return ackOf(revision, { { QStringLiteral("messageId"), r.messageId } });
}

template<> std::optional<CreateSessionResult> resultOf(const Ack &ack)
{
    return readResult<CreateSessionResult>(ack, "create_session result", [](const Fields &f) {
        return CreateSessionResult { f.id("sessionId"), f.id("epoch") };
    });
}

template<> std::optional<JoinSessionResult> resultOf(const Ack &ack)
{
    return readResult<JoinSessionResult>(ack, "join_session result", [](const Fields &f) {
        return JoinSessionResult { f.id("sessionId"), f.id("epoch"), f.boolean("resumed") };
    });
}

template<> std::optional<AddParticipantResult> resultOf(const Ack &ack)
{
    return readResult<AddParticipantResult>(ack, "add_participant result", [](const Fields &f) {
        return AddParticipantResult { f.id("participantId"), f.boolean("added") };
    });
}

template<> std::optional<CreateInviteResult> resultOf(const Ack &ack)
{
    return readResult<CreateInviteResult>(ack, "create_invite result", [](const Fields &f) {
        CreateInviteResult result { f.id("inviteCode"), f.id("sessionId"), {}, std::nullopt };
        result.expiresAt = f.timestamp("expiresAt");
        if (const auto maxUses = f.optionalInteger("maxUses"))
            result.maxUses = int(std::min<qint64>(*maxUses, std::numeric_limits<int>::max()));
        return result;
    });
}

template<> std::optional<ListSessionsResult> resultOf(const Ack &ack)
{
    return readResult<ListSessionsResult>(ack, "list_sessions result", [](const Fields &f) {
        ListSessionsResult result;
        const QJsonArray list = f.array("sessions");
        result.sessions.reserve(list.size());
        for (const QJsonValue &value : list) {
            // A row this version cannot read is left out; the others are still shown.
            if (const auto summary = sessionSummaryFromJson(value.toObject()))
                result.sessions.append(*summary);
        }
        result.nextCursor = f.optionalId("nextCursor");
        return result;
    });
}

template<> std::optional<SendMessageResult> resultOf(const Ack &ack)
{
    return readResult<SendMessageResult>(ack, "send_message result",
        [](const Fields &f) { return SendMessageResult { f.id("messageId") }; });
}

} // namespace Protocol
