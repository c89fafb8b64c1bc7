// SPDX-License-Identifier: MIT
// A Helpy answering, as the desktop app shows it: the real SessionPage (offscreen), a real
// server whose tutors ask a fake chat-completions server that streams slowly. The typing
// line says the Helpy is thinking, the draft grows in place, and the final message takes
// the draft's row: no second row, no flicker through an empty state.
#include "appcontroller.h"
#include "fakechatcompletions.h"
#include "groupsession.h"
#include "messagelistmodel.h"
#include "serveroptions.h"
#include "sessionhosting.h"
#include "sessionserver.h"
#include "websocketservice.h"

#include "appwindow.h"
#include "quickitems.h"
#include <QAbstractItemModelTester>
#include <QQmlApplicationEngine>
#include <QQmlEngine>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickView>
#include <QQuickWindow>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QtQml/QQmlExtensionPlugin>

Q_IMPORT_QML_PLUGIN(HelpyPlugin)
Q_IMPORT_QML_PLUGIN(Helpy_ClientPlugin)
Q_IMPORT_QML_PLUGIN(Helpy_ModelsPlugin)

using namespace Protocol;
using namespace Qt::StringLiterals;

namespace {

/// A host that only records what it is told.
class RecordingHost final : public SessionHosting
{
public:
    bool listen() override { return false; }
    bool isListening() const override { return false; }
    QUrl url() const override { return {}; }
    quint16 port() const override { return 0; }
    QString errorString() const override { return {}; }
    void setHelpyBackend(
        const QString &endpoint, const QString &model, const QString &apiKey) override
    {
        this->endpoint = endpoint;
        this->model = model;
        this->apiKey = apiKey;
        ++calls;
    }
    QString endpoint, model, apiKey;
    int calls = 0;
};

} // namespace

