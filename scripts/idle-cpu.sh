#!/usr/bin/env bash
# What the app costs while nothing happens: starts helpy, lets it settle, then reads its CPU
# time from /proc/PID/stat over a window and prints the CPU % (of one core), for two pages:
# the sign-in page, and a session page (hosting a session on a free port).
#   scripts/idle-cpu.sh [BUILD_DIR]      (default: build)
#   HELPY_IDLE_SETTLE=6 HELPY_IDLE_SECONDS=10   seconds to settle (from launch), seconds measured
#   HELPY_IDLE_PLATFORM=offscreen               instead of a real X server (xvfb-run)
# Prints e.g. "sign-in page: 0.0 % CPU over 10 s"; exits 1 if a page used more than
# HELPY_IDLE_MAX (default 0.5) %.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
helpy="$build_dir/app/helpy"
settle=${HELPY_IDLE_SETTLE:-6} # 5 s idle after ~1 s to start and show the page
seconds=${HELPY_IDLE_SECONDS:-10}
max=${HELPY_IDLE_MAX:-0.5}
[ -x "$helpy" ] || { echo "no $helpy: build first" >&2; exit 2; }

# A settings directory of its own: no remembered name, server or hosted sessions.
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export XDG_CONFIG_HOME="$home/config" XDG_DATA_HOME="$home/data" XDG_CACHE_HOME="$home/cache"
export XDG_RUNTIME_DIR="$home/runtime" && mkdir -m 700 -p "$XDG_RUNTIME_DIR"

run() {
    if [ -n "${HELPY_IDLE_PLATFORM:-}" ]; then
        QT_QPA_PLATFORM=$HELPY_IDLE_PLATFORM "$@"
    else
        xvfb-run -a -s "-screen 0 1280x800x24" "$@"
    fi
}

ticks() { # utime + stime of PID, in clock ticks
    awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

find_helpy() { # the helpy process under PID (itself or a descendant)
    if [ "$(cat "/proc/$1/comm" 2>/dev/null)" = helpy ]; then echo "$1"; return 0; fi
    local child
    for child in $(pgrep -P "$1"); do
        find_helpy "$child" && return 0
    done
    return 1
}

# measure LABEL ARGS...: starts helpy with ARGS, prints its CPU % once settled.
measure() {
    local label=$1
    shift
    run "$helpy" "$@" > "$home/$label.log" 2>&1 &
    local launcher=$!
    local pid=""
    for _ in $(seq 50); do # under xvfb-run, helpy is a grandchild: find it in the tree
        pid=$(find_helpy "$launcher" || true)
        [ -n "$pid" ] && break
        sleep 0.1
    done
    [ -n "$pid" ] || { echo "$label: helpy did not start" >&2; cat "$home/$label.log" >&2; return 1; }
    sleep "$settle"
    local hz before after
    hz=$(getconf CLK_TCK)
    before=$(ticks "$pid")
    sleep "$seconds"
    after=$(ticks "$pid")
    kill "$pid" 2>/dev/null || true
    wait "$launcher" 2>/dev/null || true
    local percent
    percent=$(awk -v t=$((after - before)) -v hz="$hz" -v s="$seconds" \
        'BEGIN { printf "%.1f", 100 * t / hz / s }')
    echo "$label: $percent % CPU over $seconds s (after $settle s to settle)"
    awk -v p="$percent" -v m="$max" 'BEGIN { exit !(p <= m) }'
}

status=0
measure "sign-in page" || status=1
measure "session page" --host 0 --name Idle --title "Idle session" || status=1
exit $status
