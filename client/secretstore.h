// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QString>
#include <functional>

/**
 * @brief Keeps one secret (the Helpy tutors' API key) in the desktop's secret store through
 * QtKeychain (the Secret Service: GNOME Keyring, KWallet), never in a settings file.
 *
 * Every call is asynchronous. Where no secret store answers (no session bus, no keyring
 * daemon, as on a server or in CI) the store says so: `available()` turns false and the
 * caller keeps the secret only for the running app.
 */
class SecretStore : public QObject
{
    Q_OBJECT

public:
    /// `service` names the application in the store; `key` the secret within it.
    SecretStore(const QString &service, const QString &key, QObject *parent = nullptr);

    /// False once the store failed to answer (then nothing is kept across runs).
    bool available() const { return m_available; }

    /// Reads the secret: `done(secret)`, empty when none is kept or the store is missing.
    void read(std::function<void(const QString &secret)> done);
    /// Writes (or, for an empty `secret`, deletes) it: `done(kept)`.
    void write(const QString &secret, std::function<void(bool kept)> done);

Q_SIGNALS:
    void availableChanged();

private:
    void setAvailable(bool available);

    QString m_service;
    QString m_key;
    bool m_available = true;
};
