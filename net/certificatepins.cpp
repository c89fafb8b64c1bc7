// SPDX-License-Identifier: MIT
#include "certificatepins.h"

#include "logging.h"

#include <QCryptographicHash>
#include <QRegularExpression>
#include <QSettings>
#include <QStringList>

QString CertificatePins::fingerprint(const QSslCertificate &certificate)
{
    if (certificate.isNull())
        return {};
    return QString::fromLatin1(certificate.digest(QCryptographicHash::Sha256).toHex());
}

QString CertificatePins::fingerprintOfPem(const QByteArray &pem)
{
    const auto certificates = QSslCertificate::fromData(pem, QSsl::Pem);
    return certificates.isEmpty() ? QString() : fingerprint(certificates.constFirst());
}

QString CertificatePins::normalized(const QString &hex)
{
    static const QRegularExpression separators(QStringLiteral("[:\\s]"));
    static const QRegularExpression sha256(QStringLiteral("^[0-9a-f]{64}$"));
    QString text = hex.toLower();
    text.remove(separators);
    return sha256.match(text).hasMatch() ? text : QString();
}

QString CertificatePins::grouped(const QString &fingerprint)
{
    QStringList groups;
    for (qsizetype i = 0; i < fingerprint.size(); i += 4)
        groups << fingerprint.mid(i, 4).toUpper();
    return groups.join(QLatin1Char(' '));
}

CertificatePins::Verdict CertificatePins::check(
    const QString &address, const QSslCertificate &certificate) const
{
    const QString pinned = pin(address);
    if (pinned.isEmpty())
        return Verdict::Unknown;
    return !certificate.isNull() && fingerprint(certificate) == pinned ? Verdict::Trusted
                                                                       : Verdict::Changed;
}

QString CertificatePins::pin(const QString &address) const
{
    return normalized(QSettings().value(key(address)).toString());
}

void CertificatePins::setPin(const QString &address, const QString &fingerprint)
{
    const QString hex = normalized(fingerprint);
    if (hex.isEmpty())
        return;
    if (pin(address) != hex)
        qCInfo(lcNet) << "pinning the certificate of" << address << "sha256" << hex;
    QSettings().setValue(key(address), hex);
}

void CertificatePins::forget(const QString &address)
{
    QSettings().remove(key(address));
}

QString CertificatePins::key(const QString &address)
{
    // '/' would open a subgroup: an address has none, but a key must not depend on that.
    QString name = address.toLower();
    name.replace(QLatin1Char('/'), QLatin1Char('_'));
    return QLatin1String(Group) + QLatin1Char('/') + name;
}
