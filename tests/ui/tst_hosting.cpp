// SPDX-License-Identifier: MIT
// Hosting that survives restarts and the invite that carries everything, as a user lives
// them: the app (AppController) hosts with the embedded server (EmbeddedSessionHost) in a
// test-mode AppDataLocation and settings, a guest is the client library (WebSocketService +
// GroupSession), and the Join box is the real QML, offscreen. Ports: a free one found at
// run time, never 8787 (ctest runs in parallel).
#include "appcontroller.h"
#include "embeddedsessionhost.h"
#include "groupsession.h"
#include "messagelistmodel.h"
#include "participantlistmodel.h"
#include "sessionlistmodel.h"
#include "sessionserver.h"
#include "websocketservice.h"

#include "quickitems.h"

#include <QClipboard>
#include <QDir>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTest>
#include <QtQml/QQmlExtensionPlugin>

#include <memory>

Q_IMPORT_QML_PLUGIN(HelpyPlugin)
Q_IMPORT_QML_PLUGIN(Helpy_ClientPlugin)
Q_IMPORT_QML_PLUGIN(Helpy_ModelsPlugin)

using namespace Protocol;
using namespace Qt::StringLiterals;

namespace {

/// A port nothing listens on right now (the OS's pick, released again).
quint16 freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::Any, 0))
        return 0;
    return probe.serverPort();
}

/// The app as main() makes it: a host on the remembered port, and the controller using it.
struct HostApp
{
    explicit HostApp(quint16 firstPort)
    {
        host.setFirstPort(firstPort);
        controller.setHosting(&host);
        controller.setDisplayName(u"Ana"_s);
    }
    ~HostApp() { controller.signOut(); }

    EmbeddedSessionHost host;
    AppController controller { nullptr };
};

QStringList titlesIn(const SessionListModel *model)
{
    QStringList titles;
    for (int row = 0; row < model->rowCount(); ++row)
        titles << model->index(row).data(SessionListModel::TitleRole).toString();
    return titles;
}

} // namespace

class TestHosting : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();

    void hostingRemembersThePort();
    void hostingTwiceReusesTheSession();
    void hostRestartGuestReconnectsToTheSameSession();
    void pastingAnInviteLinkJoins();

private:
    /// Hosts `title` and waits until its page is loaded with an invite code.
    static void hostAndWait(
        AppController &controller, const QString &title, GroupSession *&session);

    quint16 m_firstPort = 0;
};

void TestHosting::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"HelpyTest"_s);
    QCoreApplication::setApplicationName(u"tst_hosting"_s);
    QQuickStyle::setStyle(u"Fusion"_s);
}

void TestHosting::init()
{
    // A machine that never hosted: no remembered port, no hosted sessions, no tokens.
    QSettings().clear();
    QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).removeRecursively();
    m_firstPort = freePort();
    QVERIFY(m_firstPort != 0);
}

void TestHosting::hostAndWait(
    AppController &controller, const QString &title, GroupSession *&session)
{
    session = nullptr;
    controller.hostSession(title);
    QTRY_VERIFY_WITH_TIMEOUT((session = controller.currentSession()) && session->isLoaded()
            && !session->inviteCode().isEmpty(),
        10000);
}

void TestHosting::hostingRemembersThePort()
{
    // Nothing remembered yet: 8787 is where a first host would listen.
    QCOMPARE(EmbeddedSessionHost::rememberedPort(), quint16(0));
    QCOMPARE(EmbeddedSessionHost().port(), EmbeddedSessionHost::FirstPort);
    QCOMPARE(EmbeddedSessionHost::FirstPort, quint16(8787));

    // The first port taken: the next free one, remembered.
    QTcpServer squatter;
    QVERIFY(squatter.listen(QHostAddress::Any, m_firstPort));
    quint16 port = 0;
    {
        EmbeddedSessionHost host;
        host.setFirstPort(m_firstPort);
        QVERIFY2(host.listen(), qPrintable(host.errorString()));
        port = host.port();
        QVERIFY(port > m_firstPort && port < m_firstPort + EmbeddedSessionHost::PortsTried);
        QCOMPARE(EmbeddedSessionHost::rememberedPort(), port);
        QCOMPARE(host.url().port(), int(port));
    }
    squatter.close();

    // Next launch: the remembered port again, though the first one is free now.
    {
        EmbeddedSessionHost host;
        host.setFirstPort(m_firstPort);
        QVERIFY(host.hasHostedBefore());
        QCOMPARE(host.port(), port); // before listening: the one it will ask for
        QVERIFY2(host.listen(), qPrintable(host.errorString()));
        QCOMPARE(host.port(), port);
    }

    // An explicit port 0 (any free port) is used as is, and not remembered.
    {
        EmbeddedSessionHost host(0);
        QVERIFY(host.listen());
        QVERIFY(host.port() != 0);
        QCOMPARE(EmbeddedSessionHost::rememberedPort(), port);
    }

    // The controller's Join box proposes this computer's hosting port when nothing was joined.
    HostApp app(m_firstPort);
    QCOMPARE(app.controller.defaultServer(), u"ws://127.0.0.1:%1"_s.arg(port));
}

