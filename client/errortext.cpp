// SPDX-License-Identifier: MIT
#include "errortext.h"

#include <QCoreApplication>

using namespace Protocol;

QString ErrorText::reason(const Error &error)
{
    switch (error.code) {
    case ErrorCode::RateLimited:
        // The server's text counts requests a second (or invite guesses a minute); the reader
        // needs what to do.
        return QCoreApplication::translate("ErrorText",
            "the server is busy or this was tried too often — wait a minute and try again");
    case ErrorCode::Unavailable:
        // Given up after a minute of retries (WebSocketService): the server's storage is away.
        return QCoreApplication::translate(
            "ErrorText", "the server could not save this for a minute — try again later");
    default:
        return error.message;
    }
}
