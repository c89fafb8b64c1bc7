// SPDX-License-Identifier: MIT
#include "messagelistmodel.h"

#include "linkify.h"
#include "mentions.h"

#include <QLocale>

using namespace Protocol;

MessageListModel::MessageListModel(QObject *parent)
    : QAbstractListModel(parent)
{ }

int MessageListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant MessageListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry &e = m_rows.at(index.row());
    switch (role) {
    case IdRole:
        return e.id;
    case AuthorIdRole:
        return e.authorId;
    case AuthorNameRole:
        if (!e.isSystem && m_leftAuthors.contains(e.authorId))
            return tr("%1 (left)").arg(e.authorName);
        return e.authorName;
    case Qt::DisplayRole:
    case TextRole:
        return e.text;
    case TimestampRole:
        return e.timestamp;
    case IsSystemRole:
        return e.isSystem;
    case IsOwnRole:
        return !e.isSystem && !m_localUserId.isEmpty() && e.authorId == m_localUserId;
    case StatusRole:
        switch (e.status) {
        case Status::Sent:
            return QStringLiteral("sent");
        case Status::Pending:
            return QStringLiteral("pending");
        case Status::Failed:
            return QStringLiteral("failed");
        case Status::Drafting:
            return QStringLiteral("drafting");
        }
        break;
    case KindRole:
        return e.isNotice ? QStringLiteral("notice") : QStringLiteral("chat");
    case ShowHeaderRole:
        return index.row() == 0 || !continues(m_rows.at(index.row() - 1), e);
    case DateSectionRole:
        return e.timestamp.toLocalTime().date().toString(Qt::ISODate);
    case StartsDayRole:
        return index.row() == 0
            || m_rows.at(index.row() - 1).timestamp.toLocalTime().date()
            != e.timestamp.toLocalTime().date();
    case TimeTextRole:
        return QLocale().toString(e.timestamp.toLocalTime().time(), QLocale::ShortFormat);
    case MentionsMeRole:
        return !e.isSystem && Mentions::mentions(e.text, m_localDisplayName);
    case StyledTextRole:
        return Linkify::toStyledText(e.text, e.isSystem ? QString() : m_localDisplayName);
    }
    return {};
}

QHash<int, QByteArray> MessageListModel::roleNames() const
{
    static const QHash<int, QByteArray> names {
        { IdRole, "messageId" },
        { AuthorIdRole, "authorId" },
        { AuthorNameRole, "authorName" },
        { TextRole, "text" },
        { TimestampRole, "timestamp" },
        { IsSystemRole, "isSystem" },
        { IsOwnRole, "isOwn" },
        { StatusRole, "status" },
        { KindRole, "kind" },
        { ShowHeaderRole, "showHeader" },
        { DateSectionRole, "dateSection" },
        { StartsDayRole, "startsDay" },
        { TimeTextRole, "timeText" },
        { MentionsMeRole, "mentionsMe" },
        { StyledTextRole, "styledText" },
    };
    return names;
}

void MessageListModel::setLocalUserId(const QString &userId)
{
    if (m_localUserId == userId)
        return;
    m_localUserId = userId;
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0), index(int(m_rows.size()) - 1), { IsOwnRole });
}

void MessageListModel::setLocalDisplayName(const QString &name)
{
    if (m_localDisplayName == name)
        return;
    m_localDisplayName = name;
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(
            index(0), index(int(m_rows.size()) - 1), { MentionsMeRole, StyledTextRole });
}

bool MessageListModel::continues(const Entry &previous, const Entry &row)
{
    if (previous.isSystem || row.isSystem || previous.authorId != row.authorId)
        return false;
    const QDateTime before = previous.timestamp.toLocalTime();
    const QDateTime after = row.timestamp.toLocalTime();
    if (before.date() != after.date()) // a date separator comes between them
        return false;
    const qint64 gap = before.secsTo(after);
    return gap >= 0 && gap <= GroupingWindowSecs;
}

QList<int> MessageListModel::find(const QString &query) const
{
    QList<int> rows;
    if (query.isEmpty())
        return rows;
    for (int row = 0; row < int(m_rows.size()); ++row) {
        if (m_rows.at(row).text.contains(query, Qt::CaseInsensitive))
            rows.append(row);
    }
    return rows;
}

