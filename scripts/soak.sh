#!/usr/bin/env bash
# A bounded soak (issue 11): one helpy-server on 127.0.0.1 (SQLite, the default storage) with
# well-behaved chat clients beside a list_sessions flooder, a reconnect flapper, an invite
# guesser and ten connections that never read. Prints the chat latency every 10 s, then the
# server's memory. Loopback only; stops by itself.
#   scripts/soak.sh [SECONDS] [CLIENTS] [--calm]   (default 120 s, 20 clients; needs a build)
#   --calm: the chat clients alone, the baseline the mix's latency compares with
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-120}
clients=${2:-20}
calm=${3:-}
build=${HELPY_BUILD:-build}
cmake --build "$build" --target helpy-server helpy-soak >/dev/null

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$build/app/helpy-server" --listen "127.0.0.1:$port" --data "$work/soak.sqlite" --heartbeat-interval 5 \
    > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 50); do
    grep -q "listening on" "$work/server.log" && break
    sleep 0.1
done

"$build/bench/helpy-soak" --url "ws://127.0.0.1:$port/v1" --seconds "$seconds" --clients "$clients" $calm
echo "server: $(grep -E '^(VmRSS|VmHWM)' /proc/$server/status | tr -s ' \n' ' ')"
echo "server log: $(grep -ciE 'warn|critical' "$work/server.log") warnings; last lines:"
tail -3 "$work/server.log"
