// SPDX-License-Identifier: MIT
// The invite link helpy://HOST:PORT/CODE: what is read from a pasted link, and the sentence
// for what is not one.
#include "invitelink.h"

#include <QHostAddress>
#include <QTest>

class tst_InviteLink : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readsLinks_data();
    void readsLinks();
    void refusesWithASentence_data();
    void refusesWithASentence();
    void writesWhatItReads();
    void localAddressesEndWithLoopback();
};

void tst_InviteLink::readsLinks_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("code");

    QTest::newRow("full") << "helpy://192.168.1.5:8790/K7PQ2M"
                          << "192.168.1.5" << 8790 << "K7PQ2M";
    QTest::newRow("no port") << "helpy://192.168.1.5/K7PQ2M"
                             << "192.168.1.5" << 8787 << "K7PQ2M";
    QTest::newRow("name") << "helpy://ana-laptop.local:9000/abc123"
                          << "ana-laptop.local" << 9000 << "abc123";
    QTest::newRow("ipv6") << "helpy://[fe80::1]:8787/K7PQ2M"
                          << "fe80::1" << 8787 << "K7PQ2M";
    QTest::newRow("ipv6 no port") << "helpy://[::1]/K7PQ2M"
                                  << "::1" << 8787 << "K7PQ2M";
    QTest::newRow("trailing slash") << "helpy://10.0.0.2:8787/K7PQ2M/"
                                    << "10.0.0.2" << 8787 << "K7PQ2M";
    QTest::newRow("whitespace") << "  \thelpy://10.0.0.2:8787/K7PQ2M \n"
                                << "10.0.0.2" << 8787 << "K7PQ2M";
    QTest::newRow("scheme case") << "HELPY://10.0.0.2:8787/K7PQ2M"
                                 << "10.0.0.2" << 8787 << "K7PQ2M";
    QTest::newRow("unknown fragment") << "helpy://10.0.0.2:8787/K7PQ2M#later=ab12cd"
                                      << "10.0.0.2" << 8787 << "K7PQ2M";
    QTest::newRow("query") << "helpy://10.0.0.2:8787/K7PQ2M?x=1"
                           << "10.0.0.2" << 8787 << "K7PQ2M";
}

void tst_InviteLink::readsLinks()
{
    QFETCH(QString, text);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, code);
    const InviteLink link = InviteLink::parse(text);
    QVERIFY2(link.isValid(), qPrintable(link.errorString()));
    QVERIFY(link.errorString().isEmpty());
    QCOMPARE(link.host(), host);
    QCOMPARE(int(link.port()), port);
    QCOMPARE(link.code(), code);
    QVERIFY(InviteLink::looksLikeLink(text));
    QCOMPARE(link.serverUrl().scheme(), QStringLiteral("ws"));
    QCOMPARE(link.serverUrl().host(), link.host());
    QCOMPARE(link.serverUrl().port(), int(link.port()));
}

void tst_InviteLink::refusesWithASentence_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("says");

    QTest::newRow("empty") << "   "
                           << "Paste an invite link";
    // The fingerprint is what makes the link safe: a broken one is not silently dropped.
    QTest::newRow("short fingerprint") << "helpy://10.0.0.2:8787/K7PQ2M#sha256=ab12cd"
                                       << "not 64 hexadecimal digits";
    QTest::newRow("bare code") << "K7PQ2M"
                               << "is not an invite link";
    QTest::newRow("ws url") << "ws://10.0.0.2:8787"
                            << "is not an invite link";
    QTest::newRow("no code") << "helpy://10.0.0.2:8787"
                             << "no invite code";
    QTest::newRow("no code slash") << "helpy://10.0.0.2:8787/"
                                   << "no invite code";
    QTest::newRow("no host") << "helpy://:8787/K7PQ2M"
                             << "names no computer";
    QTest::newRow("bad port") << "helpy://10.0.0.2:87a/K7PQ2M"
                              << "not a port number";
    QTest::newRow("port zero") << "helpy://10.0.0.2:0/K7PQ2M"
                               << "not a port number";
    QTest::newRow("port too big") << "helpy://10.0.0.2:70000/K7PQ2M"
                                  << "not a port number";
    QTest::newRow("empty port") << "helpy://10.0.0.2:/K7PQ2M"
                                << "not a port number";
    QTest::newRow("bare ipv6") << "helpy://fe80::1:8787/K7PQ2M"
                               << "goes in brackets";
    QTest::newRow("unclosed bracket") << "helpy://[fe80::1:8787/K7PQ2M"
                                      << "closing";
    QTest::newRow("not ipv6") << "helpy://[ana]:8787/K7PQ2M"
                              << "not an IPv6 address";
    QTest::newRow("junk host") << "helpy://an a:8787/K7PQ2M"
                               << "not a computer's name";
    QTest::newRow("junk code") << "helpy://10.0.0.2:8787/K7 PQ"
                               << "not an invite code";
    QTest::newRow("path") << "helpy://10.0.0.2:8787/a/b"
                          << "not an invite code";
    QTest::newRow("garbage") << QString::fromUtf8("helpy://\xe2\x98\x83\x01")
                             << "not a computer's name";
}

void tst_InviteLink::refusesWithASentence()
{
    QFETCH(QString, text);
    QFETCH(QString, says);
    const InviteLink link = InviteLink::parse(text);
    QVERIFY(!link.isValid());
    QVERIFY2(link.errorString().contains(says), qPrintable(link.errorString()));
    QVERIFY(!link.serverUrl().isValid());
}

void tst_InviteLink::writesWhatItReads()
{
    for (const InviteLink &link :
        { InviteLink(QStringLiteral("192.168.1.5"), 8787, QStringLiteral("K7PQ2M")),
            InviteLink(QStringLiteral("fe80::1"), 9000, QStringLiteral("abc")),
            InviteLink(QStringLiteral("ana.local"), 1, QStringLiteral("Z-_9")) }) {
        const InviteLink read = InviteLink::parse(link.toString());
        QVERIFY2(
            read.isValid(), qPrintable(link.toString() + QLatin1Char(' ') + read.errorString()));
        QCOMPARE(read.host(), link.host());
        QCOMPARE(read.port(), link.port());
        QCOMPARE(read.code(), link.code());
    }
    QCOMPARE(InviteLink(QStringLiteral("fe80::1"), 9000, QStringLiteral("abc")).toString(),
        QStringLiteral("helpy://[fe80::1]:9000/abc"));
}

void tst_InviteLink::localAddressesEndWithLoopback()
{
    const QStringList addresses = InviteLink::localAddresses();
    QVERIFY(!addresses.isEmpty());
    QCOMPARE(addresses.constLast(), QStringLiteral("127.0.0.1"));
    QCOMPARE(addresses.count(QStringLiteral("127.0.0.1")), 1);
    QCOMPARE(InviteLink::preferredLocalAddress(), addresses.constFirst());
    for (const QString &address : addresses)
        QCOMPARE(QHostAddress(address).protocol(), QAbstractSocket::IPv4Protocol);
}

QTEST_GUILESS_MAIN(tst_InviteLink)
#include "tst_invitelink.moc"
