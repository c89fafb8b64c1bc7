// SPDX-License-Identifier: MIT
// The chat's readable-history roles (grouping, date sections, mentions of you, linkified
// text) stay right as rows arrive, change and go, under QAbstractItemModelTester; and the
// one reading of "@Name".
#include "linkify.h"
#include "mentioncandidatemodel.h"
#include "mentions.h"
#include "messagelistmodel.h"
#include "participantlistmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using Entry = MessageListModel::Entry;

namespace {

/// Local time on 1 December 2026 (the day the tests pretend it is, any time zone).
QDateTime at(int hour, int minute, int day = 1)
{
    return QDateTime(QDate(2026, 12, day), QTime(hour, minute)).toUTC();
}

Entry message(
    const QString &id, const QString &author, const QDateTime &when, const QString &text = u"hi"_s)
{
    Entry e;
    e.id = id;
    e.authorId = author;
    e.authorName = author;
    e.text = text;
    e.timestamp = when;
    return e;
}

Protocol::Participant participant(const QString &id, const QString &name, bool isHelpy = false)
{
    Protocol::Participant p;
    p.id = id;
    p.type = isHelpy ? Protocol::ParticipantType::Helpy : Protocol::ParticipantType::User;
    p.displayName = name;
    p.role = Protocol::Role::Member;
    p.presence = Protocol::Presence::Online;
    p.joinedAt = QDateTime(QDate(2026, 11, 26), QTime(10, 0), Qt::UTC);
    return p;
}

QStringList names(const MentionCandidateModel &model)
{
    QStringList shown;
    for (int row = 0; row < model.rowCount(); ++row)
        shown.append(model.nameAt(row));
    return shown;
}

QList<bool> headers(const MessageListModel &model)
{
    QList<bool> shown;
    for (int row = 0; row < model.rowCount(); ++row)
        shown.append(model.index(row).data(MessageListModel::ShowHeaderRole).toBool());
    return shown;
}

/// Whether a dataChanged since `spy` was made named `role` for `row`.
bool announced(const QSignalSpy &spy, int row, int role)
{
    for (const auto &args : spy) {
        const int top = args.at(0).value<QModelIndex>().row();
        const int bottom = args.at(1).value<QModelIndex>().row();
        const auto roles = args.at(2).value<QList<int>>();
        if (top <= row && row <= bottom && (roles.isEmpty() || roles.contains(role)))
            return true;
    }
    return false;
}

} // namespace

class TestMessageRoles : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void groupsOneAuthorWithinFiveMinutes();
    void groupingFollowsARemovedDraft();
    void groupingFollowsAConfirmedTime();
    void groupingSurvivesAResync();
    void dateSectionsAcrossMidnight();
    void timeTextUsesTheLocale();
    void mentionsOfTheLocalUser();
    void styledTextIsEscapedAndLinked_data();
    void styledTextIsEscapedAndLinked();
    void findIsCaseInsensitive();
    void mentionCandidatesHelpysFirstAndFiltered();
    void mentions_data();
    void mentions();
    void mentionRanges();
    void partialMention_data();
    void partialMention();
};

void TestMessageRoles::groupsOneAuthorWithinFiveMinutes()
{
    MessageListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.addMessage(message(u"m1"_s, u"ana"_s, at(10, 0)));
    model.addMessage(message(u"m2"_s, u"ana"_s, at(10, 4))); // 4 min: grouped
    model.addMessage(message(u"m3"_s, u"ana"_s, at(10, 9))); // 5 min after m2: grouped
    model.addMessage(message(u"m4"_s, u"ana"_s, at(10, 15))); // 6 min: a new header
    model.addMessage(message(u"m5"_s, u"ben"_s, at(10, 15))); // another author
    model.addSystemLine(u"s1"_s, u"Ana added Math Helpy"_s, at(10, 16));
    model.addMessage(message(u"m6"_s, u"ben"_s, at(10, 16))); // after a system line
    QCOMPARE(headers(model), (QList<bool> { true, false, false, true, true, true, true }));
    QVERIFY(model.roleNames().value(MessageListModel::ShowHeaderRole) == "showHeader");
}

