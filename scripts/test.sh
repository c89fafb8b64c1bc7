#!/usr/bin/env bash
# Sets up, builds and runs every check, headless: style (clang-format, qmllint), the
# libFuzzer targets for a short bounded time, then every test (ctest, last).
#   HELPY_FUZZ_SECONDS=N   seconds per fuzz target (default 20; 0 skips fuzzing)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
export QT_QPA_PLATFORM=offscreen

echo "== clang-format"
git ls-files '*.cpp' '*.h' | xargs clang-format --dry-run -Werror

echo "== qmllint"
cmake --build build --target all_qmllint

fuzz_seconds=${HELPY_FUZZ_SECONDS:-20}
if [ "$fuzz_seconds" -gt 0 ]; then
    echo "== fuzzing, ${fuzz_seconds} s per target"
    fuzz/run.sh "$fuzz_seconds" > build/fuzz.log 2>&1 || { tail -50 build/fuzz.log; exit 1; }
    grep -E "^(stat::number_of_executed_units|fuzz_)" build/fuzz.log || true
fi

echo "== tests"
ctest --test-dir build --output-on-failure --parallel "$(nproc)" --timeout 300