void TestHosting::hostingTwiceReusesTheSession()
{
    QString sessionId;
    {
        HostApp app(m_firstPort);
        GroupSession *session = nullptr;
        hostAndWait(app.controller, u"Algebra"_s, session);
        QVERIFY(session);
        sessionId = session->sessionId();
        QVERIFY2(app.controller.sessionLocation().startsWith(u"Hosted on this computer at "_s),
            qPrintable(app.controller.sessionLocation()));
        QVERIFY(app.controller.sessionLocation().endsWith(u":%1"_s.arg(app.host.port())));

        // Host again with the same title (spelt a little differently): the same session.
        app.controller.closeSession();
        QTRY_VERIFY(!app.controller.currentSession());
        hostAndWait(app.controller, u" algebra "_s, session);
        QVERIFY(session);
        QCOMPARE(session->sessionId(), sessionId);
        QTRY_COMPARE(titlesIn(app.controller.sessions()), QStringList { u"Algebra"_s });

        // Another title is another session.
        app.controller.closeSession();
        hostAndWait(app.controller, u"Geometry"_s, session);
        QVERIFY(session);
        QVERIFY(session->sessionId() != sessionId);
        QTRY_COMPARE(app.controller.sessions()->count(), 2);
    }

    // After a restart of the app: the same port, the same user, the same session.
    HostApp app(m_firstPort);
    GroupSession *session = nullptr;
    hostAndWait(app.controller, u"Algebra"_s, session);
    QVERIFY(session);
    QCOMPARE(session->sessionId(), sessionId);
    QTRY_COMPARE(app.controller.sessions()->count(), 2);
    QStringList titles = titlesIn(app.controller.sessions());
    titles.sort();
    QCOMPARE(titles, (QStringList { u"Algebra"_s, u"Geometry"_s }));
}

void TestHosting::hostRestartGuestReconnectsToTheSameSession()
{
    auto hostApp = std::make_unique<HostApp>(m_firstPort);
    GroupSession *hosted = nullptr;
    hostAndWait(hostApp->controller, u"Algebra"_s, hosted);
    QVERIFY(hosted);
    const QString sessionId = hosted->sessionId();
    const QString link = hostApp->controller.inviteLink(hosted->inviteCode());
    QVERIFY2(
        link.startsWith(u"helpy://"_s) && link.endsWith(hosted->inviteCode()), qPrintable(link));
    const quint16 port = hostApp->host.port();

    // Ben joins from "another computer" (here: 127.0.0.1 and the port the link names).
    WebSocketService guest;
    QSignalSpy welcomed(&guest, &WebSocketService::welcomed);
    guest.connectToServer(QUrl(u"ws://127.0.0.1:%1"_s.arg(port)), u"Ben"_s);
    QVERIFY(welcomed.wait());
    QString joinedId;
    guest.joinByInvite(hosted->inviteCode(), [&joinedId](const WebSocketService::Reply &reply) {
        if (const auto result = resultOf<JoinSessionResult>(reply.ack))
            joinedId = result->sessionId;
    });
    QTRY_COMPARE(joinedId, sessionId);
    GroupSession benSession(&guest, sessionId);
    if (!benSession.isLoaded())
        benSession.join();
    QTRY_VERIFY(benSession.isLoaded());
    QTRY_COMPARE(benSession.participants()->count(), 2);
    QStringList before;
    for (int row = 0; row < benSession.participants()->count(); ++row)
        before
            << benSession.participants()->index(row).data(ParticipantListModel::IdRole).toString();

    // The host app quits (its server with it): Ben's app tries again by itself.
    hostApp.reset();
    QTRY_COMPARE(guest.state(), WebSocketService::State::Reconnecting);

    // …and is launched again: it hosts its sessions on the same port at once.
    hostApp = std::make_unique<HostApp>(m_firstPort);
    QVERIFY(hostApp->controller.resumeHosting());
    QCOMPARE(hostApp->host.port(), port);
    QTRY_VERIFY(hostApp->controller.isSignedIn());
    QTRY_COMPARE(titlesIn(hostApp->controller.sessions()), QStringList { u"Algebra"_s });

    // Ben is back in the same session, with the same people, without doing anything.
    QTRY_COMPARE_WITH_TIMEOUT(guest.state(), WebSocketService::State::Connected, 15000);
    QCOMPARE(guest.serverUrl().port(), int(port));
    QVERIFY(!benSession.isRemoved());
    QTRY_COMPARE(benSession.participants()->count(), 2);
    QStringList after;
    for (int row = 0; row < benSession.participants()->count(); ++row)
        after
            << benSession.participants()->index(row).data(ParticipantListModel::IdRole).toString();
    QCOMPARE(after, before);

    // And he can talk: the host sees it.
    benSession.sendMessage(u"back again"_s);
    hostApp->controller.openSession(sessionId);
    GroupSession *reopened = nullptr;
    QTRY_VERIFY((reopened = hostApp->controller.currentSession()) && reopened->isLoaded());
    auto lastText = [reopened] {
        const MessageListModel *messages = reopened->messages();
        return messages->rowCount() == 0
            ? QString()
            : messages->index(messages->rowCount() - 1).data(MessageListModel::TextRole).toString();
    };
    QTRY_COMPARE(lastText(), u"back again"_s);
}

