// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QSslCertificate>
#include <QString>

/**
 * @brief Trust on first use for servers with a self-signed certificate, as SSH does for hosts:
 * the SHA-256 fingerprint of each server's certificate, kept per HOST:PORT in the app's
 * settings (QSettings group `certificatePins`).
 *
 * Only certificates Qt could not verify come here: a CA-valid one is accepted as usual. One
 * seen before (pinned) is trusted; one never seen is the user's to confirm (or was pinned
 * from an invite link's `#sha256=`); one that differs from the pin is refused: it may be a
 * machine in the middle, and a server that really changed its certificate is pinned again
 * only from a new invite link or after the user forgets the old pin.
 */
class CertificatePins
{
public:
    enum class Verdict {
        Trusted, ///< the certificate is the one pinned for this address
        Unknown, ///< nothing pinned for this address: ask the user
        Changed, ///< another certificate is pinned for this address: refuse
    };

    /// The settings group the pins live in.
    static constexpr auto Group = "certificatePins";

    /// The certificate's SHA-256 fingerprint, lower-case hex (64 digits).
    static QString fingerprint(const QSslCertificate &certificate);
    /// A fingerprint of PEM text (its first certificate); empty when it holds none.
    static QString fingerprintOfPem(const QByteArray &pem);
    /// `hex` normalised (lower case, without ':' or spaces) when it is a SHA-256 fingerprint;
    /// else empty.
    static QString normalized(const QString &hex);
    /// "AB12 CD34 …": four hex digits a group, for a person to compare.
    static QString grouped(const QString &fingerprint);

    /// What to do with `certificate` met at `address` (HOST:PORT).
    Verdict check(const QString &address, const QSslCertificate &certificate) const;
    /// The fingerprint pinned for `address`; empty when none.
    QString pin(const QString &address) const;
    /// Pins `fingerprint` (normalised; ignored when it is not one) for `address`.
    void setPin(const QString &address, const QString &fingerprint);
    void forget(const QString &address);

private:
    static QString key(const QString &address);
};