void TestMessageRoles::groupingFollowsARemovedDraft()
{
    MessageListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.addMessage(message(u"m1"_s, u"ana"_s, QDateTime::currentDateTimeUtc()));
    model.updateDraft(u"d1"_s, u"helpy"_s, u"Math Helpy"_s, u"Let me"_s);
    model.addMessage(message(u"m2"_s, u"ana"_s, QDateTime::currentDateTimeUtc()));
    QCOMPARE(headers(model), (QList<bool> { true, true, true }));
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QVERIFY(model.dropDraft(u"d1"_s));
    // Ana's second message now follows her first: one header, and the view was told.
    QCOMPARE(headers(model), (QList<bool> { true, false }));
    QVERIFY(announced(changed, 1, MessageListModel::ShowHeaderRole));
}

void TestMessageRoles::groupingFollowsAConfirmedTime()
{
    MessageListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setLocalUserId(u"me"_s);
    model.addPending(u"r1"_s, u"me"_s, u"Me"_s, u"first"_s);
    model.addPending(u"r2"_s, u"me"_s, u"Me"_s, u"second"_s);
    QCOMPARE(headers(model), (QList<bool> { true, false }));
    // The server put the first an hour earlier (a clock far off): the second is no longer
    // within five minutes of it.
    Entry confirmed = message(u"m1"_s, u"me"_s,
        model.index(1).data(MessageListModel::TimestampRole).toDateTime().addSecs(-3600),
        u"first"_s);
    confirmed.requestId = u"r1"_s;
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.addMessage(confirmed);
    QCOMPARE(headers(model), (QList<bool> { true, true }));
    QVERIFY(announced(changed, 1, MessageListModel::ShowHeaderRole));
}

void TestMessageRoles::groupingSurvivesAResync()
{
    MessageListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.applySnapshot({ message(u"m1"_s, u"ana"_s, at(9, 0)),
        message(u"m2"_s, u"ana"_s, at(9, 1)), message(u"m3"_s, u"ben"_s, at(9, 2)) });
    QCOMPARE(headers(model), (QList<bool> { true, false, true }));
    // A later snapshot brings only what is new; it groups with what was there.
    model.applySnapshot(
        { message(u"m3"_s, u"ben"_s, at(9, 2)), message(u"m4"_s, u"ben"_s, at(9, 3)) });
    QCOMPARE(headers(model), (QList<bool> { true, false, true, false }));
    model.clear();
    model.applySnapshot({ message(u"m4"_s, u"ben"_s, at(9, 3)) });
    QCOMPARE(headers(model), (QList<bool> { true }));
}

void TestMessageRoles::dateSectionsAcrossMidnight()
{
    MessageListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.addMessage(message(u"m1"_s, u"ana"_s, at(23, 58, 1)));
    model.addMessage(message(u"m2"_s, u"ana"_s, at(0, 1, 2))); // 3 minutes later, next day
    const auto section = [&](int row) {
        return model.index(row).data(MessageListModel::DateSectionRole).toString();
    };
    QCOMPARE(section(0), u"2026-12-01"_s);
    QCOMPARE(section(1), u"2026-12-02"_s);
    const auto startsDay
        = [&](int row) { return model.index(row).data(MessageListModel::StartsDayRole).toBool(); };
    model.addMessage(message(u"m3"_s, u"ben"_s, at(0, 2, 2)));
    QVERIFY(startsDay(0));
    QVERIFY(startsDay(1));
    QVERIFY(!startsDay(2));
    // A new day starts a new group under the separator, though only minutes passed.
    QCOMPARE(headers(model), (QList<bool> { true, true, true }));
}

void TestMessageRoles::timeTextUsesTheLocale()
{
    const QLocale before;
    MessageListModel model;
    model.addMessage(message(u"m1"_s, u"ana"_s, at(15, 7)));
    const auto timeText
        = [&] { return model.index(0).data(MessageListModel::TimeTextRole).toString(); };
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    QCOMPARE(timeText(), QLocale().toString(QTime(15, 7), QLocale::ShortFormat));
    QVERIFY2(timeText().contains(u"3:07"_s), qPrintable(timeText()));
    QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
    QCOMPARE(timeText(), u"15:07"_s);
    QLocale::setDefault(before);
}

