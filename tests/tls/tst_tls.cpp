// SPDX-License-Identifier: MIT
// wss:// as a guest meets it: a SessionServer in SecureMode on 127.0.0.1:0 with certificates
// made here (SelfSignedCertificate), the client's trust on first use (CertificatePins in a
// test-mode QSettings), invite links that carry the fingerprint, the hosting app's own
// certificate, and helpy-server's --tls-cert/--tls-key.
#include "certificatepins.h"
#include "embeddedsessionhost.h"
#include "invitelink.h"
#include "selfsignedcertificate.h"
#include "sessionserver.h"
#include "websocketservice.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace Qt::StringLiterals;

namespace {

/// A certificate and key written to `dir` as NAME.pem and NAME-key.pem.
struct Credentials
{
    QString certificatePath;
    QString keyPath;
    QString fingerprint;
    SelfSignedCertificate pem;
};

std::optional<Credentials> makeCredentials(const QTemporaryDir &dir, const QString &name,
    const SelfSignedCertificate *issuer = nullptr, bool certificateAuthority = false)
{
    SelfSignedCertificate::Request request;
    request.commonName = name;
    request.hosts = { u"localhost"_s, u"127.0.0.1"_s };
    request.certificateAuthority = certificateAuthority;
    QString error;
    const auto made = SelfSignedCertificate::generate(request, issuer, &error);
    if (!made) {
        qWarning() << "cannot make a certificate:" << error;
        return std::nullopt;
    }
    Credentials credentials { dir.filePath(name + u".pem"_s), dir.filePath(name + u"-key.pem"_s),
        CertificatePins::fingerprintOfPem(made->certificatePem), *made };
    QFile certificate(credentials.certificatePath);
    QFile key(credentials.keyPath);
    if (!certificate.open(QIODevice::WriteOnly) || !key.open(QIODevice::WriteOnly))
        return std::nullopt;
    certificate.write(made->certificatePem);
    key.write(made->keyPem);
    return credentials;
}

ServerOptions tlsOptions(const Credentials &credentials)
{
    ServerOptions options;
    options.tlsCertificatePath = credentials.certificatePath;
    options.tlsKeyPath = credentials.keyPath;
    return options;
}

QString addressOf(const SessionServer &server)
{
    return u"127.0.0.1:%1"_s.arg(server.port());
}

} // namespace

class TestTls : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();

    void certificatesAreMadeAndFingerprinted();
    void serverServesWssWithTheGivenCertificate();
    void badCertificateOrKeyIsAClearStartupError();
    void pinnedCertificateConnects();
    void changedCertificateIsRefusedBeforeTheToken();
    void firstUseAsksThenConnectsAndRemembers();
    void firstUseCancelledDoesNotConnect();
    void caSignedCertificateNeedsNoQuestion();
    void inviteLinkCarriesTheFingerprint_data();
    void inviteLinkCarriesTheFingerprint();
    void hostMakesItsCertificateOnceAndReusesIt();
    void hostServesPlainWsOnlyOnLoopbackOrWhenAsked();
    void serverProcessServesWss();

private:
    QTemporaryDir m_dir;
    std::optional<Credentials> m_server;
};

void TestTls::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"HelpyTest"_s);
    QCoreApplication::setApplicationName(u"tst_tls"_s);
    QVERIFY(m_dir.isValid());
    m_server = makeCredentials(m_dir, u"server"_s);
    QVERIFY(m_server);
}

void TestTls::init()
{
    QSettings().clear(); // no pins
    QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)).removeRecursively();
}

void TestTls::certificatesAreMadeAndFingerprinted()
{
    QVERIFY(m_server->pem.certificatePem.startsWith("-----BEGIN CERTIFICATE-----"));
    QVERIFY(m_server->pem.keyPem.startsWith("-----BEGIN PRIVATE KEY-----"));
    QCOMPARE(m_server->fingerprint.size(), 64);
    const auto certificate = QSslCertificate::fromData(m_server->pem.certificatePem).constFirst();
    QCOMPARE(certificate.subjectInfo(QSslCertificate::CommonName), QStringList { u"server"_s });
    QCOMPARE(certificate.issuerDisplayName(), u"server"_s); // self-signed
    QCOMPARE(CertificatePins::fingerprint(certificate), m_server->fingerprint);
    // Two certificates are never the same (fresh keys, random serials).
    const auto other = makeCredentials(m_dir, u"other"_s);
    QVERIFY(other && other->fingerprint != m_server->fingerprint);
    // What a person compares: groups of four.
    QCOMPARE(CertificatePins::grouped(u"ab12cd34ef"_s), u"AB12 CD34 EF"_s);
    QCOMPARE(CertificatePins::normalized(CertificatePins::grouped(m_server->fingerprint)),
        m_server->fingerprint);
    QCOMPARE(CertificatePins::normalized(u"ab12"_s), QString());
}

