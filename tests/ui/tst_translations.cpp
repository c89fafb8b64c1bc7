// SPDX-License-Identifier: MIT
// Every visible string goes through qsTr()/tr(): with a pseudo-translation installed (each
// string comes back as ⟦string⟧), every visible text, label, button and placeholder on each
// page and in each dialog or menu is marked — or is the user's own data (names, titles, the
// server address). And the German translation is built in and switches the UI at run time.
#include "participantlistmodel.h"
#include "uiscene.h"
#include "uiwalk.h"

#include <QLocale>
#include <QQuickStyle>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTranslator>
#include <QtQml/QQmlExtensionPlugin>

Q_IMPORT_QML_PLUGIN(HelpyPlugin)
Q_IMPORT_QML_PLUGIN(Helpy_ClientPlugin)
Q_IMPORT_QML_PLUGIN(Helpy_ModelsPlugin)

namespace {

const QString openMark = QStringLiteral("⟦");

/// @brief Translates every string into ⟦string⟧: what was not translated shows without.
class PseudoTranslator : public QTranslator
{
public:
    bool isEmpty() const override { return false; }
    QString translate(const char *, const char *sourceText, const char *, int) const override
    {
        return openMark + QString::fromUtf8(sourceText) + QStringLiteral("⟧");
    }
};

} // namespace

class TestTranslations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();

    void signInPageIsTranslatable();
    void sessionListPageIsTranslatable();
    void sessionPageIsTranslatable();
    void germanIsBuiltIn();
    void switchingToGermanChangesVisibleStrings();
    void theLanguageChosenIsKeptAndLoadedAtStart();
    void anUnknownLanguageIsRefused();

private:
    void loadWithPseudoTranslation();
    /// Fails on a visible text without the mark that is not user data, on the page and in
    /// each popup under `popupRoot` opened in turn.
    void verifyAllMarked(QObject *popupRoot);
    void verifyVisibleMarked(const QString &where);
    QStringList userData() const;

    UiScene m_scene;
    std::unique_ptr<PseudoTranslator> m_pseudo;
};

void TestTranslations::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("HelpyTest"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_translations"));
    QQuickStyle::setStyle(QStringLiteral("Fusion"));
}

void TestTranslations::init()
{
    QSettings().clear();
    QSettings().setValue(QStringLiteral("ui/language"), QStringLiteral("en"));
    m_scene.startServer();
}

void TestTranslations::cleanup()
{
    m_scene.reset();
    if (m_pseudo)
        QCoreApplication::removeTranslator(m_pseudo.get());
    m_pseudo.reset();
}

void TestTranslations::loadWithPseudoTranslation()
{
    m_scene.loadApp([this] {
        // Installed last, asked first: above the app's own translation.
        m_pseudo = std::make_unique<PseudoTranslator>();
        QCoreApplication::installTranslator(m_pseudo.get());
    });
}

QStringList TestTranslations::userData() const
{
    QStringList data { QStringLiteral("Ana, see Algebra") /* a message */, QStringLiteral("Ana"),
        QStringLiteral("Ben"), QStringLiteral("Algebra"), QStringLiteral("Math Helpy"),
        QStringLiteral("Mathematics"), m_scene.inviteCode, m_scene.server->url().toString(),
        m_scene.server->url().host() };
    for (const QString &name :
        { QStringLiteral("Ana"), QStringLiteral("Ben"), QStringLiteral("Math Helpy") })
        data << ParticipantListModel::initialsOf(name);
    if (m_scene.controller && !m_scene.controller->userId().isEmpty())
        data << m_scene.controller->userId();
    // A message's time ("12:00 PM" after noon) is the locale's data, not our text.
    data << QLocale().amText() << QLocale().pmText();
    return data;
}

void TestTranslations::verifyVisibleMarked(const QString &where)
{
    static const QRegularExpression words(QStringLiteral("\\p{L}{2,}"));
    static const QRegularExpression address(QStringLiteral("^\\S+://\\S*$"));
    const QStringList data = userData();
    QStringList unmarked;
    for (QQuickItem *item : visibleItems(m_scene.window)) {
        QStringList shown;
        if (item->inherits("QQuickText") || item->inherits("QQuickAbstractButton")) {
            shown << item->property("text").toString();
        } else if (item->inherits("QQuickTextInput") || item->inherits("QQuickTextEdit")) {
            // What was typed is the user's; the placeholder shows while nothing is.
            if (item->property("text").toString().isEmpty())
                shown << item->property("placeholderText").toString();
        }
        for (QString text : std::as_const(shown)) {
            if (text.contains(openMark) || address.match(text.trimmed()).hasMatch())
                continue;
            for (const QString &datum : data) {
                if (!datum.isEmpty())
                    text.remove(datum);
            }
            if (words.match(text).hasMatch())
                unmarked << QStringLiteral("“%1” (%2)").arg(text, describe(item));
        }
    }
    QVERIFY2(unmarked.isEmpty(),
        qPrintable(where + QStringLiteral(": not translatable: ") + unmarked.join(u", ")));
}

void TestTranslations::verifyAllMarked(QObject *popupRoot)
{
    verifyVisibleMarked(QStringLiteral("page"));
    if (QTest::currentTestFailed())
        return;
    forEachPopupOpened(popupRoot, [this](QObject *popup) {
        verifyVisibleMarked(popup->objectName().isEmpty()
                ? QString::fromLatin1(popup->metaObject()->className())
                : popup->objectName());
    });
}