class TestHelpyDraft : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(u"HelpyTest"_s);
        QCoreApplication::setApplicationName(u"tst_helpydraft"_s);
        QQuickStyle::setStyle(u"Fusion"_s);
    }

    void draftGrowsAndBecomesTheMessage()
    {
        FakeChatCompletions fake;
        QVERIFY(fake.listen());
        fake.answer = u"Expand (a+b)(a+b): a² + ab + ba + b², so (a+b)² = a² + 2ab + b²."_s;
        fake.pieceIntervalMs = 40;
        ServerOptions options;
        options.helpyEndpoint = fake.baseUrl().toString();
        SessionServer server(options);
        QVERIFY(server.listen());

        WebSocketService service;
        QSignalSpy welcomed(&service, &WebSocketService::welcomed);
        service.connectToServer(server.url(), u"Ana"_s);
        QVERIFY(welcomed.wait());
        QString sessionId;
        service.createSession(u"Algebra"_s, [&sessionId](const WebSocketService::Reply &r) {
            if (const auto result = resultOf<CreateSessionResult>(r.ack))
                sessionId = result->sessionId;
        });
        QTRY_VERIFY(!sessionId.isEmpty());
        GroupSession session(&service, sessionId);
        session.join();
        QTRY_VERIFY(session.isLoaded());
        session.addHelpy(u"Math Helpy"_s, u"Mathematics"_s, {});
        QTRY_COMPARE(session.participants()->count(), 2);
        MessageListModel *messages = session.messages();
        QAbstractItemModelTester tester(
            messages, QAbstractItemModelTester::FailureReportingMode::QtTest);

        QQuickView view;
        showSessionPage(view, &session);
        QVERIFY(view.status() == QQuickView::Ready && view.isExposed());

        session.sendMessage(u"@Math Helpy can you explain (a+b)^2?"_s);
        QTRY_COMPARE(session.typingText(), u"Math Helpy is thinking…"_s);

        // The draft: one row, growing in place.
        int row = -1;
        QTRY_VERIFY((row = messages->count() - 1) >= 0
            && messages->data(messages->index(row), MessageListModel::StatusRole) == u"drafting"_s);
        const int rows = messages->count();
        const QString draftRowId
            = messages->data(messages->index(row), MessageListModel::IdRole).toString();
        const QString first
            = messages->data(messages->index(row), MessageListModel::TextRole).toString();
        QTRY_VERIFY(
            messages->data(messages->index(row), MessageListModel::TextRole).toString().size()
            > first.size());
        QVERIFY(fake.answer.startsWith(
            messages->data(messages->index(row), MessageListModel::TextRole).toString()));
        QQuickItem *bubble = nullptr;
        QTRY_VERIFY((bubble = findItem(view.rootObject(), u"bubble_"_s + draftRowId)));
        QVERIFY(bubble->isVisible());

        // Then the message, in the same row: the whole answer, nothing appended.
        QTRY_COMPARE(messages->data(messages->index(row), MessageListModel::StatusRole), u"sent"_s);
        QCOMPARE(messages->count(), rows);
        QCOMPARE(messages->data(messages->index(row), MessageListModel::TextRole).toString(),
            fake.answer);
        QCOMPARE(messages->data(messages->index(row), MessageListModel::KindRole), u"chat"_s);
        const QString messageId
            = messages->data(messages->index(row), MessageListModel::IdRole).toString();
        QVERIFY(messageId != draftRowId);
        QTRY_VERIFY(findItem(view.rootObject(), u"bubble_"_s + messageId));
        QTRY_COMPARE(session.typingText(), QString());
        QCOMPARE(messages->count(), rows);

        // The owner's switch turns on "Helpys answer questions" on the server.
        QQuickItem *answers = findItem(view.rootObject(), u"helpysAnswerSwitch"_s);
        QVERIFY(answers && answers->isVisible());
        QVERIFY(!answers->property("checked").toBool());
        QMetaObject::invokeMethod(answers, "toggle");
        QMetaObject::invokeMethod(answers, "toggled");
        QTRY_VERIFY(session.helpysAnswerQuestions()); // from the server's event
        QVERIFY(answers->property("checked").toBool());
        // Now a question that mentions no Helpy is answered too.
        const int before = messages->count();
        session.sendMessage(u"What is a square?"_s);
        QTRY_COMPARE(messages->count(), before + 2);
        QTRY_COMPARE(
            messages->data(messages->index(before + 1), MessageListModel::StatusRole), u"sent"_s);
        QCOMPARE(messages->data(messages->index(before + 1), MessageListModel::AuthorIdRole),
            messages->data(messages->index(row), MessageListModel::AuthorIdRole));
    }

    void aNoticeIsShownAsANotice()
    {
        ServerOptions options; // no endpoint: the Helpy says so
        SessionServer server(options);
        QVERIFY(server.listen());
        WebSocketService service;
        QSignalSpy welcomed(&service, &WebSocketService::welcomed);
        service.connectToServer(server.url(), u"Ana"_s);
        QVERIFY(welcomed.wait());
        QString sessionId;
        service.createSession(u"Algebra"_s, [&sessionId](const WebSocketService::Reply &r) {
            if (const auto result = resultOf<CreateSessionResult>(r.ack))
                sessionId = result->sessionId;
        });
        QTRY_VERIFY(!sessionId.isEmpty());
        GroupSession session(&service, sessionId);
        session.join();
        QTRY_VERIFY(session.isLoaded());
        session.addHelpy(u"Math Helpy"_s);
        QTRY_COMPARE(session.participants()->count(), 2);
        session.sendMessage(u"Math Helpy, hello?"_s);
        MessageListModel *messages = session.messages();
        QTRY_COMPARE(
            messages->data(messages->index(messages->count() - 1), MessageListModel::KindRole),
            u"notice"_s);
    }

    void tutorsDialogHandsTheModelToTheHost()
    {
        QSettings().clear();
        RecordingHost host;
        AppController controller(nullptr);
        controller.setHosting(&host);
        QCOMPARE(host.calls, 1);
        QVERIFY(host.endpoint.isEmpty());
        QQmlApplicationEngine engine;
        QQuickWindow *window = nullptr;
        loadMainWindow(engine, window);
        QVERIFY(window);

        QQuickItem *button = nullptr;
        QTRY_VERIFY((button = findItem(window->contentItem(), u"helpyTutorsButton"_s)));
        QTRY_VERIFY(button->isVisible());
        QMetaObject::invokeMethod(button, "clicked");
        QObject *dialog = nullptr;
        QTRY_VERIFY((dialog = window->findChild<QObject *>(u"helpyTutorsDialog"_s))
            && dialog->property("opened").toBool());
        QQuickItem *endpoint = nullptr;
        QTRY_VERIFY((endpoint = findItem(window->contentItem(), u"helpyEndpointField"_s)));
        endpoint->setProperty("text", u"http://127.0.0.1:11434/v1"_s);
        findItem(window->contentItem(), u"helpyModelField"_s)->setProperty("text", u"llama3.2"_s);
        findItem(window->contentItem(), u"helpyKeyField"_s)->setProperty("text", u"sk-ui-SECRET"_s);
        QMetaObject::invokeMethod(dialog, "accept");

        QTRY_COMPARE(host.calls, 2);
        QCOMPARE(host.endpoint, u"http://127.0.0.1:11434/v1"_s);
        QCOMPARE(host.model, u"llama3.2"_s);
        QCOMPARE(host.apiKey, u"sk-ui-SECRET"_s);
        QVERIFY(controller.helpyKeySet());
        // Endpoint and model are remembered; the key is not written anywhere.
        QSettings settings;
        QCOMPARE(settings.value(u"helpy/endpoint"_s).toString(), host.endpoint);
        for (const QString &key : settings.allKeys())
            QVERIFY(!settings.value(key).toString().contains(u"SECRET"_s));
        // Without a session bus no secret store answers: the key is kept for this run only,
        // and the dialog says so (with one, the store keeps it; see docs/helpy.md).
        if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS")) {
            QTRY_VERIFY(!controller.helpyKeyKeptSafely());
            const QObject *note = dialog->findChild<QObject *>(u"helpyKeyNote"_s);
            QVERIFY(note);
            QVERIFY(note->property("text").toString().contains(u"only until Helpy quits"_s));
        }
        // A bad address is refused with a sentence, and nothing changes.
        controller.setHelpyBackend(u"ftp://x"_s, {}, {});
        QVERIFY(!controller.errorString().isEmpty());
        QCOMPARE(host.calls, 2);
    }
};

QTEST_MAIN(TestHelpyDraft)
#include "tst_helpy_draft.moc"
