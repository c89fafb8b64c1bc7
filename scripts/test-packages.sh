#!/usr/bin/env bash
# Installs (or reinstalls) the two .deb files scripts/package.sh made (apt-get resolves their Depends), then
# checks what got installed: `helpy-server --help`, and the systemd unit's own command line
# (ExecStart, with its installed config) started once, healthy, and stopped with SIGTERM.
# Needs root (or sudo) and apt; meant for a throwaway CI container, not a workstation.
# Usage: scripts/test-packages.sh [DIR]     (default: build-package, where the .deb files are)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build-package}
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

debs=("$dir"/helpy_*.deb "$dir"/helpy-server_*.deb)
for deb in "${debs[@]}"; do
    [ -f "$deb" ] || { echo "test-packages.sh: no $deb; run scripts/package.sh first" >&2; exit 1; }
done
# apt takes a file for a package name only with a path: make each one absolute.
for i in "${!debs[@]}"; do debs[i]=$(realpath "${debs[i]}"); done
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends --reinstall \
    "${debs[@]}"

fail() { echo "test-packages.sh: FAIL: $*" >&2; exit 1; }
command -v helpy-server > /dev/null || fail "helpy-server is not on PATH"
help=$(helpy-server --help) || fail "helpy-server --help"
grep -q -- "--config" <<< "$help" || fail "helpy-server --help does not list --config"
QT_QPA_PLATFORM=offscreen helpy --version > /dev/null || fail "helpy --version"
unit=$(dpkg -L helpy-server | grep 'systemd/system/helpy-server.service$') || fail "no unit in helpy-server"
[ -f /etc/helpy/helpy-server.conf ] || fail "no /etc/helpy/helpy-server.conf"
dpkg -L helpy | grep -q 'applications/helpy.desktop$' || fail "no .desktop in helpy"

# The unit's command line, as systemd would run it, on ports of the OS's choosing (the
# command line wins over the config) and with the state directory systemd would make.
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
$sudo mkdir -p /var/lib/helpy
log=$(mktemp)
# shellcheck disable=SC2086 # ExecStart is a command line: split it as systemd does.
$sudo $exec_start --listen 127.0.0.1:0 --metrics 127.0.0.1:0 > "$log" 2>&1 &
pid=$!
for _ in $(seq 50); do
    grep -q "metrics on http" "$log" && break
    sleep 0.2
done
metrics=$(sed -n 's|.*metrics on \(http://[^ ]*\)/metrics|\1|p' "$log")
[ -n "$metrics" ] || { cat "$log"; fail "the unit's command line did not start"; }
health=$(curl -fsS "$metrics/healthz") || fail "/healthz"
[ "$health" = ok ] || fail "/healthz said $health"
scrape=$(curl -fsS "$metrics/metrics") || fail "/metrics"
grep -q '^helpy_connections 0' <<< "$scrape" || fail "/metrics has no helpy_connections"
$sudo kill -TERM "$pid"
wait "$pid" || fail "helpy-server did not exit cleanly on SIGTERM"
grep -q 'signal 15 received' "$log" || fail "no drain on SIGTERM"
echo "test-packages.sh: both packages install; helpy-server runs from its unit's command line"
