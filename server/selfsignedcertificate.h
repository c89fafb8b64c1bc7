// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

/**
 * @brief A new certificate and its private key (PEM), made with OpenSSL's libcrypto.
 *
 * Qt can use certificates but not make them: the hosting app makes its own self-signed one on
 * first host (guests pin its SHA-256 fingerprint, docs/operations.md), and tests make theirs,
 * including a small CA and a certificate it signs. Keys are EC P-256: made in a millisecond,
 * and every TLS client of today takes them.
 */
struct SelfSignedCertificate
{
    QByteArray certificatePem;
    QByteArray keyPem;

    /// What to make: the subject's common name, the names and addresses it is valid for
    /// (subjectAltName; "127.0.0.1" and "::1" become IP entries), its life, and whether it
    /// is a CA that signs others.
    struct Request
    {
        QString commonName = QStringLiteral("Helpy");
        QStringList hosts;
        int days = 3650;
        bool certificateAuthority = false;
    };

    /// A certificate signed by its own key, or (with `issuer`) by the issuer's. Null, with
    /// `error` set, when libcrypto fails.
    static std::optional<SelfSignedCertificate> generate(const Request &request,
        const SelfSignedCertificate *issuer = nullptr, QString *error = nullptr);
};
