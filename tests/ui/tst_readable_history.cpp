// SPDX-License-Identifier: MIT
// A readable history in the real SessionPage (offscreen) against a real server: one
// author's messages grouped under one name, date separators across midnight, user text
// shown as text (never markup), links that open only on http/https, the '@' completion and
// the highlight of your mentions, Find with next/previous, copying a message, long words.
#include "groupsession.h"
#include "messagelistmodel.h"
#include "serveroptions.h"
#include "sessionserver.h"
#include "websocketservice.h"

#include "appwindow.h"
#include "quickitems.h"
#include <QAbstractItemModelTester>
#include <QClipboard>
#include <QDesktopServices>
#include <QFontMetricsF>
#include <QGuiApplication>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickView>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QtQml/QQmlExtensionPlugin>
#include <QtQuickTest/quicktest.h>

#include <algorithm>
#include <memory>

Q_IMPORT_QML_PLUGIN(HelpyPlugin)
Q_IMPORT_QML_PLUGIN(Helpy_ClientPlugin)
Q_IMPORT_QML_PLUGIN(Helpy_ModelsPlugin)

using namespace Protocol;
using namespace Qt::StringLiterals;

/// Records the URLs the app asks the desktop to open.
class UrlRecorder : public QObject
{
    Q_OBJECT
public:
    QList<QUrl> opened;
public Q_SLOTS:
    void open(const QUrl &url) { opened.append(url); }
};

/// The item named `objectName` under `root` (null when `root` is).
QQuickItem *child(QQuickItem *root, const QString &objectName)
{
    return root ? findItem(root, objectName) : nullptr;
}

class TestReadableHistory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void groupsOneAuthorWithinFiveMinutes();
    void dateSeparatorsAcrossMidnight();
    void htmlInAMessageAndANameIsShownAsText();
    void onlyWebLinksAreClickable();
    void mentionPopupFiltersNavigatesAndInserts();
    void mentionPopupByMouseAndEscape();
    void mentionsOfYouAreHighlighted();
    void findStepsThroughMatches();
    void copyAMessage();
    void longWordWrapsWithinTheList();

private:
    void benSays(const QString &text);
    /// Puts a message in the chat as the server would have sent it at `when` (the server
    /// stamps its own time; this is how a test shows history from other days).
    void inject(const QString &id, const QString &authorId, const QString &name,
        const QDateTime &when, const QString &text);
    QQuickItem *item(const QString &objectName) const
    {
        return findItem(m_view->contentItem(), objectName);
    }
    QQuickItem *bubbleOf(const QString &messageId) const { return item(u"bubble_"_s + messageId); }
    QQuickItem *bubbleOfRow(int row) const
    {
        const auto *messages = m_session->messages();
        return bubbleOf(messages->index(row).data(MessageListModel::IdRole).toString());
    }
    QQuickItem *lineOf(QQuickItem *bubble) const { return bubble ? bubble->parentItem() : nullptr; }
    int rowWithText(const QString &text) const;
    void click(QQuickItem *target, Qt::MouseButton button = Qt::LeftButton);
    void clickAt(QQuickItem *target, QPointF at, Qt::MouseButton button = Qt::LeftButton);
    void type(const QString &text);
    QString composerText() const { return item(u"messageInput"_s)->property("text").toString(); }

    std::unique_ptr<SessionServer> m_server;
    std::unique_ptr<WebSocketService> m_ana;
    std::unique_ptr<WebSocketService> m_ben;
    std::unique_ptr<GroupSession> m_session;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
    std::unique_ptr<QQuickView> m_view;
    QString m_sessionId;
    int m_benSent = 0;
};

void TestReadableHistory::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"HelpyTest"_s);
    QCoreApplication::setApplicationName(u"tst_readable_history"_s);
    QQuickStyle::setStyle(u"Fusion"_s);
}

