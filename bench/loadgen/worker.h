// SPDX-License-Identifier: MIT
// One thread's share of helpy-loadgen's clients: their sockets, their set-up, and the
// receipts of measured frames.
#pragma once

#include <QMutex>
#include <QObject>
#include <QTimer>
#include <QUrl>

#include <atomic>
#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

class QJsonObject;
class QWebSocket;

namespace loadgen {

/// What every worker reads and the coordinator writes (atomics: workers run on their threads).
struct Shared
{
    QUrl url;
    bool socketio = false;
    /// Receipts are recorded only while true (a measured phase runs).
    std::atomic<bool> running { false };
    /// Frame payload bytes are summed only while true (from the first frame to the quiet set-up).
    std::atomic<bool> countBytes { true };
    /// Lowest marker sequence number of the running phase; older markers are late frames.
    std::atomic<qint64> seqBase { 1 };
    std::atomic<qint64> delivered { 0 };
    std::atomic<qint64> expected { 0 };
    /// Payload bytes of the first participant_added frame any client received (0: none yet).
    std::atomic<qint64> participantAddedBytes { 0 };
    /// Send time (steady clock, ns) of each marker of the running phase, by seq − seqBase.
    std::unique_ptr<std::atomic<qint64>[]> sendNs;
    qint64 sendSlots = 0;
};

/// A marker received: its sequence number and when.
struct Receipt
{
    qint64 seq; ///< -1: a participant_removed, known by `participantId`
    qint64 ns;
    QString participantId;
};

/// A room's message schedule: `client` sends one message a second, `offsetNs` into each second.
struct RoomSender
{
    int client;
    int room;
    qint64 offsetNs;
};

class Worker : public QObject
{
public:
    /// What a client does after `welcome`.
    enum class Role {
        Creator, ///< create_session, join it, create_invite (the actor; a room's first member)
        Member, ///< join_session by the invite
        Idle, ///< nothing: hello done, in no session
    };

    /// Called on the worker's thread; the coordinator posts them to its own.
    struct Callbacks
    {
        std::function<void(int client)> ready;
        std::function<void(int client, QString sessionId, QString inviteCode)> created;
        std::function<void(QString why)> failed;
        std::function<void()> allDelivered;
        /// An answer to a measured request of the session mode's actor (worker 0 only).
        std::function<void(QString requestId, QString participantId)> answered;
    };

    Worker(Shared &shared, Callbacks callbacks);
    ~Worker() override;

    // Everything below runs on the worker's thread.
    void open(int client, Role role, const QString &inviteCode);
    void sendText(int client, const QString &json);
    /// Runs the rooms' schedule: second t of `seconds`, from `startNs`; the marker of room r's
    /// t-th message is seqBase + r × seconds + t.
    void startRooms(std::vector<RoomSender> senders, int seconds, qint64 startNs);
    void stopRooms();
    /// Aborts every socket (at the end of the run).
    void shutdown();

    // Thread-safe.
    std::vector<Receipt> takeReceipts();
    qint64 bytesReceived() const { return m_bytes.load(std::memory_order_relaxed); }
    qint64 lastFrameNs() const { return m_lastFrameNs.load(std::memory_order_relaxed); }
    int threadIndex = 0;

private:
    struct Client
    {
        QWebSocket *socket = nullptr;
        Role role = Role::Idle;
        QString inviteCode;
        QString sessionId;
        bool done = false;
    };

    void hello(int client);
    void send(int client, const QJsonObject &frame);
    void onText(int client, const QString &text);
    void onAnswer(int client, const QJsonObject &frame);
    void record(const QString &text, qsizetype at, qint64 now);
    void recordRemoval(const QString &text, qint64 now);
    void countDelivery();
    void onRoomsTick();

    Shared &m_shared;
    Callbacks m_callbacks;
    std::unordered_map<int, Client> m_clients;
    std::atomic<qint64> m_bytes { 0 };
    std::atomic<qint64> m_lastFrameNs { 0 };
    QMutex m_receiptsLock;
    std::vector<Receipt> m_receipts;

    std::vector<RoomSender> m_senders;
    int m_roomSeconds = 0;
    qint64 m_roomsStartNs = 0;
    qint64 m_nextSend = 0; ///< position in (second, sender) order
    QTimer *m_roomsTimer = nullptr;
};

} // namespace loadgen
