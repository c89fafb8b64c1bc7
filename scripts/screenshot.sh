#!/usr/bin/env bash
# Takes docs/screenshot.png: the desktop app hosting a session with several participants
# (two scripted guests, a Helpy answering from a fake tutor model, a few messages, someone
# typing), under Xvfb.
#   scripts/screenshot.sh [BUILD_DIR [OUT]]   (default: build, docs/screenshot.png;
#                                              needs helpy and helpy-demo-client)
# Needs xvfb-run and ImageMagick's `import`.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$(cd "${1:-$repo/build}" && pwd)"
out="$(realpath -m "${2:-$repo/docs/screenshot.png}")"
width=1040
height=680

if [[ -z "${HELPY_SCREENSHOT_INSIDE_XVFB:-}" ]]; then
    for tool in xvfb-run import; do
        command -v "$tool" >/dev/null || { echo "screenshot.sh: $tool is missing" >&2; exit 1; }
    done
    export HELPY_SCREENSHOT_INSIDE_XVFB=1
    # The screen is the window's size: the window fills it, no cropping needed.
    exec xvfb-run -a -s "-screen 0 ${width}x${height}x24" "$0" "$build" "$out"
fi

app="$build/app/helpy"
client="$build/tests/app/helpy-demo-client"
tutor="$build/tests/app/helpy-fake-tutor"
for binary in "$app" "$client" "$tutor"; do
    [[ -x "$binary" ]] || { echo "screenshot.sh: $binary is not built" >&2; exit 1; }
done

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

# Wait until FILE contains PATTERN (at most ~20 s).
wait_for() {
    local file=$1 pattern=$2
    for _ in $(seq 200); do
        grep -q -- "$pattern" "$file" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "screenshot.sh: timed out waiting for '$pattern' in $file" >&2
    cat "$file" >&2 || true
    return 1
}

# The Helpy answers from a fake tutor model (labelled so in its answer), set as the app's
# Helpy tutors address before it starts.
"$tutor" --interval 15 --answer "(Fake tutor model, for this screenshot) Nearly: x² + 5x + 6 \
factorises as (x + 2)(x + 3), so the roots are x = -2 and x = -3. Check by expanding: \
x² + 3x + 2x + 6." >"$work/tutor.out" 2>&1 &
pids+=($!)
wait_for "$work/tutor.out" "listening at"
mkdir -p "$XDG_CONFIG_HOME/Helpy"
printf '[helpy]\nendpoint=%s\n' "$(sed -n 's/^listening at //p' "$work/tutor.out")" \
    >"$XDG_CONFIG_HOME/Helpy/helpy.conf"

"$app" --name "Ana Lima" --host 0 --title "Algebra revision" >"$work/host.out" 2>"$work/host.err" &
pids+=($!)
wait_for "$work/host.out" "invite code"
read -r server code < <(sed -n 's/^Hosting at \(\S*\) with invite code \(\S*\)$/\1 \2/p' "$work/host.out")
echo "hosting at $server, invite code $code"

guest() { # NAME OUTFILE ARGS...
    local name=$1 log=$2
    shift 2
    "$client" --server "$server" --join "$code" --name "$name" "$@" >"$log" 2>&1 &
    pids+=($!)
    wait_for "$log" "ready"
}

# Ana adds the Helpy (only owners and moderators may): a second connection of hers, with
# the identity token the app keeps in its settings.
token=$(sed -n 's/^[0-9a-f]\{40\}=\(.*\)$/\1/p' "$XDG_CONFIG_HOME/Helpy/helpy.conf" | head -1)
[[ -n "$token" ]] || { echo "screenshot.sh: the host's token is not in its settings" >&2; exit 1; }
guest "Ana Lima" "$work/ana.out" --token "$token" --add-helpy "Math Helpy" --exit-when-done
guest "Ben Okafor" "$work/ben.out" --say "Hi all! Can we go over question 3 first?" --typing
guest "Cleo Park" "$work/cleo.out" --say "Sure, I got x = 4 for that one." \
    --say "Math Helpy, can you check the factorisation step?"
# Dan joins and drops off again: his presence shows as reconnecting.
"$client" --server "$server" --join "$code" --name "Dan Reyes" --exit-when-done \
    >"$work/dan.out" 2>&1

sleep 3 # let the Helpy's answer finish and the window draw it (a screenshot, not a test)
mkdir -p "$(dirname "$out")"
import -window root "$out"
echo "wrote $out"
