// SPDX-License-Identifier: MIT
#pragma once

#include "protocol.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QHash>
#include <QSet>
#include <QtQml/qqmlregistration.h>

/**
 * @brief The chat of one session: messages, the local user's pending sends and short
 * system lines ("Ana added Math Helpy"), oldest first.
 *
 * Rows are only ever appended or changed in place (a pending send becomes sent or
 * failed; a Helpy's draft grows and becomes its message), so the id → row and
 * requestId → row hashes never go stale: O(1) per event. The one exception is a draft
 * whose Helpy stopped without a message (rare): dropping it renumbers the rows after it.
 */
class MessageListModel : public QAbstractListModel
{
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("Owned by a GroupSession")
    Q_PROPERTY(int count READ count NOTIFY countChanged)

public:
    enum Roles {
        IdRole = Qt::UserRole + 1, ///< @brief messageId (a local id while pending)
        AuthorIdRole, ///< @brief the author's participant id ("" for system lines)
        /// @brief the author's display name when the message was sent, "Ben (left)" once the
        /// author is no longer in the session
        AuthorNameRole,
        TextRole, ///< @brief the text
        TimestampRole, ///< @brief server time (local time while pending), QDateTime
        IsSystemRole, ///< @brief a line about the session, not said by anyone
        IsOwnRole, ///< @brief written by the local user
        StatusRole, ///< @brief "sent", "pending", "failed" or "drafting" (a Helpy writing)
        KindRole, ///< @brief "chat", or "notice" (a Helpy saying it cannot answer)
        /// @brief false when the row continues the one above: same author, same day, at most
        /// five minutes later (the delegate then shows no name)
        ShowHeaderRole,
        /// @brief the row's local day as "yyyy-MM-dd"
        DateSectionRole,
        /// @brief the first row of its local day: a date separator goes above it
        StartsDayRole,
        TimeTextRole, ///< @brief the time in the locale's short format, local time
        MentionsMeRole, ///< @brief the text mentions the local user ("@Name", Mentions)
        /// @brief the text as StyledText: escaped, http(s) links clickable, mentions of the
        /// local user in bold (Linkify)
        StyledTextRole,
    };
    Q_ENUM(Roles)

    enum class Status { Sent, Pending, Failed, Drafting };

    /// @brief One row.
    struct Entry
    {
        QString id;
        QString requestId;
        QString authorId;
        QString authorName;
        QString text;
        QDateTime timestamp;
        bool isSystem = false;
        Status status = Status::Sent;
        bool isNotice = false;
    };

    explicit MessageListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    int count() const { return int(m_rows.size()); }
    void setLocalUserId(const QString &userId);
    /// The local user's display name in this session: whose mentions are highlighted.
    void setLocalDisplayName(const QString &name);

    /// How long after an author's message their next one still continues it.
    static constexpr qint64 GroupingWindowSecs = 5 * 60;
    /// Whether `row` continues `previous` (the two share a header).
    static bool continues(const Entry &previous, const Entry &row);
    /// The rows whose text contains `query` (any case), in order: what Find steps through.
    Q_INVOKABLE QList<int> find(const QString &query) const;
    /// The text of `row` ("" outside the list): what Copy puts on the clipboard.
    Q_INVOKABLE QString textAt(int row) const;

    static Entry fromMessage(const Protocol::ChatMessage &message, const QString &authorName);

    /// Applies a snapshot's messages: a reset when nothing is shown, else the new ones are
    /// appended (and pending sends they answer are confirmed in place).
    void applySnapshot(const QList<Entry> &entries);
    /// A message from the server: confirms a pending send in place, or appends.
    void addMessage(const Entry &entry);
    void addPending(const QString &requestId, const QString &authorId, const QString &authorName,
        const QString &text);
    void markFailed(const QString &requestId);
    void addSystemLine(const QString &id, const QString &text, const QDateTime &timestamp);
    /// A Helpy's answer so far (`message_delta`): a draft row, appended once and then grown
    /// in place; the message with requestId = draftId replaces it in the same row.
    void updateDraft(const QString &draftId, const QString &authorId, const QString &authorName,
        const QString &text);
    /// Removes the draft (its Helpy stopped without a message); false when there is none.
    bool dropDraft(const QString &draftId);
    /// Whether a draft row for `draftId` is shown.
    bool hasDraft(const QString &draftId) const;
    void clear();
    /// Whether a message author is no longer in the session (their rows say so).
    void setAuthorLeft(const QString &authorId, bool left);
    bool hasAuthorLeft(const QString &authorId) const { return m_leftAuthors.contains(authorId); }

    Q_INVOKABLE int rowOf(const QString &id) const { return m_rowOf.value(id, -1); }
    const Entry &entry(int row) const { return m_rows.at(row); }

Q_SIGNALS:
    void countChanged();

private:
    void append(const QList<Entry> &entries);
    /// Confirms a pending row for `entry.requestId`; false when there is none.
    bool confirmPending(const Entry &entry);
    /// Whether `row` shows its header and whether it starts a day ({false, false} outside).
    std::pair<bool, bool> headOf(int row) const;
    /// Tells views when the header or separator of `row` is no longer `before` (its
    /// neighbour above changed or went).
    void headerMayHaveChanged(int row, std::pair<bool, bool> before);

    QList<Entry> m_rows;
    QHash<QString, int> m_rowOf;
    QHash<QString, int> m_pendingRowOf; // requestId → row, while pending, failed or a draft
    QSet<QString> m_finishedDrafts; // drafts replaced already: a late delta is ignored
    QString m_localUserId;
    QString m_localDisplayName;
    QSet<QString> m_leftAuthors;
};