void TestReadableHistory::init()
{
    cleanup(); // nothing left from a test whose init failed
    ServerOptions options;
    options.maxRequestsPerSecond = 1000;
    m_server = std::make_unique<SessionServer>(options);
    QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));

    m_ana = std::make_unique<WebSocketService>();
    QSignalSpy anaWelcomed(m_ana.get(), &WebSocketService::welcomed);
    m_ana->connectToServer(m_server->url(), u"Ana"_s);
    QVERIFY(anaWelcomed.wait());
    m_ana->createSession(u"Algebra"_s, [this](const WebSocketService::Reply &r) {
        if (const auto result = resultOf<CreateSessionResult>(r.ack))
            m_sessionId = result->sessionId;
    });
    QTRY_VERIFY(!m_sessionId.isEmpty());
    m_session = std::make_unique<GroupSession>(m_ana.get(), m_sessionId);
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_session->messages(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_session->join();
    QTRY_VERIFY(m_session->isLoaded());

    QString invite;
    m_ana->createInvite(m_sessionId, [&invite](const WebSocketService::Reply &r) {
        if (const auto result = resultOf<CreateInviteResult>(r.ack))
            invite = result->inviteCode;
    });
    QTRY_VERIFY(!invite.isEmpty());
    // Ben's name is markup: it must show as typed. (No <img> in it: the participant list,
    // not this test's subject, would try to load it.)
    m_ben = std::make_unique<WebSocketService>();
    QSignalSpy benWelcomed(m_ben.get(), &WebSocketService::welcomed);
    m_ben->connectToServer(m_server->url(), u"Ben <b>B</b> <i>x</i>"_s);
    QVERIFY(benWelcomed.wait());
    bool joined = false;
    m_ben->joinByInvite(invite, [&joined](const WebSocketService::Reply &r) { joined = r.ok; });
    QTRY_VERIFY(joined);
    m_session->addHelpy(u"Math Helpy"_s, u"Mathematics"_s, {});
    QTRY_COMPARE(m_session->participants()->count(), 3);

    m_view = std::make_unique<QQuickView>();
    showSessionPage(*m_view, m_session.get());
}

void TestReadableHistory::cleanup()
{
    m_view.reset();
    m_tester.reset();
    m_session.reset();
    m_ben.reset();
    m_ana.reset();
    m_server.reset();
    m_sessionId.clear();
    m_benSent = 0;
}

void TestReadableHistory::benSays(const QString &text)
{
    bool acked = false;
    m_ben->sendMessage(
        m_sessionId, text, [&acked](const WebSocketService::Reply &r) { acked = r.ok; });
    QTRY_VERIFY(acked);
    QTRY_VERIFY(rowWithText(text) >= 0);
    ++m_benSent;
}

void TestReadableHistory::inject(const QString &id, const QString &authorId, const QString &name,
    const QDateTime &when, const QString &text)
{
    MessageListModel::Entry e;
    e.id = id;
    e.authorId = authorId;
    e.authorName = name;
    e.text = text;
    e.timestamp = when.toUTC();
    m_session->messages()->addMessage(e);
}

int TestReadableHistory::rowWithText(const QString &text) const
{
    const MessageListModel *messages = m_session->messages();
    for (int row = 0; row < messages->count(); ++row) {
        if (messages->index(row).data(MessageListModel::TextRole).toString() == text)
            return row;
    }
    return -1;
}

void TestReadableHistory::click(QQuickItem *target, Qt::MouseButton button)
{
    QVERIFY(target);
    clickAt(target, QPointF(target->width() / 2, target->height() / 2), button);
}

void TestReadableHistory::clickAt(QQuickItem *target, QPointF at, Qt::MouseButton button)
{
    QVERIFY(target);
    QVERIFY(target->isVisible());
    QVERIFY(QQuickTest::qWaitForPolish(m_view.get()));
    QTest::mouseClick(m_view.get(), button, Qt::NoModifier, target->mapToScene(at).toPoint());
}

void TestReadableHistory::type(const QString &text)
{
    for (const QChar c : text) // QTest has no keyClicks(QWindow *) in 6.4
        QTest::keyClick(m_view.get(), c.toLatin1());
}

