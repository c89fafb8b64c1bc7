// SPDX-License-Identifier: MIT
// Hosting that survives restarts and the invite that carries everything, as a user lives
// them: the app (AppController) hosts with the embedded server (EmbeddedSessionHost) in a
// test-mode AppDataLocation and settings, a guest is the client library (WebSocketService +
// GroupSession), and the Join box is the real QML, offscreen. Ports: a free one found at
// run time, never 8787 (ctest runs in parallel).
#include "appcontroller.h"
#include "certificatepins.h"
#include "embeddedsessionhost.h"
#include "groupsession.h"
#include "invitelink.h"
#include "messagelistmodel.h"
#include "participantlistmodel.h"
#include "selfsignedcertificate.h"
#include "sessionlistmodel.h"
#include "sessionserver.h"
#include "websocketservice.h"

#include "appwindow.h"
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
#include <QTemporaryDir>
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
    void unknownCertificateIsAskedAboutInADialog();
    void ownerRenamesAndDeletesFromTheList();

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
        // (A refresh of the list while Host waits for it must not lose the Host.)
        app.controller.closeSession();
        QTRY_VERIFY(!app.controller.currentSession());
        app.controller.hostSession(u" algebra "_s);
        app.controller.refreshSessions();
        QTRY_VERIFY((session = app.controller.currentSession()) && session->isLoaded());
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
    // Copy invite: the link carries the host's own certificate's fingerprint.
    const QString link = hostApp->controller.inviteLink(hosted->inviteCode());
    const QString fingerprint = hostApp->host.certificateFingerprint();
    QCOMPARE(fingerprint.size(), 64);
    QVERIFY2(link.startsWith(u"helpy://"_s)
            && link.endsWith(hosted->inviteCode() + u"#sha256="_s + fingerprint),
        qPrintable(link));
    const quint16 port = hostApp->host.port();

    // Ben joins from "another computer" by that link (here at 127.0.0.1 and the port the link
    // names), over wss://, pinned from the link: nothing pinned before (his own settings).
    const InviteLink invite = InviteLink::parse(link);
    QVERIFY(invite.isValid());
    QSettings().remove(QLatin1String(CertificatePins::Group));
    CertificatePins().setPin(u"127.0.0.1:%1"_s.arg(port), invite.fingerprint());
    QUrl server = invite.serverUrl();
    QCOMPARE(server.scheme(), u"wss"_s);
    server.setHost(u"127.0.0.1"_s);
    WebSocketService guest;
    QSignalSpy welcomed(&guest, &WebSocketService::welcomed);
    QSignalSpy asked(&guest, &WebSocketService::certificateConfirmationNeeded);
    guest.connectToServer(server, u"Ben"_s);
    QVERIFY(welcomed.wait());
    QCOMPARE(asked.count(), 0);
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
    // (The host made its certificate once: the same one again, so Ben's pin holds.)
    QCOMPARE(hostApp->host.certificateFingerprint(), fingerprint);
    QTRY_COMPARE_WITH_TIMEOUT(guest.state(), WebSocketService::State::Connected, 15000);
    QCOMPARE(guest.serverUrl().port(), int(port));
    QCOMPARE(asked.count(), 0);
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
    QQuickWindow *window = nullptr;
    loadMainWindow(engine, window);
    QVERIFY(window);
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

