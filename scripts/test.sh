#!/usr/bin/env bash
# Sets up, builds and runs every check, headless: style (clang-format, qmllint), the
# libFuzzer targets for a short bounded time, then every test (ctest, last).
#   HELPY_FUZZ_SECONDS=N   seconds per fuzz target (default 20; 0 skips fuzzing)
#   HELPY_TEST_PACKAGES=1  also build both .deb files and install them (this machine's apt!);
#                          on by default when CI=true (a throwaway machine, as root)
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
if ! ctest --test-dir build --output-on-failure --parallel "$(nproc)" --timeout 300; then
    # A failing test's whole output can be long: its failures once more, last, where a
    # truncated log still shows them.
    echo "== what failed"
    grep -h -B1 -A3 -E "^(FAIL!|XPASS)" build/Testing/Temporary/LastTest.log | cut -c1-400 || true
    exit 1
fi

test_packages=${HELPY_TEST_PACKAGES:-${CI:-false}}
if [ "$test_packages" = 1 ] || [ "$test_packages" = true ]; then
    echo "== packages: build both .deb files, install them with apt, run what they installed"
    for p in dpkg-dev curl; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" && continue
        sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$p"
    done
    JOBS=$(nproc) scripts/package.sh build-package > build/package.log 2>&1 || { tail -50 build/package.log; exit 1; }
    grep -A3 '^== ' build/package.log
    scripts/test-packages.sh build-package
fi
