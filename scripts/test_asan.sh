#!/usr/bin/env bash
# Builds every unit-test executable with AddressSanitizer + UndefinedBehaviorSanitizer
# (the `asan` preset) and runs them. The end-to-end tests (ctest label e2e) run in the
# release build; they spawn the cratio binary hundreds of times and would only repeat the
# unit tests' coverage at ASan's cost. See docs/RELIABILITY.md for the time this takes.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
cmake --preset asan >/dev/null
units=$(ninja -C build/asan -t targets all | sed -n 's/^\(cratio_[a-z]*_test\): .*/\1/p' |
        grep -v '^cratio_e2e_test$' | sort -u)
cmake --build --preset asan --target $units
built=$(date +%s)
# halt_on_error: the first finding fails the test; leaks are findings too.
export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
ctest --preset asan -j"$(nproc)" --timeout 900 -LE e2e -E '_NOT_BUILT$'
echo "asan: build $((built - start)) s, tests $(($(date +%s) - built)) s"
