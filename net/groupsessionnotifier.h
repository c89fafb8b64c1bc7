// SPDX-License-Identifier: MIT
#pragma once

#include "protocol.h"
#include "roster.h"
#include "websocketservice.h"

#include <QHash>
#include <QObject>
#include <QPointer>

/**
 * @brief One session's state on the client: a snapshot plus the events after it.
 *
 * Listens to the service's signals for its session id, applies events whose revision is
 * exactly last + 1, ignores ones already applied, and on a gap (or an unknown epoch)
 * re-joins with `{epoch, sinceRevision}` so the server sends what was missed (or a fresh
 * snapshot). Named after the original feature's group-session notifier.
 */
class GroupSessionNotifier : public QObject
{
    Q_OBJECT

public:
    GroupSessionNotifier(
        WebSocketService *service, const QString &sessionId, QObject *parent = nullptr);

    QString sessionId() const { return m_sessionId; }
    QString epoch() const { return m_epoch; }
    qint64 revision() const { return m_revision; }
    QString title() const { return m_title; }
    bool hasState() const { return !m_epoch.isEmpty(); }
    const Protocol::SessionSettings &settings() const { return m_settings; }

    /**
     * The session's roster, in join order: the client's one copy. A list model shows it
     * (ParticipantListModel observes it), so the digest check compares the server's roster
     * with exactly what is on screen.
     */
    const Roster &roster() const { return m_roster; }
    Roster *roster() { return &m_roster; }
    /// The roster in the order participants joined (a copy; O(n)).
    QList<Protocol::Participant> participants() const { return m_roster.participants(); }
    std::optional<Protocol::Participant> participant(const QString &id) const;
    /// The messages known (last 50 of the snapshot plus those since), oldest first.
    const QList<Protocol::ChatMessage> &messages() const { return m_messages; }
    /// The membership history known (the snapshot's plus the entries since), oldest first.
    const QList<Protocol::MembershipEntry> &membership() const { return m_membership; }

    /**
     * How many are in the session: the roster's size, or in a large session whose roster
     * came in summary (rosterPartial()) the server's count (snapshot, roster_summary, and
     * the roster events we are sent).
     */
    int participantCount() const { return m_participantCount; }
    /// roster() holds only the stage (owners, moderators, Helpys) and this user: a large
    /// session in summary. requestFullRoster() asks for everyone.
    bool isRosterPartial() const { return m_rosterPartial; }
    /// Asks for the whole roster (a full snapshot), and keeps it whole from then on.
    void requestFullRoster();

    /// Joins (or resumes, when state is known) the session on the current connection;
    /// caughtUp() follows the server's answer.
    void join();
    /// Removed from the session: no more events will come.
    bool isRemoved() const { return m_removed; }

Q_SIGNALS:
    /// A snapshot replaced the whole state (first load, or after a gap the log could not fill).
    void snapshotApplied(const Protocol::SessionSnapshot &snapshot);
    /**
     * An in-order roster event was applied to roster() (added / removed / updated): the rows
     * changed already. For what goes beyond the rows (who did it, when, what it was before):
     * `before` is the participant as it was (none when added).
     */
    void participantChanged(const Protocol::ParticipantChangeEvent &event,
        const std::optional<Protocol::Participant> &before);
    /// A roster event made a line of the membership history (Membership::entryOf); after
    /// participantChanged().
    void membershipEntryAppended(const Protocol::MembershipEntry &entry);
    void messageAppended(const Protocol::ChatMessage &message);
    /**
     * The server answered a join or resume of ours: everything it had when it answered has
     * been applied, so the state is no older than the server's at that moment.
     */
    void caughtUp();
    void typingChanged(const QString &participantId, bool typing);
    /// A Helpy's draft answer grew (ephemeral; the final message carries draftId as requestId).
    void messageDeltaReceived(const Protocol::MessageDelta &delta);
    /// The session's settings changed (an in-order event, or a snapshot that differs).
    void settingsChanged(const Protocol::SessionSettings &settings);
    /// A gap was detected and a resume was requested from `sinceRevision`.
    void resyncRequested(qint64 sinceRevision);
    /// A digest at our revision had another roster hash: a snapshot was requested.
    void divergenceDetected(const QString &ourHash, const QString &serverHash);
    /// participantCount() or isRosterPartial() changed.
    void rosterSizeChanged();
    /// This user was removed from the session (or left it).
    void removedFromSession(Protocol::ParticipantChangeEvent::Reason reason);
    /// An in-order session_renamed: title() is the new one.
    void renamed(const Protocol::SessionRenamedEvent &event);
    /// The owner deleted the session: no more events will come.
    void deleted(const Protocol::SessionDeletedEvent &event);

private:
    bool acceptRevision(const QString &epoch, qint64 revision);
    void onSnapshot(const Protocol::SessionSnapshot &snapshot);
    void adopt(const Protocol::SessionSnapshot &snapshot);
    void onParticipantChanged(const Protocol::ParticipantChangeEvent &event);
    void onMessage(const Protocol::MessageEvent &event);
    void onTyping(const Protocol::TypingEvent &event);
    void onSettings(const Protocol::SessionSettingsEvent &event);
    void onDigest(const Protocol::SessionDigest &digest);
    void onRosterSummary(const Protocol::RosterSummary &summary);
    /// Sets the count and partiality, and says so when they changed.
    void setRosterSize(int count, bool partial);
    /// How join / resume ask for the roster: the whole of it once requestFullRoster() was called.
    Protocol::RosterMode rosterMode() const;
    void onRenamed(const Protocol::SessionRenamedEvent &event);
    void onDeleted(const Protocol::SessionDeletedEvent &event);
    void resync();
    /// The handler of our join / resume answers.
    /// A join or resume refused: forbidden or not_found end what we follow.
    void onRefused(const Protocol::Error &error);
    WebSocketService::ReplyHandler onAnswered();

    QPointer<WebSocketService> m_service;
    QString m_sessionId;
    QString m_epoch;
    QString m_title;
    qint64 m_revision = 0;
    bool m_resyncing = false;
    bool m_removed = false;
    bool m_rosterPartial = false;
    bool m_wholeRosterAsked = false;
    int m_participantCount = 0;
    Roster m_roster;
    QList<Protocol::ChatMessage> m_messages;
    Protocol::SessionSettings m_settings;
    QList<Protocol::MembershipEntry> m_membership;
};
