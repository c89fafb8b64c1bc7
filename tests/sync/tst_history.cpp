// SPDX-License-Identifier: MIT
// Names that outlive membership, and membership lines from the session's event log: the chat
// of GroupSessions (members present all along, a late joiner, a restarted server) against
// the real server on 127.0.0.1 port 0.
#include "groupsession.h"
#include "servicewaits.h"
#include "sessionserver.h"
#include "websocketservice.h"

#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace Protocol;

namespace {

/// One desktop client: a connection and the page of one session.
struct Member
{
    WebSocketService service;
    std::unique_ptr<GroupSession> page;

    bool signIn(const QUrl &url, const QString &name, const QString &token = {})
    {
        return connectAndWelcome(service, url, name, token);
    }
    /// Opens the session's page as the app does, and waits until it is loaded.
    bool open(const QString &sessionId)
    {
        page = std::make_unique<GroupSession>(&service, sessionId);
        if (!page->isLoaded())
            page->join();
        return QTest::qWaitFor([this] { return page->isLoaded(); }, 5000);
    }
    QString id() const { return service.userId(); }
};

/// The chat as shown: "— line" for membership lines, "Name: text" for messages.
QStringList chatOf(const GroupSession &page)
{
    QStringList lines;
    const MessageListModel *chat = page.messages();
    for (int row = 0; row < chat->rowCount(); ++row) {
        const QModelIndex index = chat->index(row);
        const QString text = index.data(MessageListModel::TextRole).toString();
        if (index.data(MessageListModel::IsSystemRole).toBool())
            lines << u"— "_s + text;
        else
            lines << index.data(MessageListModel::AuthorNameRole).toString() + u": "_s + text;
    }
    return lines;
}

QStringList membershipLinesOf(const GroupSession &page)
{
    return chatOf(page).filter(QRegularExpression(u"^— "_s));
}

} // namespace

class TestHistory : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<SessionServer> m_server;
    QString m_sessionId;
    QString m_inviteCode;

    void startServer(const QString &dataPath = {})
    {
        ServerOptions options;
        options.heartbeatSeconds = 0;
        options.presenceGraceSeconds = 0;
        options.dataPath = dataPath;
        m_server = std::make_unique<SessionServer>(options);
        QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
    }

    /// Ana creates "Algebra", opens it and makes an invite code.
    void createSession(Member &ana)
    {
        QVERIFY(ana.signIn(m_server->url(), u"Ana"_s));
        const auto created
            = await([&](auto done) { ana.service.createSession(u"Algebra"_s, done); });
        m_sessionId
            = resultOf<CreateSessionResult>(created.ack).value_or(CreateSessionResult {}).sessionId;
        QVERIFY(!m_sessionId.isEmpty());
        QVERIFY(ana.open(m_sessionId));
        const auto invite = await([&](auto done) { ana.service.createInvite(m_sessionId, done); });
        m_inviteCode
            = resultOf<CreateInviteResult>(invite.ack).value_or(CreateInviteResult {}).inviteCode;
        QVERIFY(!m_inviteCode.isEmpty());
    }

    /// `who` signs in as `name`, joins with the invite and opens the page.
    void joinByInvite(Member &who, const QString &name)
    {
        QVERIFY(who.signIn(m_server->url(), name));
        QVERIFY(await([&](auto done) { who.service.joinByInvite(m_inviteCode, done); }).ok);
        QVERIFY(who.open(m_sessionId));
    }

    static bool say(Member &who, const QString &sessionId, const QString &text)
    {
        return await([&](auto done) { who.service.sendMessage(sessionId, text, done); }).ok;
    }

