// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

/**
 * @brief The hosting app's own TLS certificate: made (self-signed) the first time this
 * computer hosts, kept next to the hosted sessions in `directory` (certificate.pem, and
 * key.pem readable by its owner only), and reused from then on, so that the fingerprint
 * guests pinned stays true.
 */
class HostCertificate
{
public:
    explicit HostCertificate(QString directory);

    /// Makes the pair when there is none (or it is unreadable); false, see errorString().
    bool ensure();
    QString certificatePath() const;
    QString keyPath() const;
    /// SHA-256 of the certificate, lower-case hex; empty before ensure() succeeded.
    QString fingerprint() const { return m_fingerprint; }
    QString errorString() const { return m_error; }

private:
    bool generate();

    QString m_directory;
    QString m_fingerprint;
    QString m_error;
};