void TestTls::serverServesWssWithTheGivenCertificate()
{
    SessionServer server(tlsOptions(*m_server));
    QVERIFY2(server.listen(), qPrintable(server.errorString()));
    QVERIFY(server.isSecure());
    QCOMPARE(server.url().scheme(), u"wss"_s);

    // A raw TLS client sees exactly that certificate.
    QWebSocket socket;
    QSslCertificate seen;
    connect(&socket, &QWebSocket::sslErrors, this, [&](const QList<QSslError> &errors) {
        seen = errors.constFirst().certificate();
        socket.ignoreSslErrors();
    });
    QSignalSpy connected(&socket, &QWebSocket::connected);
    socket.open(server.url());
    QVERIFY(connected.wait());
    QCOMPARE(CertificatePins::fingerprint(seen), m_server->fingerprint);

    // Without a certificate the server stays on plain ws://.
    SessionServer plain;
    QVERIFY(plain.listen());
    QVERIFY(!plain.isSecure());
    QCOMPARE(plain.url().scheme(), u"ws"_s);
}

void TestTls::badCertificateOrKeyIsAClearStartupError()
{
    const auto other = makeCredentials(m_dir, u"mismatch"_s);
    QVERIFY(other);
    struct Case
    {
        QString certificate, key, expected;
    };
    const QString missing = m_dir.filePath(u"missing.pem"_s);
    const QList<Case> cases {
        { m_server->certificatePath, other->keyPath, u"is not the key of the certificate"_s },
        { missing, m_server->keyPath, u"cannot read %1"_s.arg(missing) },
        { m_server->certificatePath, missing, u"cannot read %1"_s.arg(missing) },
        { m_server->keyPath, m_server->keyPath, u"holds no PEM certificate"_s },
        { m_server->certificatePath, m_server->certificatePath, u"no unencrypted PEM private"_s },
    };
    for (const Case &each : cases) {
        ServerOptions options;
        options.tlsCertificatePath = each.certificate;
        options.tlsKeyPath = each.key;
        SessionServer server(options);
        QVERIFY(!server.listen());
        QVERIFY(!server.isListening());
        QVERIFY2(server.errorString().contains(each.expected), qPrintable(server.errorString()));
    }
}

void TestTls::pinnedCertificateConnects()
{
    SessionServer server(tlsOptions(*m_server));
    QVERIFY(server.listen());
    CertificatePins().setPin(addressOf(server), m_server->fingerprint);

    WebSocketService client;
    QSignalSpy welcomed(&client, &WebSocketService::welcomed);
    QSignalSpy asked(&client, &WebSocketService::certificateConfirmationNeeded);
    client.connectToServer(server.url(), u"Ana"_s);
    QVERIFY(welcomed.wait());
    QCOMPARE(asked.count(), 0);
    QCOMPARE(server.connectionCount(), 1);
}

void TestTls::changedCertificateIsRefusedBeforeTheToken()
{
    SessionServer server(tlsOptions(*m_server));
    QVERIFY(server.listen());
    // Pinned earlier: another certificate (the "real" server's, say).
    const auto real = makeCredentials(m_dir, u"real"_s);
    QVERIFY(real);
    CertificatePins().setPin(addressOf(server), real->fingerprint);

    QSignalSpy serverConnections(&server, &SessionServer::connectionCountChanged);
    WebSocketService client;
    QSignalSpy errors(&client, &WebSocketService::errorOccurred);
    QSignalSpy welcomed(&client, &WebSocketService::welcomed);
    QSignalSpy asked(&client, &WebSocketService::certificateConfirmationNeeded);
    client.connectToServer(server.url(), u"Ana"_s, u"secret-token"_s);
    QVERIFY(errors.wait());
    const QString message = errors.constFirst().constFirst().toString();
    QVERIFY2(message.startsWith(
                 u"The certificate of %1 is not the one it had before."_s.arg(addressOf(server))),
        qPrintable(message));
    QCOMPARE(client.state(), WebSocketService::State::Disconnected);
    QCOMPARE(welcomed.count(), 0);
    QCOMPARE(asked.count(), 0);
    // Never asked about, never silently replaced: the old pin stays.
    QCOMPARE(CertificatePins().pin(addressOf(server)), real->fingerprint);
    // The server never got a WebSocket, so it never saw a hello (nor the token).
    QTest::qWait(0);
    QCOMPARE(serverConnections.count(), 0);
    QCOMPARE(server.connectionCount(), 0);
    QCOMPARE(errors.count(), 1); // one sentence, not Qt's handshake error after it
}

