#!/usr/bin/env bash
# Installs what Helpy needs on Debian 12 (only what is missing), then configures and builds.
# Usage: scripts/setup.sh [BUILD_DIR]      (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}

packages=(
    cmake ninja-build g++ pkg-config git clang-format clang libclang-rt-14-dev
    qt6-base-dev qt6-base-dev-tools qt6-websockets-dev qt6-declarative-dev qt6-declarative-dev-tools
    # lupdate/lrelease, and the CMake package with qt_add_translations (Qt6LinguistTools)
    qt6-l10n-tools qt6-tools-dev
    libgl-dev libxkbcommon-dev libqt6sql6-sqlite qtkeychain-qt6-dev libhiredis-dev redis-server libssl-dev
    qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-layouts
    qml6-module-qtquick-window qml6-module-qtquick-templates qml6-module-qtquick-dialogs
    qml6-module-qtqml qml6-module-qtqml-workerscript qml6-module-qttest
    qml6-module-qt-labs-platform qml6-module-qtcore qt6-qpa-plugins
    xvfb xauth fonts-dejavu-core
)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "Installing: ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$build_dir" --parallel "$(nproc)"
