// SPDX-License-Identifier: MIT
#pragma once

#include <QSslConfiguration>
#include <QString>

#include <optional>

/**
 * @brief A server's certificate and private key, read from PEM files and checked before the
 * server listens: readable, a certificate and a key, and the key the certificate's.
 *
 * Qt would only find a mismatched pair when the first guest's handshake fails; libcrypto's
 * X509_check_private_key says it at start-up instead, in one sentence.
 */
namespace TlsCredentials {

/// A server-side configuration serving `certificatePath` (its first certificate; the ones
/// after it are sent as the chain) with `keyPath`. Null, with `error` set, when they are
/// unreadable, not PEM, or do not belong together.
std::optional<QSslConfiguration> load(
    const QString &certificatePath, const QString &keyPath, QString *error);

} // namespace TlsCredentials
