// SPDX-License-Identifier: MIT
#pragma once

#include <QLocalServer>
#include <QObject>
#include <QString>

/**
 * @brief One Helpy window per user and data directory: a later launch hands its invite link
 * (or just "show yourself") to the running one, as chat apps do, instead of opening a second
 * window that cannot host (the port and the hosted sessions' file are the first one's).
 *
 * The running instance listens on a local socket named after its data directory
 * (keyFor()), so instances with other settings (tests, another user) never meet. A launch
 * calls forward() first; only when no one answers does it listen(). A socket left by an
 * instance that crashed is noticed (no one answers on it) and replaced.
 *
 * The wire is one line each way: the launch sends the link (an empty line: no link) and the
 * running instance answers "ok".
 */
class SingleInstance : public QObject
{
    Q_OBJECT
public:
    explicit SingleInstance(QString key, QObject *parent = nullptr);
    ~SingleInstance() override;

    /// The socket name for the settings kept in `dataDirectory` (AppDataLocation).
    static QString keyFor(const QString &dataDirectory);

    /**
     * Hands `link` (may be empty) to the running instance; true once it said it took it.
     * Blocks for at most `timeoutMs`: called before the window exists.
     */
    bool forward(const QString &link, int timeoutMs = 2000) const;
    /// Becomes the running instance; false when another one answers (or listening failed).
    bool listen();
    bool isListening() const { return m_server.isListening(); }

Q_SIGNALS:
    /// A later launch asked to be shown this window, and to open `link` (empty: none).
    void activationRequested(const QString &link);

private:
    bool listenOnce();
    void onNewConnection();

    QString m_key;
    QLocalServer m_server;
};
