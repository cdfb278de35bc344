#!/usr/bin/env bash
# The test suite under AddressSanitizer + UndefinedBehaviorSanitizer (with
# LeakSanitizer): configures build-asan/ (RUNEXP_SANITIZE=address,undefined,
# cmake/Sanitizers.cmake), builds it and runs ctest there. .ci/run calls it
# after scripts/test.sh.
#
# Sanitizer reports go to files (build-asan/sanitizer-logs/), not only to the
# failing test's output: a test that expects runexp to fail would otherwise
# pass on a crash of a child process. ASan and LSan write there through
# log_path; g++'s UBSan ignores log_path, so every binary of this build carries
# cmake/sanitizers/ubsan_log_hook.cc, which writes each UBSan report there too
# (tests/sanitizers/ checks all three). Any report fails this script, and it
# prints them all at the end.
#
# Usage: test-sanitizers.sh [ctest arguments...]   e.g. -R Checkpoint
# RUNEXP_ASAN_BUILD_DIR overrides the build folder.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${RUNEXP_ASAN_BUILD_DIR:-$ROOT/build-asan}
SUPP=$ROOT/scripts/sanitizers

# Packages and data (idempotent, about a second when nothing is missing).
"$ROOT/scripts/install-packages.sh"
"$ROOT/scripts/fetch-data.sh"

# -Og -g1 without NDEBUG: assertions on, stack traces with file:line, and half
# the compile time of -O1 -g (measured on engine/cli/cmd_compare.cc: 17.7 s
# against 37.5 s; Release -O3 takes 15.6 s) while the numerics stay fast
# enough (the GEMMs run in Debian's uninstrumented oneDNN anyway).
# Werror: the sanitizer build must be free of warnings too. No benchmarks.
# No unity batches (cmake/UnityBuild.cmake): every file compiles alone, so a
# file that relies on another's #include fails here even though the Release
# build, which batches them, would not notice; and ASan's init-order check
# sees every file's globals as their own. That costs about 4 minutes of CI
# (840 against 605 s to build on a clean clone, 2 cores).
# Configured every time (a few seconds) so that an older build-asan/ follows
# these settings.
started=$(date +%s)
cmake -S "$ROOT" -B "$BUILD" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-Og -g1" \
  -DRUNEXP_SANITIZE=address,undefined -DRUNEXP_WERROR=ON -DRUNEXP_BUILD_BENCH=OFF \
  -DRUNEXP_UNITY_BUILD=OFF >/dev/null
cmake --build "$BUILD" -j "$(nproc)"
built=$(date +%s)
echo "test-sanitizers: build took $((built - started)) s"

LOGS=$BUILD/sanitizer-logs
rm -rf "$LOGS" && mkdir -p "$LOGS"
# halt_on_error: the first report ends the process (UBSan: also through
# -fno-sanitize-recover=undefined). The rest are extra checks that cost little.
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=0:detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1:detect_invalid_pointer_pairs=0:strict_string_checks=1:print_summary=1:log_path=$LOGS/asan"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:report_error_type=1:suppressions=$SUPP/ubsan.supp:log_path=$LOGS/ubsan"
export LSAN_OPTIONS="suppressions=$SUPP/lsan.supp:print_suppressions=0"

status=0
(cd "$BUILD" && ctest --output-on-failure -j "$(nproc)" "$@") || status=$?
echo "test-sanitizers: tests took $(($(date +%s) - built)) s"

reports=$(find "$LOGS" -type f | sort)
if [ -n "$reports" ]; then
  for report in $reports; do
    echo "=== sanitizer report $report"
    cat "$report"
  done
  echo "test-sanitizers: $(echo "$reports" | wc -l) sanitizer report(s), see above" >&2
  exit 1
fi
if [ "$status" -ne 0 ]; then
  echo "test-sanitizers: ctest failed (exit $status)" >&2
  exit "$status"
fi
echo "test-sanitizers: all tests passed under AddressSanitizer + UndefinedBehaviorSanitizer, no reports"