private Q_SLOTS:
    void init() { QVERIFY(m_dir.isValid()); }
    void cleanup()
    {
        m_server.reset();
        m_sessionId.clear();
        m_inviteCode.clear();
    }

    void aRemovedAuthorsMessageShowsAName()
    {
        startServer();
        Member ana, ben, cy;
        createSession(ana);
        joinByInvite(ben, u"Ben"_s);
        QVERIFY(say(ben, m_sessionId, u"Back in five"_s));
        QVERIFY(await([&](auto done) {
            ana.service.sendParticipantRemoved(m_sessionId, ben.id(), done);
        }).ok);
        // Ana saw Ben write; his line now says he left.
        QTRY_VERIFY(chatOf(*ana.page).contains(u"Ben (left): Back in five"_s));

        // Cy joins after Ben left: she never saw Ben in the roster, and still reads his name.
        joinByInvite(cy, u"Cy"_s);
        const QStringList chat = chatOf(*cy.page);
        QVERIFY2(chat.contains(u"Ben (left): Back in five"_s), qPrintable(chat.join(u" | ")));
        for (const QString &line : chat)
            QVERIFY2(!line.contains(ben.id()), qPrintable(line));
        QVERIFY(chat.contains(u"— Ana removed Ben"_s));
    }

    void membersAndALateJoinerSeeTheSameMembershipLines()
    {
        startServer();
        Member ana, ben, dee, cy;
        createSession(ana);
        joinByInvite(ben, u"Ben"_s);
        QVERIFY(await([&](auto done) {
            ana.service.sendParticipantAdded(
                m_sessionId, ParticipantType::Helpy, {}, u"Math Helpy"_s, done);
        }).ok);
        QVERIFY(say(ben, m_sessionId, u"Hello"_s));
        QVERIFY(await([&](auto done) {
            ana.service.setRole(m_sessionId, ben.id(), Role::Moderator, done);
        }).ok);
        joinByInvite(dee, u"Dee"_s);
        QVERIFY(await([&](auto done) { dee.service.leaveSession(m_sessionId, done); }).ok);
        QString helpyId;
        for (const Participant &p : ana.page->participants()->participants()) {
            if (p.displayName == u"Math Helpy"_s)
                helpyId = p.id;
        }
        QVERIFY(!helpyId.isEmpty());
        QVERIFY(await([&](auto done) {
            ben.service.sendParticipantRemoved(m_sessionId, helpyId, done);
        }).ok);
        joinByInvite(cy, u"Cy"_s);

        const QStringList expected { u"— Ana joined"_s, u"— Ben joined"_s,
            u"— Ana added Math Helpy"_s, u"— Ana made Ben a moderator"_s, u"— Dee joined"_s,
            u"— Dee left"_s, u"— Ben removed Math Helpy"_s, u"— Cy joined"_s };
        QTRY_COMPARE(membershipLinesOf(*ana.page), expected);
        QTRY_COMPARE(membershipLinesOf(*ben.page), expected);
        QCOMPARE(membershipLinesOf(*cy.page), expected);
        // Interleaved with the chat in the order it happened, the same for all.
        QCOMPARE(chatOf(*cy.page), chatOf(*ana.page));
        QCOMPARE(chatOf(*ben.page), chatOf(*ana.page));
        QVERIFY(chatOf(*cy.page).indexOf(u"Ben: Hello"_s)
            == chatOf(*cy.page).indexOf(u"— Ana added Math Helpy"_s) + 1);
    }

    void membershipLinesSurviveAServerRestart()
    {
        const QString dataPath = m_dir.filePath(u"history.sqlite"_s);
        startServer(dataPath);
        QStringList before;
        QString anaToken;
        {
            Member ana, ben, cy;
            createSession(ana);
            joinByInvite(ben, u"Ben"_s);
            QVERIFY(say(ben, m_sessionId, u"See you"_s));
            QVERIFY(await([&](auto done) {
                ana.service.sendParticipantRemoved(m_sessionId, ben.id(), done);
            }).ok);
            joinByInvite(cy, u"Cy"_s);
            before = chatOf(*cy.page);
            anaToken = ana.service.token();
        }
        QVERIFY(before.contains(u"— Ana removed Ben"_s));
        QVERIFY(before.contains(u"Ben (left): See you"_s));

        m_server.reset();
        startServer(dataPath);
        Member ana;
        QVERIFY(ana.signIn(m_server->url(), u"Ana"_s, anaToken));
        QVERIFY(ana.open(m_sessionId));
        QCOMPARE(chatOf(*ana.page), before);
    }
};

QTEST_MAIN(TestHistory)
#include "tst_history.moc"