void TestReadableHistory::groupsOneAuthorWithinFiveMinutes()
{
    const QDate day = QDate::currentDate().addDays(-1);
    const QString ben = m_ben->userId();
    const QString name = m_ben->displayName();
    inject(u"g1"_s, ben, name, QDateTime(day, QTime(10, 0)), u"first"_s);
    inject(u"g2"_s, ben, name, QDateTime(day, QTime(10, 4)), u"four minutes later"_s);
    inject(u"g3"_s, ben, name, QDateTime(day, QTime(10, 10)), u"six minutes later"_s);
    inject(u"g4"_s, m_ana->userId(), u"Ana"_s, QDateTime(day, QTime(10, 11)), u"Ana answers"_s);
    inject(u"g5"_s, ben, name, QDateTime(day, QTime(10, 12)), u"Ben again"_s);

    const auto headerShown = [this](const QString &id) {
        QQuickItem *author = child(bubbleOf(id), u"authorLabel"_s);
        return author && author->isVisible();
    };
    QTRY_VERIFY(bubbleOf(u"g5"_s));
    QVERIFY(headerShown(u"g1"_s));
    QVERIFY(!headerShown(u"g2"_s)); // same author within five minutes: grouped
    QVERIFY(!child(bubbleOf(u"g2"_s), u"messageHeader"_s)->isVisible());
    QVERIFY(headerShown(u"g3"_s)); // six minutes apart
    QVERIFY(headerShown(u"g4"_s)); // another author
    QVERIFY(headerShown(u"g5"_s));
    // A grouped bubble is shorter than a headed one with the same one line of text.
    QVERIFY(bubbleOf(u"g2"_s)->height() < bubbleOf(u"g3"_s)->height());

    // Times in the locale's short format, not a fixed "hh:mm".
    QCOMPARE(child(bubbleOf(u"g1"_s), u"timeLabel"_s)->property("text").toString(),
        QLocale().toString(QTime(10, 0), QLocale::ShortFormat));
}

void TestReadableHistory::dateSeparatorsAcrossMidnight()
{
    const QDate today = QDate::currentDate();
    const QString ben = m_ben->userId();
    const QString name = m_ben->displayName();
    inject(u"d1"_s, ben, name, QDateTime(today.addDays(-2), QTime(23, 58)), u"late"_s);
    inject(u"d2"_s, ben, name, QDateTime(today.addDays(-1), QTime(0, 1)), u"after midnight"_s);
    inject(u"d3"_s, ben, name, QDateTime(today.addDays(-1), QTime(23, 59)), u"late again"_s);
    inject(u"d4"_s, ben, name, QDateTime(today, QTime(0, 0, 30)), u"today already"_s);
    benSays(u"now"_s); // the server's own time: today

    QTRY_VERIFY(bubbleOfRow(m_session->messages()->count() - 1));
    QVERIFY(QQuickTest::qWaitForPolish(m_view.get()));
    QList<QQuickItem *> separators;
    for (const QString &id : { u"d1"_s, u"d2"_s, u"d3"_s, u"d4"_s }) {
        QQuickItem *separator = child(lineOf(bubbleOf(id)), u"dateSeparator"_s);
        if (separator && separator->isVisible())
            separators.append(separator);
    }
    QStringList labels;
    for (QQuickItem *separator : std::as_const(separators))
        labels.append(separator->property("label").toString());
    QCOMPARE(labels,
        (QStringList { QLocale().toString(today.addDays(-2), QLocale::LongFormat), u"Yesterday"_s,
            u"Today"_s }));
    // Three minutes apart but across midnight: the new day starts with a name again.
    QVERIFY(child(bubbleOf(u"d2"_s), u"authorLabel"_s)->isVisible());
    // Above the first message of each day: d1 (two days ago), d2 (yesterday), d4 (today).
    QCOMPARE(separators.at(0)->parentItem(), lineOf(bubbleOf(u"d1"_s)));
    QCOMPARE(separators.at(1)->parentItem(), lineOf(bubbleOf(u"d2"_s)));
    QCOMPARE(separators.at(2)->parentItem(), lineOf(bubbleOf(u"d4"_s)));
    QVERIFY(separators.at(1)->y() + separators.at(1)->height() <= bubbleOf(u"d2"_s)->y());
    // The server's message of today continues under the same separator.
    QQuickItem *now = lineOf(bubbleOfRow(rowWithText(u"now"_s)));
    QVERIFY(!child(now, u"dateSeparator"_s)->isVisible());
}