QString MessageListModel::textAt(int row) const
{
    return row >= 0 && row < int(m_rows.size()) ? m_rows.at(row).text : QString();
}

std::pair<bool, bool> MessageListModel::headOf(int row) const
{
    if (row < 0 || row >= int(m_rows.size()))
        return { false, false };
    const QModelIndex at = index(row);
    return { data(at, ShowHeaderRole).toBool(), data(at, StartsDayRole).toBool() };
}

void MessageListModel::headerMayHaveChanged(int row, std::pair<bool, bool> before)
{
    if (row < 0 || row >= int(m_rows.size()) || headOf(row) == before)
        return;
    Q_EMIT dataChanged(index(row), index(row), { ShowHeaderRole, StartsDayRole });
}

MessageListModel::Entry MessageListModel::fromMessage(
    const ChatMessage &message, const QString &authorName)
{
    Entry e;
    e.id = message.messageId;
    e.requestId = message.requestId;
    e.authorId = message.authorId;
    e.authorName = authorName;
    e.text = message.text;
    e.timestamp = message.timestamp;
    e.isNotice = message.kind == MessageKind::Notice;
    return e;
}

void MessageListModel::append(const QList<Entry> &entries)
{
    if (entries.isEmpty())
        return;
    const int first = int(m_rows.size());
    beginInsertRows({}, first, first + int(entries.size()) - 1);
    for (const Entry &e : entries) {
        const int row = int(m_rows.size());
        m_rowOf.insert(e.id, row);
        if (e.status != Status::Sent && !e.requestId.isEmpty())
            m_pendingRowOf.insert(e.requestId, row);
        m_rows.append(e);
    }
    endInsertRows();
    Q_EMIT countChanged();
}

bool MessageListModel::confirmPending(const Entry &entry)
{
    if (entry.requestId.isEmpty())
        return false;
    const auto it = m_pendingRowOf.constFind(entry.requestId);
    if (it == m_pendingRowOf.cend())
        return false;
    const int row = *it;
    // requestIds are unique per user only: someone else's may match one of ours.
    if (m_rows.at(row).authorId != entry.authorId)
        return false;
    m_pendingRowOf.erase(it);
    Entry &shown = m_rows[row];
    m_rowOf.remove(shown.id);
    const auto nextHead = headOf(row + 1);
    QList<int> changed { IdRole, TimestampRole, StatusRole, ShowHeaderRole, DateSectionRole,
        StartsDayRole, TimeTextRole };
    if (shown.status == Status::Drafting) {
        m_finishedDrafts.insert(entry.requestId);
        if (m_finishedDrafts.size() > 256) // only deltas still in flight matter
            m_finishedDrafts = { entry.requestId };
    }
    if (shown.isNotice != entry.isNotice) {
        shown.isNotice = entry.isNotice;
        changed << KindRole;
    }
    shown.id = entry.id;
    shown.timestamp = entry.timestamp;
    shown.status = Status::Sent;
    if (shown.text != entry.text) { // the server may have normalised it
        shown.text = entry.text;
        changed << TextRole << Qt::DisplayRole << MentionsMeRole << StyledTextRole;
    }
    m_rowOf.insert(shown.id, row);
    Q_EMIT dataChanged(index(row), index(row), changed);
    // The server's time may join it to the row after it or part them.
    headerMayHaveChanged(row + 1, nextHead);
    return true;
}

void MessageListModel::applySnapshot(const QList<Entry> &entries)
{
    if (m_rows.isEmpty()) {
        beginResetModel();
        for (const Entry &e : entries) {
            if (m_rowOf.contains(e.id))
                continue;
            m_rowOf.insert(e.id, int(m_rows.size()));
            m_rows.append(e);
        }
        endResetModel();
        if (!m_rows.isEmpty())
            Q_EMIT countChanged();
        return;
    }
    QList<Entry> fresh;
    for (const Entry &e : entries) {
        if (m_rowOf.contains(e.id) || confirmPending(e))
            continue;
        fresh.append(e);
    }
    append(fresh);
}

