// SPDX-License-Identifier: MIT
#include "identifiers.h"

#include <QByteArray>
#include <QRandomGenerator>

namespace {

QString randomHex(int bytes, QRandomGenerator *generator)
{
    QByteArray data(bytes, Qt::Uninitialized);
    for (char &c : data)
        c = char(generator->bounded(256));
    return QString::fromLatin1(data.toHex());
}

} // namespace

namespace Identifiers {

QString userId()
{
    return QStringLiteral("u-") + randomHex(6, QRandomGenerator::global());
}
QString sessionId()
{
    return QStringLiteral("s-") + randomHex(6, QRandomGenerator::global());
}
QString helpyId()
{
    return QStringLiteral("h-") + randomHex(6, QRandomGenerator::global());
}
QString messageId()
{
    return QStringLiteral("m-") + randomHex(8, QRandomGenerator::global());
}
QString epoch()
{
    return randomHex(8, QRandomGenerator::global());
}
QString secretToken()
{
    return randomHex(32, QRandomGenerator::system());
}

QString inviteCode()
{
    static constexpr char alphabet[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    QString code;
    for (int i = 0; i < 8; ++i)
        code.append(
            QLatin1Char(alphabet[QRandomGenerator::system()->bounded(int(sizeof alphabet) - 1)]));
    return code;
}

} // namespace Identifiers