void TestReadableHistory::htmlInAMessageAndANameIsShownAsText()
{
    const QString markup = u"<b>bold</b> <img src=\"https://example.org/x.png\"> <i>it</i>"_s;
    benSays(markup);
    QQuickItem *bubble = nullptr;
    QTRY_VERIFY((bubble = bubbleOfRow(rowWithText(markup))));
    QQuickItem *body = child(bubble, u"messageBody"_s);
    QVERIFY(body);
    // Laid out as the literal characters: as wide as the plain string, on one line (an
    // image or bold text would not be).
    const QFontMetricsF metrics(body->property("font").value<QFont>());
    QVERIFY(body->property("lineCount").toInt() == 1);
    QVERIFY2(qAbs(body->property("implicitWidth").toReal() - metrics.horizontalAdvance(markup)) < 2,
        qPrintable(u"%1 vs %2"_s.arg(body->property("implicitWidth").toReal())
                       .arg(metrics.horizontalAdvance(markup))));
    QVERIFY(body->property("text").toString().startsWith(u"&lt;b&gt;bold&lt;/b&gt;"_s));
    QCOMPARE(body->property("textFormat").toInt(), 4 /* Text.StyledText */);

    QQuickItem *author = child(bubble, u"authorLabel"_s);
    QCOMPARE(author->property("text").toString(), m_ben->displayName());
    QCOMPARE(author->property("textFormat").toInt(), 0 /* Text.PlainText */);
    const QFontMetricsF nameMetrics(author->property("font").value<QFont>());
    QVERIFY(qAbs(author->property("implicitWidth").toReal()
                - nameMetrics.horizontalAdvance(m_ben->displayName()))
        < 2);
}

void TestReadableHistory::onlyWebLinksAreClickable()
{
    UrlRecorder recorder;
    for (const QString &scheme : { u"https"_s, u"http"_s, u"javascript"_s, u"file"_s })
        QDesktopServices::setUrlHandler(scheme, &recorder, "open");
    const QString text = u"read https://example.org/page?a=1&b=2 or javascript:alert(1) or "
                         u"file:///etc/passwd"_s;
    benSays(text);
    QQuickItem *body = nullptr;
    QTRY_VERIFY((body = child(bubbleOfRow(rowWithText(text)), u"messageBody"_s)));
    QVERIFY(QQuickTest::qWaitForPolish(m_view.get()));

    // Everywhere on the body, the only link is the https one.
    QSet<QString> links;
    QPointF onLink(-1, -1);
    for (qreal y = 2; y < body->height(); y += 4) {
        for (qreal x = 1; x < body->width(); x += 3) {
            QString link;
            QMetaObject::invokeMethod(
                body, "linkAt", Q_RETURN_ARG(QString, link), Q_ARG(qreal, x), Q_ARG(qreal, y));
            if (!link.isEmpty()) {
                links.insert(link);
                if (onLink.x() < 0)
                    onLink = QPointF(x + 2, y);
            }
        }
    }
    QCOMPARE(links, QSet<QString> { u"https://example.org/page?a=1&b=2"_s });
    clickAt(body, onLink);
    QTRY_COMPARE(recorder.opened.size(), 1);
    QCOMPARE(recorder.opened.constFirst(), QUrl(u"https://example.org/page?a=1&b=2"_s));
    for (const QString &scheme : { u"https"_s, u"http"_s, u"javascript"_s, u"file"_s })
        QDesktopServices::unsetUrlHandler(scheme);
}

void TestReadableHistory::mentionPopupFiltersNavigatesAndInserts()
{
    QQuickItem *input = item(u"messageInput"_s);
    click(input);
    QTRY_VERIFY(input->hasActiveFocus());
    QObject *popup = m_view->rootObject()->findChild<QObject *>(u"mentionPopup"_s);
    QVERIFY(popup);
    QVERIFY(!popup->property("visible").toBool());

    type(u"hi @"_s);
    QTRY_VERIFY(popup->property("visible").toBool());
    // Everyone but you, Helpys first.
    QCOMPARE(popup->property("count").toInt(), 2);
    QQuickItem *helpy = item(u"mentionCandidate_Math Helpy"_s);
    QQuickItem *ben = item(u"mentionCandidate_"_s + m_ben->displayName());
    QVERIFY(helpy && ben);
    QVERIFY(helpy->y() < ben->y());

    type(u"b"_s); // Ben's name starts with it; no word of "Math Helpy" does
    QTRY_COMPARE(popup->property("count").toInt(), 1);
    QTest::keyClick(m_view.get(), Qt::Key_Backspace);
    QTRY_COMPARE(popup->property("count").toInt(), 2);

    QCOMPARE(popup->property("currentIndex").toInt(), 0);
    QTest::keyClick(m_view.get(), Qt::Key_Down);
    QCOMPARE(popup->property("currentIndex").toInt(), 1);
    QTest::keyClick(m_view.get(), Qt::Key_Up);
    QCOMPARE(popup->property("currentIndex").toInt(), 0);
    QTest::keyClick(m_view.get(), Qt::Key_Return); // chooses, does not send
    QCOMPARE(composerText(), u"hi @Math Helpy "_s);
    QTRY_VERIFY(!popup->property("visible").toBool());
    QVERIFY(input->hasActiveFocus());

    // Tab chooses too, filtered by a word of the name ("he" → "Math Helpy").
    type(u"and @he"_s);
    QTRY_COMPARE(popup->property("count").toInt(), 1);
    QTest::keyClick(m_view.get(), Qt::Key_Tab);
    QCOMPARE(composerText(), u"hi @Math Helpy and @Math Helpy "_s);
    QVERIFY(input->hasActiveFocus());
}