// Trust on first use in the real window: a wss:// server typed in (no link, so no pin) shows
// its fingerprint in a dialog; Cancel does not connect, Accept joins.
void TestHosting::unknownCertificateIsAskedAboutInADialog()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    SelfSignedCertificate::Request request;
    request.hosts = { u"127.0.0.1"_s };
    const auto made = SelfSignedCertificate::generate(request);
    QVERIFY(made);
    ServerOptions options;
    options.tlsCertificatePath = dir.filePath(u"cert.pem"_s);
    options.tlsKeyPath = dir.filePath(u"key.pem"_s);
    for (const auto &[path, data] :
        { std::pair { options.tlsCertificatePath, made->certificatePem },
            std::pair { options.tlsKeyPath, made->keyPem } }) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(data);
    }
    SessionServer server(options);
    QVERIFY2(server.listen(), qPrintable(server.errorString()));
    const QString address = u"127.0.0.1:%1"_s.arg(server.port());
    const QString fingerprint = CertificatePins::fingerprintOfPem(made->certificatePem);

    // Ana (who knows the certificate) makes a session and an invite code.
    CertificatePins().setPin(address, fingerprint);
    WebSocketService ana;
    QSignalSpy welcomed(&ana, &WebSocketService::welcomed);
    ana.connectToServer(server.url(), u"Ana"_s);
    QVERIFY(welcomed.wait());
    QString sessionId, code;
    ana.createSession(u"Algebra"_s, [&sessionId](const WebSocketService::Reply &reply) {
        if (const auto result = resultOf<CreateSessionResult>(reply.ack))
            sessionId = result->sessionId;
    });
    QTRY_VERIFY(!sessionId.isEmpty());
    ana.createInvite(sessionId, [&code](const WebSocketService::Reply &reply) {
        if (const auto result = resultOf<CreateInviteResult>(reply.ack))
            code = result->inviteCode;
    });
    QTRY_VERIFY(!code.isEmpty());
    CertificatePins().forget(address); // Ben's app has never met it

    AppController controller(nullptr);
    controller.setDisplayName(u"Ben"_s);
    QQmlApplicationEngine engine;
    QQuickWindow *window = nullptr;
    loadMainWindow(engine, window);
    QVERIFY(window);
    auto item = [window](const QString &name) { return findItem(window->contentItem(), name); };
    auto click = [window](QQuickItem *target) {
        QVERIFY(target && target->isVisible());
        const QPointF center
            = target->mapToScene(QPointF(target->width() / 2, target->height() / 2));
        QTest::mouseClick(window, Qt::LeftButton, Qt::NoModifier, center.toPoint());
    };
    const QString shown = CertificatePins::grouped(fingerprint);
    QCOMPARE(shown.size(), 64 + 15); // 16 groups of four

    // Cancel: not connected, and a sentence says why.
    controller.join(u"wss://127.0.0.1:%1"_s.arg(server.port()), code);
    QTRY_VERIFY_WITH_TIMEOUT(item(u"trustCertificateFingerprint"_s)
            && item(u"trustCertificateFingerprint"_s)->isVisible(),
        10000);
    QCOMPARE(item(u"trustCertificateFingerprint"_s)->property("text").toString(), shown);
    QTRY_VERIFY(
        item(u"trustCertificateCancel"_s) && item(u"trustCertificateCancel"_s)->isVisible());
    click(item(u"trustCertificateCancel"_s));
    QTRY_COMPARE(controller.errorString(),
        u"Not connected to %1: its certificate was not accepted."_s.arg(address));
    QCOMPARE(controller.connectionState(), WebSocketService::State::Disconnected);
    QCOMPARE(CertificatePins().pin(address), QString());
    QTRY_VERIFY(!item(u"trustCertificateFingerprint"_s)
        || !item(u"trustCertificateFingerprint"_s)->isVisible());

    // Again, and Accept: joined, and pinned for next time.
    controller.join(u"wss://127.0.0.1:%1"_s.arg(server.port()), code);
    QTRY_VERIFY_WITH_TIMEOUT(
        item(u"trustCertificateAccept"_s) && item(u"trustCertificateAccept"_s)->isVisible(), 10000);
    click(item(u"trustCertificateAccept"_s));
    QTRY_VERIFY_WITH_TIMEOUT(
        controller.currentSession() && controller.currentSession()->isLoaded(), 10000);
    QCOMPARE(controller.currentSession()->sessionId(), sessionId);
    QCOMPARE(CertificatePins().pin(address), fingerprint);
    QCOMPARE(controller.errorString(), QString());
    controller.signOut();
    QTRY_COMPARE(controller.connectionState(), WebSocketService::State::Disconnected);

    // A link with the fingerprint, pasted into the Join box: its server field keeps the
    // fingerprint, and joining pins it before the first byte: no question.
    CertificatePins().forget(address);
    const QString link
        = InviteLink::secure(u"127.0.0.1"_s, server.port(), code, fingerprint).toString();
    const QString pasted = controller.inviteLinkServer(link);
    QCOMPARE(pasted, u"wss://127.0.0.1:%1#sha256=%2"_s.arg(server.port()).arg(fingerprint));
    QCOMPARE(controller.inviteLinkCode(link), code);
    QSignalSpy asked(&controller, &AppController::certificateConfirmationRequested);
    controller.join(pasted, code);
    QTRY_VERIFY_WITH_TIMEOUT(
        controller.currentSession() && controller.currentSession()->isLoaded(), 10000);
    QCOMPARE(asked.count(), 0);
    QCOMPARE(CertificatePins().pin(address), fingerprint);
    QCOMPARE(controller.lastServer(), u"wss://127.0.0.1:%1"_s.arg(server.port()));
    controller.signOut();
}