void TestTls::firstUseAsksThenConnectsAndRemembers()
{
    SessionServer server(tlsOptions(*m_server));
    QVERIFY(server.listen());
    QSignalSpy serverConnections(&server, &SessionServer::connectionCountChanged);

    WebSocketService client;
    client.setHandshakeTimeoutMs(1000); // a person may take longer: the question has no deadline
    QSignalSpy asked(&client, &WebSocketService::certificateConfirmationNeeded);
    QSignalSpy welcomed(&client, &WebSocketService::welcomed);
    QSignalSpy errors(&client, &WebSocketService::errorOccurred);
    client.connectToServer(server.url(), u"Ana"_s);
    QVERIFY(asked.wait());
    QCOMPARE(asked.constFirst().at(0).toString(), addressOf(server));
    QCOMPARE(asked.constFirst().at(1).toString(), m_server->fingerprint);
    QVERIFY(!welcomed.wait(1500)); // waits for the answer, past the handshake timeout
    QCOMPARE(errors.count(), 0);
    QCOMPARE(serverConnections.count(), 0);
    QCOMPARE(CertificatePins().pin(addressOf(server)), QString());

    client.confirmCertificate(true);
    QVERIFY(welcomed.wait());
    QCOMPARE(client.state(), WebSocketService::State::Connected);
    QCOMPARE(QSettings().value(u"certificatePins/%1"_s.arg(addressOf(server))).toString(),
        m_server->fingerprint);

    // The next time (another launch of the app): trusted without a question.
    WebSocketService later;
    QSignalSpy laterWelcomed(&later, &WebSocketService::welcomed);
    QSignalSpy laterAsked(&later, &WebSocketService::certificateConfirmationNeeded);
    later.connectToServer(server.url(), u"Ben"_s);
    QVERIFY(laterWelcomed.wait());
    QCOMPARE(laterAsked.count(), 0);
}

void TestTls::firstUseCancelledDoesNotConnect()
{
    SessionServer server(tlsOptions(*m_server));
    QVERIFY(server.listen());
    QSignalSpy serverConnections(&server, &SessionServer::connectionCountChanged);

    WebSocketService client;
    QSignalSpy asked(&client, &WebSocketService::certificateConfirmationNeeded);
    QSignalSpy errors(&client, &WebSocketService::errorOccurred);
    client.connectToServer(server.url(), u"Ana"_s, u"secret-token"_s);
    QVERIFY(asked.wait());
    client.confirmCertificate(false);
    QCOMPARE(errors.count(), 1);
    QCOMPARE(errors.constFirst().constFirst().toString(),
        u"Not connected to %1: its certificate was not accepted."_s.arg(addressOf(server)));
    QCOMPARE(client.state(), WebSocketService::State::Disconnected);
    QCOMPARE(CertificatePins().pin(addressOf(server)), QString());
    QTest::qWait(0);
    QCOMPARE(serverConnections.count(), 0);
}

void TestTls::caSignedCertificateNeedsNoQuestion()
{
    const auto authority = makeCredentials(m_dir, u"Test CA"_s, nullptr, true);
    QVERIFY(authority);
    const auto signedByIt = makeCredentials(m_dir, u"signed"_s, &authority->pem);
    QVERIFY(signedByIt);
    QCOMPARE(
        QSslCertificate::fromData(signedByIt->pem.certificatePem).constFirst().issuerDisplayName(),
        u"Test CA"_s);

    // This machine trusts the test CA (as it would a public one).
    const QSslConfiguration before = QSslConfiguration::defaultConfiguration();
    auto restore = qScopeGuard([&] { QSslConfiguration::setDefaultConfiguration(before); });
    QSslConfiguration trusting = before;
    trusting.addCaCertificates(QSslCertificate::fromData(authority->pem.certificatePem));
    QSslConfiguration::setDefaultConfiguration(trusting);

    SessionServer server(tlsOptions(*signedByIt));
    QVERIFY(server.listen());
    WebSocketService client;
    QSignalSpy welcomed(&client, &WebSocketService::welcomed);
    QSignalSpy asked(&client, &WebSocketService::certificateConfirmationNeeded);
    client.connectToServer(server.url(), u"Ana"_s);
    QVERIFY(welcomed.wait());
    QCOMPARE(asked.count(), 0);
    QCOMPARE(CertificatePins().pin(addressOf(server)), QString()); // nothing to pin
}