void TestHosting::pastingAnInviteLinkJoins()
{
    // Ana hosts elsewhere (a plain server); Ben pastes her link into the sign-in page.
    SessionServer server;
    QVERIFY(server.listen());
    WebSocketService ana;
    QSignalSpy welcomed(&ana, &WebSocketService::welcomed);
    ana.connectToServer(server.url(), u"Ana"_s);
    QVERIFY(welcomed.wait());
    QString sessionId;
    ana.createSession(u"Algebra"_s, [&sessionId](const WebSocketService::Reply &reply) {
        if (const auto result = resultOf<CreateSessionResult>(reply.ack))
            sessionId = result->sessionId;
    });
    QTRY_VERIFY(!sessionId.isEmpty());
    QString code;
    ana.createInvite(sessionId, [&code](const WebSocketService::Reply &reply) {
        if (const auto result = resultOf<CreateInviteResult>(reply.ack))
            code = result->inviteCode;
    });
    QTRY_VERIFY(!code.isEmpty());
    const QString link = u"helpy://127.0.0.1:%1/%2"_s.arg(server.port()).arg(code);

    AppController controller(nullptr);
    QQmlApplicationEngine engine;
    engine.addImportPath(u"qrc:/qt/qml"_s);
    QTest::failOnWarning(QRegularExpression(u".*"_s));
    engine.load(QUrl(u"qrc:/qt/qml/Helpy/Main.qml"_s));
    QCOMPARE(engine.rootObjects().size(), 1);
    auto *window = qobject_cast<QQuickWindow *>(engine.rootObjects().constFirst());
    QVERIFY(window);
    QVERIFY(QTest::qWaitForWindowExposed(window));
    auto item = [window](const QString &name) { return findItem(window->contentItem(), name); };
    auto click = [window](QQuickItem *target) {
        QVERIFY(target && target->isVisible());
        const QPointF center
            = target->mapToScene(QPointF(target->width() / 2, target->height() / 2));
        QTest::mouseClick(window, Qt::LeftButton, Qt::NoModifier, center.toPoint());
    };

    QQuickItem *name = item(u"nameField"_s);
    click(name);
    QTRY_VERIFY(name->hasActiveFocus());
    for (const char c : QByteArray("Ben"))
        QTest::keyClick(window, c);
    QCOMPARE(name->property("text").toString(), u"Ben"_s);

    // Paste (with spaces around, as copied from a chat) into the code field.
    QGuiApplication::clipboard()->setText(u" "_s + link + u"\n"_s);
    QQuickItem *codeField = item(u"inviteCodeField"_s);
    click(codeField);
    QTRY_VERIFY(codeField->hasActiveFocus());
    QTest::keySequence(window, QKeySequence::Paste);
    QTRY_COMPARE(codeField->property("text").toString(), code);
    QCOMPARE(item(u"serverField"_s)->property("text").toString(),
        u"ws://127.0.0.1:%1"_s.arg(server.port()));

    click(item(u"joinButton"_s));
    QTRY_VERIFY_WITH_TIMEOUT(item(u"sessionPage"_s), 10000);
    QTRY_VERIFY(controller.currentSession() && controller.currentSession()->isLoaded());
    QCOMPARE(controller.currentSession()->sessionId(), sessionId);
    // The page says where the session is hosted.
    QTRY_COMPARE(item(u"sessionLocation"_s)->property("text").toString(),
        u"Hosted on 127.0.0.1:%1"_s.arg(server.port()));
    controller.signOut();
}

QTEST_MAIN(TestHosting)
#include "tst_hosting.moc"