// The list's ⋯ menu: Rename… changes the title for every member; Delete… asks first, then
// the member's page closes with a notice and the row goes.
void TestHosting::ownerRenamesAndDeletesFromTheList()
{
    HostApp app(m_firstPort);
    QQmlApplicationEngine engine;
    QQuickWindow *window = nullptr;
    loadMainWindow(engine, window);
    QVERIFY(window);
    auto item = [window](const QString &name) { return findItem(window->contentItem(), name); };
    auto click = [window](QQuickItem *target) {
        QVERIFY(target && target->isVisible());
        const QPointF center
            = target->mapToScene(QPointF(target->width() / 2, target->height() / 2));
        QTest::mouseClick(window, Qt::LeftButton, Qt::NoModifier, center.toPoint());
    };

    GroupSession *hosted = nullptr;
    hostAndWait(app.controller, u"Algebra"_s, hosted);
    QVERIFY(hosted);
    const QString sessionId = hosted->sessionId();
    QTRY_VERIFY(item(u"sessionLocation"_s)
        && item(u"sessionLocation"_s)
               ->property("text")
               .toString()
               .startsWith(u"Hosted on this computer at "_s));

    // Ben is in it, with its page open.
    WebSocketService ben;
    QSignalSpy welcomed(&ben, &WebSocketService::welcomed);
    ben.connectToServer(app.host.url(), u"Ben"_s);
    QVERIFY(welcomed.wait());
    bool joined = false;
    ben.joinByInvite(hosted->inviteCode(),
        [&joined](const WebSocketService::Reply &reply) { joined = reply.ok; });
    QTRY_VERIFY(joined);
    GroupSession benSession(&ben, sessionId);
    if (!benSession.isLoaded())
        benSession.join();
    QTRY_VERIFY(benSession.isLoaded());

    // Copy invite: the link; the ▾ menu: the other addresses, and the bare code.
    click(item(u"copyInviteButton"_s));
    QTRY_COMPARE(
        QGuiApplication::clipboard()->text(), app.controller.inviteLink(hosted->inviteCode()));
    QVERIFY(QGuiApplication::clipboard()->text().startsWith(u"helpy://"_s));
    // …with this computer's certificate in it, so a guest is pinned from the first byte.
    QVERIFY(QGuiApplication::clipboard()->text().endsWith(
        u"#sha256="_s + app.host.certificateFingerprint()));
    click(item(u"inviteMenuButton"_s));
    QTRY_VERIFY(item(u"copyCodeItem"_s) && item(u"copyCodeItem"_s)->isVisible());
    click(item(u"copyCodeItem"_s));
    QTRY_COMPARE(QGuiApplication::clipboard()->text(), hosted->inviteCode());

    click(item(u"backButton"_s));
    QTRY_VERIFY(item(u"sessionListPage"_s));
    QTRY_VERIFY(item(u"sessionMenuButton"_s) && item(u"sessionMenuButton"_s)->isVisible());

    // Rename.
    click(item(u"sessionMenuButton"_s));
    QTRY_VERIFY(item(u"renameSessionItem"_s) && item(u"renameSessionItem"_s)->isVisible());
    click(item(u"renameSessionItem"_s));
    QQuickItem *field = nullptr;
    QTRY_VERIFY((field = item(u"renameSessionField"_s)) && field->hasActiveFocus());
    QTest::keyClick(window, Qt::Key_A, Qt::ControlModifier);
    for (const char c : QByteArray("Algebra II"))
        QTest::keyClick(window, c);
    QTest::keyClick(window, Qt::Key_Return);
    QTRY_COMPARE(benSession.title(), u"Algebra II"_s);
    QTRY_COMPARE(titlesIn(app.controller.sessions()), QStringList { u"Algebra II"_s });

    // Delete: a question first.
    QSignalSpy benClosed(&benSession, &GroupSession::closed);
    QTRY_VERIFY(item(u"sessionMenuButton"_s) && item(u"sessionMenuButton"_s)->isVisible());
    click(item(u"sessionMenuButton"_s));
    QTRY_VERIFY(item(u"deleteSessionItem"_s) && item(u"deleteSessionItem"_s)->isVisible());
    click(item(u"deleteSessionItem"_s));
    QObject *dialog
        = engine.rootObjects().constFirst()->findChild<QObject *>(u"deleteSessionDialog"_s);
    QVERIFY(dialog);
    QTRY_VERIFY(dialog->property("opened").toBool());
    QCOMPARE(benClosed.count(), 0); // nothing happens before the answer
    QVERIFY(QMetaObject::invokeMethod(dialog, "accept"));

    QTRY_COMPARE(benClosed.count(), 1);
    const QString notice = benClosed.constFirst().constFirst().toString();
    QVERIFY2(notice.contains(u"Ana"_s) && notice.contains(u"deleted"_s)
            && notice.contains(u"Algebra II"_s),
        qPrintable(notice));
    QVERIFY(benSession.isRemoved());
    QTRY_COMPARE(app.controller.sessions()->count(), 0);
}

QTEST_MAIN(TestHosting)
#include "tst_hosting.moc"
