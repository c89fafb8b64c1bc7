// SPDX-License-Identifier: MIT
#pragma once

#include "protocol.h"

#include <QString>

/**
 * @brief The words a refused request is shown with: the server's own message, except where
 * it is meant for logs rather than people (rate limiting reads "the server is busy").
 */
namespace ErrorText {

/// What to show after "Could not …:" for `error` (no Qt-internal or server-internal detail).
QString reason(const Protocol::Error &error);

} // namespace ErrorText
