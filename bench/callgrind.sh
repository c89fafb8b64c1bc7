#!/usr/bin/env bash
# Instruction count of one add_participant fanned out to 100 clients, and of one send_message
# in a session of 5 (server + in-process clients' receipt), measured by callgrind so that it
# does not depend on machine noise.
# Usage: bench/callgrind.sh [build-dir]   (default: build-bench next to bench/)
# Prints "fanout_instructions_total=N" and the server-side inclusive counts.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build-bench}
driver=$build/helpy-fanout-driver
[[ -x $driver ]] || { echo "callgrind.sh: $driver is not built (ninja -C $build helpy-fanout-driver)" >&2; exit 2; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out/callgrind.out" \
    "$driver" >"$out/stdout" 2>"$out/valgrind.log" || { cat "$out/valgrind.log" >&2; exit 1; }
annotated=$(callgrind_annotate --inclusive=yes --threshold=100 "$out/callgrind.out" 2>/dev/null)
total=$(echo "$annotated" | grep 'PROGRAM TOTALS' | awk '{gsub(",","",$1); print $1}')
inclusive() { # symbol pattern -> inclusive Ir
    echo "$annotated" | grep -F "$1" | head -1 | awk '{gsub(",","",$1); print $1}'
}
echo "fanout_instructions_total=${total}"
echo "server_onTextMessage_inclusive=$(inclusive 'SessionServer::Private::onTextMessage')"
echo "server_publish_inclusive=$(inclusive 'Transactions::publish')"
echo "qwebsocket_sendTextMessage_inclusive=$(inclusive 'QWebSocket::sendTextMessage')"
echo "glib_unregisterSocketNotifier_inclusive=$(inclusive 'QEventDispatcherGlib::unregisterSocketNotifier')"
# The same window under Qt's UNIX event dispatcher (proposed for helpy-server, see docs).
# A study group's chat: one send_message in a session of 5 (the many-rooms load, per message).
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out/callgrind-message.out" \
    "$driver" --message --clients 5 >/dev/null 2>"$out/valgrind-message.log" \
    || { cat "$out/valgrind-message.log" >&2; exit 1; }
message=$(callgrind_annotate --inclusive=yes --threshold=100 "$out/callgrind-message.out" 2>/dev/null)
echo "message_to_5_instructions_total=$(echo "$message" | grep 'PROGRAM TOTALS' \
    | awk '{gsub(",","",$1); print $1}')"
echo "message_to_5_server_onTextMessage_inclusive=$(echo "$message" \
    | grep -F 'SessionServer::Private::onTextMessage' | head -1 | awk '{gsub(",","",$1); print $1}')"
if [[ -z ${QT_NO_GLIB:-} ]]; then
    QT_NO_GLIB=1 valgrind --tool=callgrind --instr-atstart=no \
        --callgrind-out-file="$out/callgrind-noglib.out" "$driver" >/dev/null 2>&1
    noglib=$(callgrind_annotate "$out/callgrind-noglib.out" 2>/dev/null \
        | grep 'PROGRAM TOTALS' | awk '{gsub(",","",$1); print $1}')
    echo "fanout_instructions_total_with_QT_NO_GLIB=${noglib}"
fi
if [[ -n ${CALLGRIND_TOP:-} ]]; then
    echo "--- top inclusive"
    echo "$annotated" | sed -n '1,60p'
fi
