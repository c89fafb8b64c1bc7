// SPDX-License-Identifier: MIT
#include "secretstore.h"

#include "logging.h"

#include <qt6keychain/keychain.h>

SecretStore::SecretStore(const QString &service, const QString &key, QObject *parent)
    : QObject(parent)
    , m_service(service)
    , m_key(key)
{ }

void SecretStore::setAvailable(bool available)
{
    if (m_available == available)
        return;
    m_available = available;
    Q_EMIT availableChanged();
}

void SecretStore::read(std::function<void(const QString &secret)> done)
{
    // No parent: a job must not die in flight (QtKeychain's libsecret backend calls back into
    // it); it deletes itself once finished, and `this` as the context drops a late answer.
    auto *job = new QKeychain::ReadPasswordJob(m_service);
    job->setKey(m_key);
    connect(job, &QKeychain::Job::finished, this, [this, done](QKeychain::Job *finished) {
        auto *reading = static_cast<QKeychain::ReadPasswordJob *>(finished);
        switch (reading->error()) {
        case QKeychain::NoError:
            setAvailable(true);
            done(reading->textData());
            return;
        case QKeychain::EntryNotFound:
            setAvailable(true);
            break;
        default:
            // The message names the backend's problem, never the secret.
            qCInfo(lcClient) << "no secret store:" << reading->errorString();
            setAvailable(false);
            break;
        }
        done({});
    });
    job->start();
}

void SecretStore::write(const QString &secret, std::function<void(bool kept)> done)
{
    QKeychain::Job *job = nullptr;
    if (secret.isEmpty()) {
        job = new QKeychain::DeletePasswordJob(m_service); // no parent: see read()
    } else {
        auto *writing = new QKeychain::WritePasswordJob(m_service); // no parent: see read()
        writing->setTextData(secret);
        job = writing;
    }
    job->setKey(m_key);
    const bool deleting = secret.isEmpty();
    connect(job, &QKeychain::Job::finished, this, [this, done, deleting](QKeychain::Job *finished) {
        const auto error = finished->error();
        const bool kept
            = error == QKeychain::NoError || (deleting && error == QKeychain::EntryNotFound);
        if (!kept)
            qCInfo(lcClient) << "secret store refused:" << finished->errorString();
        setAvailable(kept);
        done(kept);
    });
    job->start();
}