void TestReadableHistory::mentionPopupByMouseAndEscape()
{
    QQuickItem *input = item(u"messageInput"_s);
    click(input);
    QTRY_VERIFY(input->hasActiveFocus());
    QObject *popup = m_view->rootObject()->findChild<QObject *>(u"mentionPopup"_s);
    type(u"@"_s);
    QTRY_VERIFY(popup->property("visible").toBool());
    QTest::keyClick(m_view.get(), Qt::Key_Escape);
    QTRY_VERIFY(!popup->property("visible").toBool());
    QCOMPARE(composerText(), u"@"_s);
    type(u"x "_s); // a word that names nobody: nothing offered
    QVERIFY(!popup->property("visible").toBool());

    type(u"@"_s);
    QTRY_VERIFY(popup->property("visible").toBool());
    QQuickItem *ben = nullptr;
    QTRY_VERIFY((ben = item(u"mentionCandidate_"_s + m_ben->displayName())));
    click(ben);
    QCOMPARE(composerText(), u"@x @"_s + m_ben->displayName() + u" "_s);
    QTRY_VERIFY(!popup->property("visible").toBool());
    QTRY_VERIFY(input->hasActiveFocus());
}

void TestReadableHistory::mentionsOfYouAreHighlighted()
{
    benSays(u"@Ana can you check this?"_s);
    benSays(u"@Anabel is someone else"_s);
    QQuickItem *mention = nullptr;
    QQuickItem *other = nullptr;
    QTRY_VERIFY((mention = bubbleOfRow(rowWithText(u"@Ana can you check this?"_s))));
    QTRY_VERIFY((other = bubbleOfRow(rowWithText(u"@Anabel is someone else"_s))));
    QVERIFY(lineOf(mention)->property("mentionsMe").toBool());
    QVERIFY(!lineOf(other)->property("mentionsMe").toBool());
    QVERIFY(mention->property("color").value<QColor>() != other->property("color").value<QColor>());
    QVERIFY(
        child(mention, u"messageBody"_s)->property("text").toString().startsWith(u"<b>@Ana</b>"_s));
}

void TestReadableHistory::findStepsThroughMatches()
{
    benSays(u"An apple a day"_s);
    for (int i = 0; i < 30; ++i)
        benSays(u"filler %1"_s.arg(i));
    benSays(u"APPLE pie"_s);
    benSays(u"pear"_s);
    benSays(u"apples and pears"_s);

    QQuickItem *findBar = item(u"findBar"_s);
    QVERIFY(findBar && !findBar->isVisible());
    QTest::keyClick(m_view.get(), Qt::Key_F, Qt::ControlModifier);
    QTRY_VERIFY(findBar->isVisible());
    QQuickItem *field = item(u"findField"_s);
    QTRY_VERIFY(field->hasActiveFocus());
    type(u"apple"_s);
    QQuickItem *count = item(u"findCount"_s);
    QTRY_COMPARE(count->property("text").toString(), u"1 of 3"_s);
    QCOMPARE(findBar->property("currentRow").toInt(), rowWithText(u"An apple a day"_s));

    // The first match is far above the end: the list shows it.
    QQuickItem *list = item(u"messageList"_s);
    QQuickItem *first = nullptr;
    QTRY_VERIFY((first = bubbleOfRow(rowWithText(u"An apple a day"_s))));
    QTRY_VERIFY(lineOf(first)->property("currentMatch").toBool());
    QTRY_VERIFY([&] {
        const QRectF shown
            = first->mapRectToItem(list, QRectF(0, 0, first->width(), first->height()));
        return shown.top() >= 0 && shown.bottom() <= list->height();
    }());

    QTest::keyClick(m_view.get(), Qt::Key_Return);
    QTRY_COMPARE(count->property("text").toString(), u"2 of 3"_s);
    QCOMPARE(findBar->property("currentRow").toInt(), rowWithText(u"APPLE pie"_s));
    QTest::keyClick(m_view.get(), Qt::Key_Return, Qt::ShiftModifier);
    QTRY_COMPARE(count->property("text").toString(), u"1 of 3"_s);
    QTest::keyClick(m_view.get(), Qt::Key_Return, Qt::ShiftModifier); // wraps around
    QTRY_COMPARE(count->property("text").toString(), u"3 of 3"_s);
    QCOMPARE(findBar->property("currentRow").toInt(), rowWithText(u"apples and pears"_s));
    click(item(u"findNextButton"_s));
    QTRY_COMPARE(count->property("text").toString(), u"1 of 3"_s);
    click(item(u"findPreviousButton"_s));
    QTRY_COMPARE(count->property("text").toString(), u"3 of 3"_s);

    // A new match arriving is counted; no match says so.
    benSays(u"pineapple"_s);
    QTRY_COMPARE(count->property("text").toString(), u"3 of 4"_s);
    QTest::keyClick(m_view.get(), Qt::Key_Z);
    QTRY_COMPARE(count->property("text").toString(), u"No matches"_s);

    QTest::keyClick(m_view.get(), Qt::Key_Escape);
    QTRY_VERIFY(!findBar->isVisible());
    QTRY_VERIFY(item(u"messageInput"_s)->hasActiveFocus());
    QVERIFY(!lineOf(first)->property("findMatch").toBool());
}

