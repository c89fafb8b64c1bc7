# Two Debian packages from one build (scripts/package.sh): `helpy`, the desktop app with its
# icon and .desktop entry, and `helpy-server`, the headless server with its systemd unit and
# config. Each install() rule names its component: desktop or server.
#
# Depends: dpkg-shlibdeps finds the libraries the executables link (Qt, hiredis, libc). What
# is loaded at run time it cannot see is listed by hand: the QML modules the app imports,
# the Qt SQLite driver and the platform plugins.
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "helpy")
set(CPACK_PACKAGE_VENDOR "Helpy")
set(CPACK_PACKAGE_CONTACT "Helpy Desktop team <helpy@example.org>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# Each package has its own summary (the first line of its description below).
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)

set(CPACK_COMPONENTS_ALL desktop server)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION "net")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/helpy/helpy-desktop")

set(CPACK_DEBIAN_DESKTOP_PACKAGE_NAME "helpy")
set(CPACK_DEBIAN_DESKTOP_PACKAGE_SECTION "education")
set(CPACK_DEBIAN_DESKTOP_DESCRIPTION
    "Helpy Desktop: live study-session group chat\nHost or join live study sessions with your group and Helpy AI tutors.")
set(CPACK_DEBIAN_DESKTOP_PACKAGE_DEPENDS
    "qml6-module-qtquick, qml6-module-qtquick-controls, qml6-module-qtquick-layouts, qml6-module-qtquick-window, qml6-module-qtquick-templates, qml6-module-qtquick-dialogs, qml6-module-qtqml-workerscript, qml6-module-qt-labs-platform, qml6-module-qtcore, qt6-qpa-plugins, libqt6sql6-sqlite")

set(CPACK_DEBIAN_SERVER_PACKAGE_NAME "helpy-server")
set(CPACK_DEBIAN_SERVER_DESCRIPTION
    "Helpy session server, headless\nThe single source of truth for Helpy group study sessions, run as a systemd\nservice, with /healthz and Prometheus /metrics.")
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "libqt6sql6-sqlite")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
    "${PROJECT_SOURCE_DIR}/resources/debian/conffiles"
    "${PROJECT_SOURCE_DIR}/resources/debian/postinst"
    "${PROJECT_SOURCE_DIR}/resources/debian/prerm"
    "${PROJECT_SOURCE_DIR}/resources/debian/postrm")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