void TestMessageRoles::mentionsOfTheLocalUser()
{
    MessageListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.addMessage(message(u"m1"_s, u"ben"_s, at(9, 0), u"@Ana look <here>"_s));
    model.addMessage(message(u"m2"_s, u"ben"_s, at(9, 1), u"@Anabel look"_s));
    const auto mentionsMe
        = [&](int row) { return model.index(row).data(MessageListModel::MentionsMeRole).toBool(); };
    QVERIFY(!mentionsMe(0)); // no name known yet
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setLocalDisplayName(u"Ana"_s);
    QVERIFY(announced(changed, 0, MessageListModel::MentionsMeRole));
    QVERIFY(mentionsMe(0));
    QVERIFY(!mentionsMe(1));
    QCOMPARE(model.index(0).data(MessageListModel::StyledTextRole).toString(),
        u"<b>@Ana</b> look &lt;here&gt;"_s);
}

void TestMessageRoles::styledTextIsEscapedAndLinked_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("styled");
    QTest::newRow("bold") << u"<b>bold</b>"_s << u"&lt;b&gt;bold&lt;/b&gt;"_s;
    QTest::newRow("image") << u"<img src=\"x.png\">"_s << u"&lt;img src=&quot;x.png&quot;&gt;"_s;
    QTest::newRow("entity") << u"&amp; &"_s << u"&amp;amp; &amp;"_s;
    QTest::newRow("link") << u"see https://qt.io/a?b=1&c=2."_s
                          << u"see <a href=\"https://qt.io/a?b=1&c=2\">"
                             u"https://qt.io/a?b=1&amp;c=2</a>."_s;
    QTest::newRow("http") << u"http://x.org"_s << u"<a href=\"http://x.org\">http://x.org</a>"_s;
    QTest::newRow("link in brackets")
        << u"(https://x.org/a)"_s << u"(<a href=\"https://x.org/a\">https://x.org/a</a>)"_s;
    QTest::newRow("link with brackets")
        << u"https://x.org/C_(lang)"_s
        << u"<a href=\"https://x.org/C_(lang)\">https://x.org/C_(lang)</a>"_s;
    QTest::newRow("javascript") << u"javascript:alert(1)"_s << u"javascript:alert(1)"_s;
    QTest::newRow("file") << u"file:///etc/passwd"_s << u"file:///etc/passwd"_s;
    QTest::newRow("quote ends a link")
        << u"https://x.org\"onclick=1"_s
        << u"<a href=\"https://x.org\">https://x.org</a>&quot;onclick=1"_s;
    QTest::newRow("no host") << u"https:// x"_s << u"https:// x"_s;
    QTest::newRow("spaces and lines") << u"a  b\nc"_s << u"a &nbsp;b<br>c"_s;
}

void TestMessageRoles::styledTextIsEscapedAndLinked()
{
    QFETCH(QString, text);
    QFETCH(QString, styled);
    QCOMPARE(Linkify::toStyledText(text), styled);
}

void TestMessageRoles::findIsCaseInsensitive()
{
    MessageListModel model;
    model.addMessage(message(u"m1"_s, u"ana"_s, at(9, 0), u"Derivatives"_s));
    model.addMessage(message(u"m2"_s, u"ben"_s, at(9, 1), u"integrals"_s));
    model.addMessage(message(u"m3"_s, u"ana"_s, at(9, 2), u"a DERIVATIVE of x"_s));
    QCOMPARE(model.find(u"derivative"_s), (QList<int> { 0, 2 }));
    QCOMPARE(model.find(QString()), QList<int>());
    QCOMPARE(model.textAt(1), u"integrals"_s);
    QCOMPARE(model.textAt(7), QString());
}