void TestReadableHistory::copyAMessage()
{
    benSays(u"copy me, please"_s);
    benSays(u"or me"_s);
    QClipboard *clipboard = QGuiApplication::clipboard();
    clipboard->clear();

    QQuickItem *bubble = nullptr;
    QTRY_VERIFY((bubble = bubbleOfRow(rowWithText(u"copy me, please"_s))));
    click(bubble);
    QTRY_VERIFY(lineOf(bubble)->property("selected").toBool());
    QTest::keyClick(m_view.get(), Qt::Key_C, Qt::ControlModifier);
    QTRY_COMPARE(clipboard->text(), u"copy me, please"_s);
    // Down selects the next bubble; Ctrl+C copies that one.
    QTest::keyClick(m_view.get(), Qt::Key_Down);
    QTRY_VERIFY(lineOf(bubbleOfRow(rowWithText(u"or me"_s)))->property("selected").toBool());
    QVERIFY(!lineOf(bubble)->property("selected").toBool());
    QTest::keyClick(m_view.get(), Qt::Key_C, Qt::ControlModifier);
    QTRY_COMPARE(clipboard->text(), u"or me"_s);
    // Escape leaves the list for the message box.
    QTest::keyClick(m_view.get(), Qt::Key_Escape);
    QTRY_VERIFY(item(u"messageInput"_s)->hasActiveFocus());
    clipboard->clear();

    QQuickItem *other = bubbleOfRow(rowWithText(u"or me"_s));
    click(other, Qt::RightButton);
    QObject *menu = m_view->rootObject()->findChild<QObject *>(u"messageMenu"_s);
    QVERIFY(menu);
    QTRY_VERIFY(menu->property("opened").toBool());
    QQuickItem *copyItem = nullptr;
    QTRY_VERIFY((copyItem = item(u"copyMessageItem"_s)));
    click(copyItem);
    QTRY_COMPARE(clipboard->text(), u"or me"_s);
}

void TestReadableHistory::longWordWrapsWithinTheList()
{
    const QString word = QString(400, u'w');
    benSays(word);
    QQuickItem *bubble = nullptr;
    QTRY_VERIFY((bubble = bubbleOfRow(rowWithText(word))));
    QVERIFY(QQuickTest::qWaitForPolish(m_view.get()));
    QQuickItem *list = item(u"messageList"_s);
    QQuickItem *body = child(bubble, u"messageBody"_s);
    QVERIFY(body->property("lineCount").toInt() > 1);
    const QRectF inList
        = bubble->mapRectToItem(list, QRectF(0, 0, bubble->width(), bubble->height()));
    QVERIFY(inList.left() >= 0);
    QVERIFY2(inList.right() <= list->width(),
        qPrintable(u"%1 > %2"_s.arg(inList.right()).arg(list->width())));
    QVERIFY(body->property("contentWidth").toReal() <= body->width() + 1);
    QCOMPARE(list->property("contentWidth").toReal() <= list->width() + 1, true);
}

QTEST_MAIN(TestReadableHistory)
#include "tst_readable_history.moc"