void TestTls::inviteLinkCarriesTheFingerprint_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("scheme");
    QTest::addColumn<QString>("fingerprint");
    QTest::addColumn<QString>("error");
    const QString hex = u"0123456789abcdef"_s.repeated(4);
    QTest::newRow("pinned") << u"helpy://10.0.0.2:8787/K7PQ2M#sha256=%1"_s.arg(hex) << u"wss"_s
                            << hex << QString();
    QTest::newRow("upper case") << u"helpy://10.0.0.2:8787/K7PQ2M#SHA256=%1"_s.arg(hex.toUpper())
                                << u"wss"_s << hex << QString();
    QTest::newRow("ca") << u"helpy://example.org:443/K7PQ2M#tls"_s << u"wss"_s << QString()
                        << QString();
    QTest::newRow("plain") << u"helpy://10.0.0.2:8787/K7PQ2M"_s << u"ws"_s << QString()
                           << QString();
    QTest::newRow("short") << u"helpy://10.0.0.2:8787/K7PQ2M#sha256=ab12cd"_s << QString()
                           << QString() << u"not 64 hexadecimal digits"_s;
    QTest::newRow("not hex") << u"helpy://10.0.0.2:8787/K7PQ2M#sha256=%1"_s.arg(u"z"_s.repeated(64))
                             << QString() << QString() << u"not 64 hexadecimal digits"_s;
}

void TestTls::inviteLinkCarriesTheFingerprint()
{
    QFETCH(QString, text);
    QFETCH(QString, scheme);
    QFETCH(QString, fingerprint);
    QFETCH(QString, error);
    const InviteLink link = InviteLink::parse(text);
    if (!error.isEmpty()) {
        QVERIFY(!link.isValid());
        QVERIFY2(link.errorString().contains(error), qPrintable(link.errorString()));
        return;
    }
    QVERIFY2(link.isValid(), qPrintable(link.errorString()));
    QCOMPARE(link.serverUrl().scheme(), scheme);
    QCOMPARE(link.fingerprint(), fingerprint);
    QCOMPARE(link.isSecure(), scheme == u"wss"_s);
    // Written back as read (the fingerprint in lower case).
    const InviteLink again = InviteLink::parse(link.toString());
    QCOMPARE(again.toString(), link.toString());
    QCOMPARE(again.fingerprint(), fingerprint);
    QCOMPARE(again.serverUrl(), link.serverUrl());
    if (!fingerprint.isEmpty())
        QVERIFY(link.toString().endsWith(u"#sha256="_s + fingerprint));
}

void TestTls::hostMakesItsCertificateOnceAndReusesIt()
{
    const QString dataDir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    const QString keyPath = dataDir + u"/hosting-key.pem"_s;
    QString fingerprint;
    {
        EmbeddedSessionHost host(0);
        QVERIFY(host.isSecure());
        QVERIFY2(host.listen(), qPrintable(host.errorString()));
        QCOMPARE(host.url().scheme(), u"wss"_s);
        fingerprint = host.certificateFingerprint();
        QCOMPARE(fingerprint.size(), 64);
        QVERIFY(QFile::exists(dataDir + u"/hosting-certificate.pem"_s));
        // The key is its owner's alone (0600).
        struct stat status
        {
        };
        QCOMPARE(::stat(QFile::encodeName(keyPath).constData(), &status), 0);
        QCOMPARE(status.st_mode & 0777, 0600u);

        // A guest pinned by the link connects over wss.
        CertificatePins().setPin(u"127.0.0.1:%1"_s.arg(host.port()), fingerprint);
        WebSocketService guest;
        QSignalSpy welcomed(&guest, &WebSocketService::welcomed);
        guest.connectToServer(host.url(), u"Ben"_s);
        QVERIFY(welcomed.wait());
    }
    {
        // The next launch serves the same certificate: the pins guests hold stay true.
        EmbeddedSessionHost again(0);
        QVERIFY(again.listen());
        QCOMPARE(again.certificateFingerprint(), fingerprint);
    }
    // A broken pair (a lost key) is made anew rather than failing to host.
    QVERIFY(QFile::remove(keyPath));
    EmbeddedSessionHost renewed(0);
    QVERIFY(renewed.listen());
    QCOMPARE(renewed.certificateFingerprint().size(), 64);
    QVERIFY(renewed.certificateFingerprint() != fingerprint);
}

