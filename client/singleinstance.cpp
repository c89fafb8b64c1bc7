// SPDX-License-Identifier: MIT
#include "singleinstance.h"

#include "logging.h"

#include <QCryptographicHash>
#include <QLocalSocket>

namespace {

/// A link is one short line; anything longer is not one of ours.
constexpr qint64 MaxLineBytes = 4096;

} // namespace

SingleInstance::SingleInstance(QString key, QObject *parent)
    : QObject(parent)
    , m_key(std::move(key))
{
    m_server.setSocketOptions(QLocalServer::UserAccessOption);
    connect(&m_server, &QLocalServer::newConnection, this, &SingleInstance::onNewConnection);
}

SingleInstance::~SingleInstance() = default;

QString SingleInstance::keyFor(const QString &dataDirectory)
{
    const QByteArray hash
        = QCryptographicHash::hash(dataDirectory.toUtf8(), QCryptographicHash::Sha256).toHex();
    return QStringLiteral("helpy-") + QString::fromLatin1(hash.left(16));
}

bool SingleInstance::forward(const QString &link, int timeoutMs) const
{
    QLocalSocket socket;
    socket.connectToServer(m_key);
    if (!socket.waitForConnected(timeoutMs))
        return false; // no one runs (or a crashed one's socket is left: listen() replaces it)
    socket.write(link.simplified().toUtf8() + '\n');
    if (!socket.waitForBytesWritten(timeoutMs))
        return false;
    while (!socket.canReadLine()) {
        if (!socket.waitForReadyRead(timeoutMs))
            return false;
    }
    return socket.readLine().trimmed() == "ok";
}

bool SingleInstance::listen()
{
    if (listenOnce()) {
        qCInfo(lcClient) << "this window opens the links of later launches";
        return true;
    }
    return false;
}

bool SingleInstance::listenOnce()
{
    if (m_server.listen(m_key))
        return true;
    if (m_server.serverError() != QAbstractSocket::AddressInUseError) {
        qCWarning(lcClient) << "cannot listen for later launches:" << m_server.errorString();
        return false;
    }
    QLocalSocket probe;
    probe.connectToServer(m_key);
    if (probe.waitForConnected(500)) {
        probe.abort();
        return false; // another instance runs
    }
    // A socket without a listener: an instance that crashed left it.
    QLocalServer::removeServer(m_key);
    if (!m_server.listen(m_key)) {
        qCWarning(lcClient) << "cannot listen for later launches:" << m_server.errorString();
        return false;
    }
    return true;
}

void SingleInstance::onNewConnection()
{
    while (QLocalSocket *socket = m_server.nextPendingConnection()) {
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] {
            if (!socket->canReadLine()) {
                if (socket->bytesAvailable() > MaxLineBytes)
                    socket->abort();
                return;
            }
            const QString link = QString::fromUtf8(socket->readLine(MaxLineBytes)).trimmed();
            socket->write("ok\n");
            socket->disconnectFromServer();
            qCInfo(lcClient).noquote() << "a later launch handed over"
                                       << (link.isEmpty() ? QStringLiteral("(no link)") : link);
            Q_EMIT activationRequested(link);
        });
    }
}
