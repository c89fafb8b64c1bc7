// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QUrl>

/**
 * @brief Hosting sessions on this computer: a session server the app may be given.
 *
 * The AppController knows only this interface; the desktop app hands it the embedded server
 * (host/), and without one it cannot host. Nothing listens before listen().
 */
class SessionHosting
{
public:
    virtual ~SessionHosting() = default;

    /// Starts listening (nothing to do when it already is); false, see errorString(), if not.
    virtual bool listen() = 0;
    virtual bool isListening() const = 0;
    /// What this computer's client connects to (wss://127.0.0.1:PORT/v1, or ws:// when it
    /// serves no TLS); empty until listening.
    virtual QUrl url() const = 0;
    /// The port listened on; before that, the one listen() asks for (0: any free port).
    virtual quint16 port() const = 0;
    /// Why the last listen() failed.
    virtual QString errorString() const = 0;
    /// The model the hosted Helpy tutors ask (docs/helpy.md); kept for the next listen() too.
    virtual void setHelpyBackend(
        const QString &endpoint, const QString &model, const QString &apiKey)
        = 0;
    /// Whether this computer hosted sessions before (they are kept): the app reopens them at
    /// launch, on the same port, so guests find them again.
    virtual bool hasHostedBefore() const { return false; }
    /// SHA-256 (hex) of the self-signed certificate served: the app pins it for its own
    /// connection and puts it in invite links. Empty while not listening or serving ws://.
    virtual QString certificateFingerprint() const { return {}; }
};