void MessageListModel::addMessage(const Entry &entry)
{
    if (m_rowOf.contains(entry.id) || confirmPending(entry))
        return;
    append({ entry });
}

void MessageListModel::addPending(const QString &requestId, const QString &authorId,
    const QString &authorName, const QString &text)
{
    Entry e;
    e.id = QStringLiteral("pending:") + requestId;
    e.requestId = requestId;
    e.authorId = authorId;
    e.authorName = authorName;
    e.text = text;
    e.timestamp = QDateTime::currentDateTimeUtc();
    e.status = Status::Pending;
    append({ e });
}

void MessageListModel::markFailed(const QString &requestId)
{
    const int row = m_pendingRowOf.value(requestId, -1);
    if (row < 0 || m_rows.at(row).status == Status::Failed)
        return;
    m_rows[row].status = Status::Failed;
    Q_EMIT dataChanged(index(row), index(row), { StatusRole });
}

void MessageListModel::addSystemLine(
    const QString &id, const QString &text, const QDateTime &timestamp)
{
    if (m_rowOf.contains(id))
        return;
    Entry e;
    e.id = id;
    e.text = text;
    e.timestamp = timestamp;
    e.isSystem = true;
    append({ e });
}

void MessageListModel::updateDraft(
    const QString &draftId, const QString &authorId, const QString &authorName, const QString &text)
{
    if (draftId.isEmpty() || m_finishedDrafts.contains(draftId))
        return;
    const int row = m_pendingRowOf.value(draftId, -1);
    if (row < 0) {
        Entry e;
        e.id = QStringLiteral("draft:") + draftId;
        e.requestId = draftId;
        e.authorId = authorId;
        e.authorName = authorName;
        e.text = text;
        e.timestamp = QDateTime::currentDateTimeUtc();
        e.status = Status::Drafting;
        append({ e });
        return;
    }
    Entry &shown = m_rows[row];
    if (shown.authorId != authorId || shown.status != Status::Drafting || shown.text == text)
        return;
    shown.text = text;
    Q_EMIT dataChanged(
        index(row), index(row), { TextRole, Qt::DisplayRole, MentionsMeRole, StyledTextRole });
}

bool MessageListModel::hasDraft(const QString &draftId) const
{
    const int row = m_pendingRowOf.value(draftId, -1);
    return row >= 0 && m_rows.at(row).status == Status::Drafting;
}

bool MessageListModel::dropDraft(const QString &draftId)
{
    if (!hasDraft(draftId))
        return false;
    const int row = m_pendingRowOf.value(draftId);
    const auto nextHead = headOf(row + 1);
    beginRemoveRows({}, row, row);
    m_rowOf.remove(m_rows.at(row).id);
    m_pendingRowOf.remove(draftId);
    m_rows.removeAt(row);
    // The rows after it move up by one.
    for (auto it = m_rowOf.begin(); it != m_rowOf.end(); ++it)
        *it -= *it > row ? 1 : 0;
    for (auto it = m_pendingRowOf.begin(); it != m_pendingRowOf.end(); ++it)
        *it -= *it > row ? 1 : 0;
    endRemoveRows();
    Q_EMIT countChanged();
    // The row that followed it now follows the one before it.
    headerMayHaveChanged(row, nextHead);
    return true;
}

void MessageListModel::clear()
{
    if (m_rows.isEmpty())
        return;
    beginResetModel();
    m_rows.clear();
    m_rowOf.clear();
    m_pendingRowOf.clear();
    m_finishedDrafts.clear();
    endResetModel();
    Q_EMIT countChanged();
}

void MessageListModel::setAuthorLeft(const QString &authorId, bool left)
{
    if (authorId.isEmpty())
        return;
    if (left ? !m_leftAuthors.contains(authorId) : m_leftAuthors.remove(authorId)) {
        if (left)
            m_leftAuthors.insert(authorId);
        // Rare (someone leaves or comes back): a pass over the rows is fine.
        for (int row = 0; row < int(m_rows.size()); ++row) {
            const Entry &e = m_rows.at(row);
            if (!e.isSystem && e.authorId == authorId)
                Q_EMIT dataChanged(index(row), index(row), { AuthorNameRole });
        }
    }
}
