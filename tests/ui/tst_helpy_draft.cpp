// SPDX-License-Identifier: MIT
// A Helpy answering, as the desktop app shows it: the real SessionPage (offscreen), a real
// server whose tutors ask a fake chat-completions server that streams slowly. The typing
// line says the Helpy is thinking, the draft grows in place, and the final message takes
// the draft's row: no second row, no flicker through an empty state.
#include "fakechatcompletions.h"
#include "groupsession.h"
#include "messagelistmodel.h"
#include "serveroptions.h"
#include "sessionserver.h"
#include "websocketservice.h"

#include "quickitems.h"
#include <QAbstractItemModelTester>
#include <QQmlEngine>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickView>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QtQml/QQmlExtensionPlugin>

Q_IMPORT_QML_PLUGIN(HelpyPlugin)
Q_IMPORT_QML_PLUGIN(Helpy_ClientPlugin)
Q_IMPORT_QML_PLUGIN(Helpy_ModelsPlugin)

using namespace Protocol;
using namespace Qt::StringLiterals;

class TestHelpyDraft : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
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
        view.engine()->addImportPath(u"qrc:/qt/qml"_s);
        view.setInitialProperties({ { u"session"_s, QVariant::fromValue(&session) } });
        view.setResizeMode(QQuickView::SizeRootObjectToView);
        view.resize(900, 600);
        QTest::failOnWarning(QRegularExpression(u".*"_s));
        view.setSource(QUrl(u"qrc:/qt/qml/Helpy/SessionPage.qml"_s));
        QCOMPARE(view.status(), QQuickView::Ready);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));

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
};

QTEST_MAIN(TestHelpyDraft)
#include "tst_helpy_draft.moc"
