// SPDX-License-Identifier: MIT
#include "selfsignedcertificate.h"

#include <QHostAddress>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstring>
#include <memory>

namespace {

template<auto Free> struct Deleter
{
    template<typename T> void operator()(T *p) const { Free(p); }
};
using Bio = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using Certificate = std::unique_ptr<X509, Deleter<X509_free>>;
using Extension = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;
using BigNumber = std::unique_ptr<BIGNUM, Deleter<BN_free>>;

QString opensslError(const char *what)
{
    const unsigned long code = ERR_get_error();
    char text[256] = {};
    if (code)
        ERR_error_string_n(code, text, sizeof text);
    ERR_clear_error();
    return QStringLiteral("%1: %2").arg(QLatin1String(what), QLatin1String(text));
}

QByteArray readAll(BIO *bio)
{
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return QByteArray(data, int(size));
}

bool addExtension(X509 *certificate, X509 *issuer, int nid, const QByteArray &value)
{
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
    const Extension extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value.constData()));
    return extension && X509_add_ext(certificate, extension.get(), -1) == 1;
}

QByteArray subjectAltNames(const QStringList &hosts)
{
    QByteArrayList names;
    for (const QString &host : hosts) {
        const bool address = !QHostAddress(host).isNull();
        names << (address ? "IP:" : "DNS:") + host.toUtf8();
    }
    return names.join(',');
}

} // namespace

std::optional<SelfSignedCertificate> SelfSignedCertificate::generate(
    const Request &request, const SelfSignedCertificate *issuer, QString *error)
{
    const auto fail = [error](const char *what) {
        const QString message = opensslError(what);
        if (error)
            *error = message;
        return std::nullopt;
    };
    const Key key(EVP_EC_gen("P-256"));
    if (!key)
        return fail("cannot make a key");

    Key issuerKey;
    Certificate issuerCertificate;
    if (issuer) {
        const Bio keyBio(BIO_new_mem_buf(issuer->keyPem.constData(), int(issuer->keyPem.size())));
        issuerKey.reset(PEM_read_bio_PrivateKey(keyBio.get(), nullptr, nullptr, nullptr));
        const Bio certificateBio(BIO_new_mem_buf(
            issuer->certificatePem.constData(), int(issuer->certificatePem.size())));
        issuerCertificate.reset(PEM_read_bio_X509(certificateBio.get(), nullptr, nullptr, nullptr));
        if (!issuerKey || !issuerCertificate)
            return fail("cannot read the issuer");
    }

    const Certificate certificate(X509_new());
    // A random 127-bit serial: two certificates of one issuer must never share one.
    const BigNumber serial(BN_new());
    if (!certificate || !serial || !X509_set_version(certificate.get(), 2)
        || !BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY)
        || !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate.get())))
        return fail("cannot start a certificate");
    // An hour back: a guest whose clock is a little behind still accepts it.
    X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(certificate.get()), long(request.days) * 24 * 3600);
    X509_set_pubkey(certificate.get(), key.get());
    X509_NAME *subject = X509_get_subject_name(certificate.get());
    const QByteArray commonName = request.commonName.toUtf8();
    X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
        reinterpret_cast<const unsigned char *>(commonName.constData()), -1, -1, 0);
    X509_set_issuer_name(certificate.get(),
        issuerCertificate ? X509_get_subject_name(issuerCertificate.get()) : subject);

    X509 *signer = issuerCertificate ? issuerCertificate.get() : certificate.get();
    const bool extended = addExtension(certificate.get(), signer, NID_basic_constraints,
                              request.certificateAuthority ? "critical,CA:TRUE" : "CA:FALSE")
        && addExtension(certificate.get(), signer, NID_subject_key_identifier, "hash")
        && (request.hosts.isEmpty()
            || addExtension(
                certificate.get(), signer, NID_subject_alt_name, subjectAltNames(request.hosts)));
    if (!extended)
        return fail("cannot add the certificate's extensions");
    if (X509_sign(certificate.get(), issuerKey ? issuerKey.get() : key.get(), EVP_sha256()) <= 0)
        return fail("cannot sign the certificate");

    const Bio certificateOut(BIO_new(BIO_s_mem()));
    const Bio keyOut(BIO_new(BIO_s_mem()));
    if (!PEM_write_bio_X509(certificateOut.get(), certificate.get())
        || !PEM_write_bio_PrivateKey(
            keyOut.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr))
        return fail("cannot write the certificate");
    return SelfSignedCertificate { readAll(certificateOut.get()), readAll(keyOut.get()) };
}
