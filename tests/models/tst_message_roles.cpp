// SPDX-License-Identifier: MIT
// The chat's readable-history roles (grouping, date sections, mentions of you, linkified
// text) stay right as rows arrive, change and go, under QAbstractItemModelTester; and the
// one reading of "@Name".
#include "mentions.h"

#include <QTest>

using namespace Qt::StringLiterals;

class TestMessageRoles : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void mentions_data();
    void mentions();
    void mentionRanges();
    void partialMention_data();
    void partialMention();
};

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