void TestMessageRoles::mentionCandidatesHelpysFirstAndFiltered()
{
    ParticipantListModel participants;
    participants.setLocalUserId(u"me"_s);
    participants.applySnapshot({ participant(u"u1"_s, u"Zoe"_s), participant(u"me"_s, u"Me"_s),
        participant(u"h1"_s, u"Math Helpy"_s, true), participant(u"u2"_s, u"ana"_s),
        participant(u"h2"_s, u"Chem Helpy"_s, true) });
    MentionCandidateModel candidates;
    QAbstractItemModelTester tester(
        &candidates, QAbstractItemModelTester::FailureReportingMode::QtTest);
    candidates.setSourceModel(&participants);
    // Helpys first, then people, each by name (any case); not the local user.
    QCOMPARE(
        names(candidates), (QStringList { u"Chem Helpy"_s, u"Math Helpy"_s, u"ana"_s, u"Zoe"_s }));
    QSignalSpy count(&candidates, &MentionCandidateModel::countChanged);
    candidates.setFilter(u"he"_s); // a word of the name
    QCOMPARE(names(candidates), (QStringList { u"Chem Helpy"_s, u"Math Helpy"_s }));
    QVERIFY(!count.isEmpty());
    candidates.setFilter(u"MATH h"_s); // the name from its start
    QCOMPARE(names(candidates), (QStringList { u"Math Helpy"_s }));
    candidates.setFilter(u"Math Helpy "_s); // chosen already: nothing more to offer
    QCOMPARE(candidates.count(), 0);
    candidates.setFilter(u"x"_s);
    QCOMPARE(candidates.count(), 0);
    candidates.setFilter(QString());
    participants.upsert(participant(u"u3"_s, u"Bea"_s));
    QCOMPARE(names(candidates),
        (QStringList { u"Chem Helpy"_s, u"Math Helpy"_s, u"ana"_s, u"Bea"_s, u"Zoe"_s }));
    QCOMPARE(candidates.count(), 5);
}

void TestMessageRoles::mentions_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("expected");
    QTest::newRow("start") << u"@Ana can you help?"_s << u"Ana"_s << true;
    QTest::newRow("any case") << u"hey @ana."_s << u"Ana"_s << true;
    QTest::newRow("name with space") << u"thanks @Math Helpy!"_s << u"Math Helpy"_s << true;
    QTest::newRow("at the end") << u"ping @Ana"_s << u"Ana"_s << true;
    QTest::newRow("longer word") << u"@Anabel hi"_s << u"Ana"_s << false;
    QTest::newRow("an address") << u"mail ben@Ana.org"_s << u"Ana"_s << false;
    QTest::newRow("no at") << u"Ana is here"_s << u"Ana"_s << false;
    QTest::newRow("empty name") << u"@ hi"_s << QString() << false;
    QTest::newRow("second one counts") << u"@Anabel and @Ana"_s << u"Ana"_s << true;
}

void TestMessageRoles::mentions()
{
    QFETCH(QString, text);
    QFETCH(QString, name);
    QFETCH(bool, expected);
    QCOMPARE(Mentions::mentions(text, name), expected);
}

void TestMessageRoles::mentionRanges()
{
    const auto ranges = Mentions::ranges(u"@Ana, @Anabel and @ANA"_s, u"Ana"_s);
    QCOMPARE(ranges.size(), 2);
    QCOMPARE(ranges.at(0), (Mentions::Range { 0, 4 }));
    QCOMPARE(ranges.at(1), (Mentions::Range { 18, 4 }));
}

void TestMessageRoles::partialMention_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("cursor");
    QTest::addColumn<QString>("expected"); // null: not in a mention
    QTest::newRow("just the at") << u"hi @"_s << 4 << u""_s;
    QTest::newRow("a word") << u"hi @Ma"_s << 6 << u"Ma"_s;
    QTest::newRow("with a space") << u"@Math He"_s << 8 << u"Math He"_s;
    QTest::newRow("an address") << u"ben@x"_s << 5 << QString();
    QTest::newRow("no at") << u"hello"_s << 5 << QString();
    QTest::newRow("a new line") << u"@Ana\nok"_s << 7 << QString();
    QTest::newRow("cursor before") << u"hi @Ma"_s << 2 << QString();
}

void TestMessageRoles::partialMention()
{
    QFETCH(QString, text);
    QFETCH(int, cursor);
    QFETCH(QString, expected);
    const QString partial = Mentions::partialAt(text, cursor);
    QCOMPARE(partial.isNull(), expected.isNull());
    QCOMPARE(partial, expected);
}

QTEST_GUILESS_MAIN(TestMessageRoles)
#include "tst_message_roles.moc"
