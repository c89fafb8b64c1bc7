// SPDX-License-Identifier: MIT
#include "systemdnotify.h"

#include "logging.h"

#include <cerrno>
#include <cstring>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

bool SystemdNotify::notify(const QByteArray &state)
{
    const QByteArray path = qgetenv("NOTIFY_SOCKET");
    if (path.isEmpty())
        return false;
    sockaddr_un address {};
    address.sun_family = AF_UNIX;
    if (path.size() >= qsizetype(sizeof(address.sun_path)) || (path[0] != '/' && path[0] != '@')) {
        qCWarning(lcServer) << "NOTIFY_SOCKET is not a socket path:" << path;
        return false;
    }
    std::memcpy(address.sun_path, path.constData(), size_t(path.size()));
    if (path[0] == '@')
        address.sun_path[0] = '\0'; // an abstract socket
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    const socklen_t length = socklen_t(offsetof(sockaddr_un, sun_path) + size_t(path.size()));
    const ssize_t sent = ::sendto(fd, state.constData(), size_t(state.size()), MSG_NOSIGNAL,
        reinterpret_cast<const sockaddr *>(&address), length);
    const int error = errno;
    ::close(fd);
    if (sent != ssize_t(state.size())) {
        qCWarning(lcServer) << "sd_notify failed:" << std::strerror(error);
        return false;
    }
    return true;
}