void TestTls::hostServesPlainWsOnlyOnLoopbackOrWhenAsked()
{
    {
        EmbeddedSessionHost host(0);
        host.setAddress(QHostAddress::LocalHost);
        QVERIFY(!host.isSecure());
        QVERIFY(host.listen());
        QCOMPARE(host.url().scheme(), u"ws"_s);
        QCOMPARE(host.certificateFingerprint(), QString());
    }
    EmbeddedSessionHost host(0);
    host.setInsecure(true);
    QVERIFY(host.listen());
    QCOMPARE(host.url().scheme(), u"ws"_s);
    QVERIFY(!QFile::exists(
        QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u"/hosting-key.pem"_s));
}

void TestTls::serverProcessServesWss()
{
    const auto run = [](const QStringList &arguments, QProcess &process) {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"QT_LOGGING_RULES"_s, u"helpy.*.debug=false"_s);
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(HELPY_SERVER_PATH),
            QStringList { u"--memory"_s, u"--listen"_s, u"127.0.0.1:0"_s } + arguments);
        return process.waitForStarted(5000);
    };
    // --help says how.
    QProcess help;
    QVERIFY(run({ u"--help"_s }, help));
    QVERIFY(help.waitForFinished(10000));
    const QByteArray helpText = help.readAllStandardOutput();
    QVERIFY2(helpText.contains("--tls-cert <file>") && helpText.contains("--tls-key <file>"),
        helpText.constData());

    // The pair from a config file too; it serves wss://.
    const QString config = m_dir.filePath(u"tls.conf"_s);
    {
        QFile file(config);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("tls-cert = " + m_server->certificatePath.toUtf8()
            + "\ntls-key = " + m_server->keyPath.toUtf8() + "\n");
    }
    QProcess server;
    QVERIFY(run({ u"--config"_s, config }, server));
    auto stop = qScopeGuard([&] {
        server.kill();
        server.waitForFinished();
    });
    QByteArray out;
    const QRegularExpression listening(u"listening on (wss://\\S+)"_s);
    QRegularExpressionMatch match;
    QTRY_VERIFY_WITH_TIMEOUT((out += server.readAllStandardOutput(),
                                 match = listening.match(QString::fromUtf8(out)), match.hasMatch()),
        10000);
    const QUrl url(match.captured(1));
    // It says the fingerprint to hand out with invite links.
    QTRY_VERIFY((out += server.readAllStandardOutput(),
        out.contains("certificate sha256=" + m_server->fingerprint.toLatin1())));
    CertificatePins().setPin(u"127.0.0.1:%1"_s.arg(url.port()), m_server->fingerprint);
    WebSocketService client;
    QSignalSpy welcomed(&client, &WebSocketService::welcomed);
    client.connectToServer(url, u"Ana"_s);
    QVERIFY(welcomed.wait());

    // A key that is not the certificate's: a clear sentence, exit 1, before serving.
    const auto other = makeCredentials(m_dir, u"wrongkey"_s);
    QVERIFY(other);
    QProcess bad;
    QVERIFY(
        run({ u"--tls-cert"_s, m_server->certificatePath, u"--tls-key"_s, other->keyPath }, bad));
    QVERIFY(bad.waitForFinished(10000));
    QCOMPARE(bad.exitCode(), 1);
    const QByteArray error = bad.readAllStandardError();
    QVERIFY2(error.contains("is not the key of the certificate in"), error.constData());

    // Half a pair is a usage error.
    QProcess half;
    QVERIFY(run({ u"--tls-cert"_s, m_server->certificatePath }, half));
    QVERIFY(half.waitForFinished(10000));
    QCOMPARE(half.exitCode(), 2);
    QVERIFY(half.readAllStandardError().contains("--tls-cert and --tls-key go together"));
}

QTEST_GUILESS_MAIN(TestTls)
#include "tst_tls.moc"
