#!/usr/bin/env bash
# Takes docs/screenshot-list.png: the session list as a chat app shows it, with previews of
# the last message, relative times, unread badges and the hosted mark. Ana hosts three
# sessions on this computer (the app started three times, once per title), then opens the
# app on its session list, and two scripted guests write in two of them.
#   scripts/screenshot-list.sh [BUILD_DIR [OUT]]   (default: build, docs/screenshot-list.png)
# Needs xvfb-run and ImageMagick's `import`; helpy and helpy-demo-client built.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$(cd "${1:-$repo/build}" && pwd)"
out="$(realpath -m "${2:-$repo/docs/screenshot-list.png}")"
width=1040
height=680

if [[ -z "${HELPY_SCREENSHOT_INSIDE_XVFB:-}" ]]; then
    for tool in xvfb-run import; do
        command -v "$tool" >/dev/null || { echo "screenshot-list.sh: $tool is missing" >&2; exit 1; }
    done
    export HELPY_SCREENSHOT_INSIDE_XVFB=1
    exec xvfb-run -a -s "-screen 0 ${width}x${height}x24" bash ${HELPY_SCREENSHOT_TRACE:+-x} "$0" "$build" "$out"
fi

app="$build/app/helpy"
client="$build/tests/app/helpy-demo-client"
work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
export XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" XDG_RUNTIME_DIR="$work" QT_LOGGING_RULES="helpy.*.info=false"
export HELPY_COLOR_SCHEME="${HELPY_COLOR_SCHEME:-light}"

wait_for() { # FILE PATTERN
    for _ in $(seq 200); do
        grep -q -- "$1" "$2" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "screenshot-list.sh: timed out waiting for '$1' in $2" >&2
    cat "$2" >&2 || true
    return 1
}

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("", 0)); print(s.getsockname()[1])')
declare -A codes
server=""
for title in "Biology: photosynthesis" "Algebra revision" "Chemistry lab prep"; do
    "$app" --name "Ana Lima" --host "$port" --title "$title" >"$work/host.out" 2>"$work/host.err" &
    pid=$!
    wait_for "invite code" "$work/host.out"
    read -r server code < <(sed -n 's/^Hosting at \(\S*\) with invite code \(\S*\)$/\1 \2/p' "$work/host.out")
    codes[$title]=$code
    # Earlier messages, read by Ana: previews without a badge.
    "$client" --server "$server" --join "$code" --name "Ben Okafor" --exit-when-done \
        --say "Let's meet here again on Thursday." >"$work/early.out" 2>&1
    kill "$pid"
    wait "$pid" 2>/dev/null || true
done

# The app as Ana opens it the next morning: hosting again, on its session list.
"$app" --name "Ana Lima" >"$work/app.out" 2>"$work/app.err" &
pids+=($!)
sleep 3 # signed in and listed (a screenshot, not a test)

# While Ana looks at the list, two others write in two sessions. (A scripted guest is a new
# identity each time: a name already in the session is refused as too alike.)
"$client" --server "$server" --join "${codes[Algebra revision]}" --name "Cleo Park" \
    --exit-when-done --say "I got x = 4 for question 3." \
    --say "Math Helpy, can you check the factorisation step?" >"$work/cleo.out" 2>&1 || { cat "$work/cleo.out" >&2; exit 1; }
"$client" --server "$server" --join "${codes[Chemistry lab prep]}" --name "Dan Reyes" \
    --exit-when-done --say "Who brings the safety goggles?" --say "And the lab notes?" \
    --say "@Ana Lima can you bring the burette?" >"$work/ben.out" 2>&1 || { cat "$work/ben.out" >&2; exit 1; }
sleep 2
mkdir -p "$(dirname "$out")"
import -window root "$out"
echo "wrote $out"