void TestTranslations::signInPageIsTranslatable()
{
    loadWithPseudoTranslation();
    QVERIFY(m_scene.item(QStringLiteral("signInPage")));
    QQuickItem *name = m_scene.item(QStringLiteral("nameField"));
    QVERIFY(name);
    QVERIFY(name->property("placeholderText").toString().startsWith(openMark)); // installed
    verifyAllMarked(m_scene.window);
}

void TestTranslations::sessionListPageIsTranslatable()
{
    loadWithPseudoTranslation();
    m_scene.joinAsBen();
    m_scene.controller->closeSession();
    QTRY_VERIFY(m_scene.item(QStringLiteral("sessionListPage")));
    QTRY_VERIFY(m_scene.item(QStringLiteral("sessionMenuButton")));
    verifyAllMarked(m_scene.window);
}

void TestTranslations::sessionPageIsTranslatable()
{
    loadWithPseudoTranslation();
    m_scene.joinAsBen();
    // A moderator sees every action the page has, and a Helpy is in the list.
    QSignalSpy changes(m_scene.owner.get(), &WebSocketService::participantChanged);
    m_scene.owner->setRole(
        m_scene.sessionId, m_scene.controller->userId(), Protocol::Role::Moderator);
    m_scene.owner->addHelpy(
        m_scene.sessionId, QStringLiteral("Math Helpy"), QStringLiteral("Mathematics"), QString());
    QTRY_VERIFY(m_scene.item(QStringLiteral("addHelpyButton"))
        && m_scene.item(QStringLiteral("addHelpyButton"))->isVisible());
    QTRY_COMPARE(m_scene.item(QStringLiteral("participantList"))->property("count").toInt(), 3);
    m_scene.controller->currentSession()->sendMessage(QStringLiteral("Ana, see Algebra"));
    QTRY_VERIFY(m_scene.item(QStringLiteral("participantGroup_helpy")));
    verifyAllMarked(m_scene.item(QStringLiteral("sessionPage")));
}

void TestTranslations::germanIsBuiltIn()
{
    QTranslator german;
    QVERIFY(german.load(QStringLiteral(":/i18n/helpy_de.qm")));
    QCOMPARE(german.translate("SignInPage", "Join"), QStringLiteral("Beitreten"));
    QCOMPARE(german.translate("ParticipantDelegate", "Moderator"), QStringLiteral("Moderator"));
    QCOMPARE(german.translate("SessionListPage", "%1, %n unread message(s)", nullptr, 1),
        QStringLiteral("%1, %n ungelesene Nachricht"));
    QCOMPARE(german.translate("SessionListPage", "%1, %n unread message(s)", nullptr, 2),
        QStringLiteral("%1, %n ungelesene Nachrichten"));
}

void TestTranslations::switchingToGermanChangesVisibleStrings()
{
    m_scene.loadApp();
    QCOMPARE(m_scene.controller->spokenLanguage(), QStringLiteral("en"));
    QQuickItem *join = m_scene.item(QStringLiteral("joinButton"));
    QVERIFY(join);
    QCOMPARE(join->property("text").toString(), QStringLiteral("Join"));
    QSignalSpy changed(m_scene.controller.get(), &AppController::languageChanged);

    m_scene.controller->setLanguage(QStringLiteral("de"));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(m_scene.controller->spokenLanguage(), QStringLiteral("de"));
    QTRY_COMPARE(join->property("text").toString(), QStringLiteral("Beitreten"));
    QCOMPARE(m_scene.item(QStringLiteral("nameField"))->property("placeholderText").toString(),
        QStringLiteral("z. B. Ana"));

    m_scene.controller->setLanguage(QStringLiteral("en"));
    QTRY_COMPARE(join->property("text").toString(), QStringLiteral("Join"));
}

void TestTranslations::theLanguageChosenIsKeptAndLoadedAtStart()
{
    m_scene.loadApp();
    m_scene.controller->setLanguage(QStringLiteral("de"));
    QCOMPARE(QSettings().value(QStringLiteral("ui/language")).toString(), QStringLiteral("de"));
    m_scene.reset();

    m_scene.startServer();
    m_scene.loadApp(); // a new start
    QCOMPARE(m_scene.controller->language(), QStringLiteral("de"));
    QCOMPARE(m_scene.item(QStringLiteral("joinButton"))->property("text").toString(),
        QStringLiteral("Beitreten"));
    m_scene.controller->setLanguage(QStringLiteral("en")); // leave English to the next test
}

void TestTranslations::anUnknownLanguageIsRefused()
{
    m_scene.loadApp();
    QSignalSpy changed(m_scene.controller.get(), &AppController::languageChanged);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("no such UI language")));
    m_scene.controller->setLanguage(QStringLiteral("tlh"));
    QCOMPARE(changed.size(), 0);
    QCOMPARE(m_scene.controller->language(), QStringLiteral("en"));
    QCOMPARE(QSettings().value(QStringLiteral("ui/language")).toString(), QStringLiteral("en"));
}

QTEST_MAIN(TestTranslations)
#include "tst_translations.moc"
