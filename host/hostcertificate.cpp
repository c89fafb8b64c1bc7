// SPDX-License-Identifier: MIT
#include "hostcertificate.h"

#include "certificatepins.h"
#include "logging.h"
#include "selfsignedcertificate.h"
#include "tlscredentials.h"

#include <QDir>
#include <QFile>
#include <QSysInfo>

namespace {

bool writeFile(const QString &path, const QByteArray &data, QFileDevice::Permissions permissions,
    QString *error)
{
    QFile::remove(path); // a broken old one: made anew, with these permissions
    QFile file(path);
    // Created with these permissions: the key is never readable by others, not even briefly.
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly, permissions)
        || file.write(data) != data.size() || !file.flush()) {
        *error = QStringLiteral("%1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

} // namespace

HostCertificate::HostCertificate(QString directory)
    : m_directory(std::move(directory))
{ }

QString HostCertificate::certificatePath() const
{
    return m_directory + QStringLiteral("/hosting-certificate.pem");
}

QString HostCertificate::keyPath() const
{
    return m_directory + QStringLiteral("/hosting-key.pem");
}

bool HostCertificate::ensure()
{
    m_error.clear();
    if (QFile::exists(certificatePath()) || QFile::exists(keyPath())) {
        QString problem;
        if (TlsCredentials::load(certificatePath(), keyPath(), &problem)) {
            QFile file(certificatePath());
            file.open(QIODevice::ReadOnly);
            m_fingerprint = CertificatePins::fingerprintOfPem(file.readAll());
            return true;
        }
        // Guests who pinned the old one are told it changed: that is the truth.
        qCWarning(lcHost).noquote() << "making a new hosting certificate:" << problem;
    }
    return generate();
}

bool HostCertificate::generate()
{
    if (!QDir().mkpath(m_directory)) {
        m_error = QStringLiteral("cannot create %1").arg(m_directory);
        return false;
    }
    SelfSignedCertificate::Request request;
    const QString machine = QSysInfo::machineHostName();
    request.commonName = QStringLiteral("Helpy host %1").arg(machine);
    request.hosts = { QStringLiteral("localhost"), QStringLiteral("127.0.0.1") };
    if (!machine.isEmpty() && machine != QLatin1String("localhost"))
        request.hosts << machine;
    const auto made = SelfSignedCertificate::generate(request, nullptr, &m_error);
    if (!made)
        return false;
    // The key first: a certificate without its key would be read as a broken pair.
    if (!writeFile(keyPath(), made->keyPem, QFile::ReadOwner | QFile::WriteOwner, &m_error)
        || !writeFile(certificatePath(), made->certificatePem,
            QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther, &m_error))
        return false;
    m_fingerprint = CertificatePins::fingerprintOfPem(made->certificatePem);
    qCInfo(lcHost) << "made a hosting certificate, sha256" << m_fingerprint;
    return true;
}
