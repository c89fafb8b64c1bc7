// SPDX-License-Identifier: MIT
#include "tlscredentials.h"

#include <QCoreApplication>
#include <QFile>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

namespace TlsCredentials {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("TlsCredentials", text);
}

std::optional<QByteArray> readFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = tr("cannot read %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    return file.readAll();
}

/// Whether the PEM private key belongs to the PEM certificate (libcrypto's check).
bool keyMatches(const QByteArray &certificatePem, const QByteArray &keyPem)
{
    const std::unique_ptr<BIO, decltype(&BIO_free)> certificateBio(
        BIO_new_mem_buf(certificatePem.constData(), int(certificatePem.size())), &BIO_free);
    const std::unique_ptr<BIO, decltype(&BIO_free)> keyBio(
        BIO_new_mem_buf(keyPem.constData(), int(keyPem.size())), &BIO_free);
    const std::unique_ptr<X509, decltype(&X509_free)> certificate(
        PEM_read_bio_X509(certificateBio.get(), nullptr, nullptr, nullptr), &X509_free);
    const std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
        PEM_read_bio_PrivateKey(keyBio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
    const bool matches = certificate && key && X509_check_private_key(certificate.get(), key.get());
    ERR_clear_error();
    return matches;
}

} // namespace

std::optional<QSslConfiguration> load(
    const QString &certificatePath, const QString &keyPath, QString *error)
{
    const auto certificatePem = readFile(certificatePath, error);
    if (!certificatePem)
        return std::nullopt;
    const auto keyPem = readFile(keyPath, error);
    if (!keyPem)
        return std::nullopt;
    const QList<QSslCertificate> chain = QSslCertificate::fromData(*certificatePem, QSsl::Pem);
    if (chain.isEmpty() || chain.constFirst().isNull()) {
        *error = tr("%1 holds no PEM certificate").arg(certificatePath);
        return std::nullopt;
    }
    QSslKey key;
    for (const QSsl::KeyAlgorithm algorithm : { QSsl::Rsa, QSsl::Ec, QSsl::Dsa }) {
        key = QSslKey(*keyPem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull())
            break;
    }
    if (key.isNull()) {
        *error = tr("%1 holds no unencrypted PEM private key (RSA, EC or DSA)").arg(keyPath);
        return std::nullopt;
    }
    if (!keyMatches(*certificatePem, *keyPem)) {
        *error = tr("the key in %1 is not the key of the certificate in %2")
                     .arg(keyPath, certificatePath);
        return std::nullopt;
    }
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificateChain(chain);
    configuration.setPrivateKey(key);
    // Guests present no certificate: they prove who they are with their token, inside TLS.
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone);
    return configuration;
}

} // namespace TlsCredentials
