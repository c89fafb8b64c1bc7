// SPDX-License-Identifier: MIT
#pragma once

#include "protocol.h"

#include <QString>

/**
 * @brief The words a refused request is shown with: the server's own message (English, from
 * the server), except where it is meant for logs rather than people (rate limiting reads "the
 * server is busy"), and except in a translated UI, which says what the error code means in
 * its own language.
 */
namespace ErrorText {

/// What to show after "Could not …:" for `error` (no Qt-internal or server-internal detail).
QString reason(const Protocol::Error &error);

} // namespace ErrorText
