#!/usr/bin/env bash
# Builds the two Debian packages, helpy and helpy-server, with CPack (cmake/packaging.cmake):
# a Release build of the programs and their libraries (no tests, no benchmarks), under /usr, Depends computed by
# dpkg-shlibdeps. Needs dpkg-dev (dpkg-shlibdeps) and what scripts/setup.sh installs.
# Usage: scripts/package.sh [BUILD_DIR]     (default: build-package; the .deb files land in it)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build-package}

command -v dpkg-shlibdeps > /dev/null || {
    echo "package.sh: dpkg-shlibdeps is missing (apt-get install dpkg-dev)" >&2
    exit 1
}
launcher=()
command -v ccache > /dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
    -DBUILD_TESTING=OFF -DHELPY_PARTS="net;server;models;client;host;qml;app;resources" \
    "${launcher[@]}"
cmake --build "$build_dir" --parallel "${JOBS:-2}"
(cd "$build_dir" && rm -f ./*.deb && cpack -G DEB)
for deb in "$build_dir"/*.deb; do
    echo "== $deb"
    dpkg-deb --field "$deb" Package Version Depends
done
