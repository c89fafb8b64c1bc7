// SPDX-License-Identifier: MIT
#include "errortext.h"

#include <QCoreApplication>

using namespace Protocol;

namespace {

/// What a code means, in a sentence that fits after "Could not …:".
const char *meaningOf(ErrorCode code)
{
    switch (code) {
    case ErrorCode::BadRequest:
        return QT_TRANSLATE_NOOP("ErrorText", "the server did not understand the request");
    case ErrorCode::UnsupportedProtocol:
        return QT_TRANSLATE_NOOP(
            "ErrorText", "this app and the server do not speak the same version — update Helpy");
    case ErrorCode::NotAuthenticated:
        return QT_TRANSLATE_NOOP("ErrorText", "you are not signed in to this server");
    case ErrorCode::NotFound:
        return QT_TRANSLATE_NOOP("ErrorText", "it does not exist (any more)");
    case ErrorCode::Forbidden:
        return QT_TRANSLATE_NOOP("ErrorText", "you may not do that in this session");
    case ErrorCode::Conflict:
        return QT_TRANSLATE_NOOP(
            "ErrorText", "it clashes with a change made in the meantime — try again");
    case ErrorCode::LimitExceeded:
        return QT_TRANSLATE_NOOP("ErrorText", "a limit of the server was reached");
    case ErrorCode::RateLimited:
        return QT_TRANSLATE_NOOP("ErrorText",
            "the server is busy or this was tried too often — wait a minute and try again");
    case ErrorCode::TooLarge:
        return QT_TRANSLATE_NOOP("ErrorText", "it is too large");
    case ErrorCode::Internal:
        return QT_TRANSLATE_NOOP("ErrorText", "the server ran into an internal error");
    case ErrorCode::Unavailable:
        return QT_TRANSLATE_NOOP(
            "ErrorText", "the server could not save this for a minute — try again later");
    }
    return QT_TRANSLATE_NOOP("ErrorText", "the server refused");
}

} // namespace

QString ErrorText::reason(const Error &error)
{
    const char *meaning = meaningOf(error.code);
    const QString translated = QCoreApplication::translate("ErrorText", meaning);
    // The server counts requests a second (or invite guesses a minute); the reader needs
    // what to do. An `unavailable` reaches the reader only once the outbox gave up retrying
    // (WebSocketService): the server's sentence would say less than this one.
    if (error.code == ErrorCode::RateLimited || error.code == ErrorCode::Unavailable
        || error.message.isEmpty())
        return translated;
    // The server's sentence says the most, but in English: a UI in another language says
    // what the code means in its own words instead.
    return translated != QLatin1String(meaning) ? translated : error.message;
}
