#!/bin/sh
# Builds the libFuzzer targets with clang in a build dir of their own and runs each one for a
# bounded time over its committed seed corpus. Exits non-zero when a target crashed or failed
# a check; the reproducer is then in $BUILD/work/<target>/artifacts/.
#
#   fuzz/run.sh [SECONDS_PER_TARGET]        default 30; env HELPY_FUZZ_BUILD=dir (build-fuzz)
#   Replay one input:  build-fuzz/fuzz_<target> path/to/input
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
seconds=${1:-30}
build=${HELPY_FUZZ_BUILD:-$root/build-fuzz}

CC=clang CXX=clang++ cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    ${HELPY_FUZZ_CMAKE_ARGS:-}
cmake --build "$build"

# The corpus is static: UBSan must abort (libFuzzer then saves the input), Qt must be quiet.
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export QT_LOGGING_RULES='helpy.*=false'
status=0
for target in frame_decoder request_handler websocket; do
    exe=$build/fuzz_$target
    work=$build/work/$target
    mkdir -p "$work/corpus" "$work/artifacts"
    # New inputs go to the work corpus (first directory); the committed seeds stay as they are.
    if ! "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
        -dict="$here/protocol.dict" -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
        "$work/corpus" "$here/corpus/$target"; then
        echo "fuzz_$target FAILED: reproducer in $work/artifacts/" >&2
        status=1
    fi
done
exit $status
