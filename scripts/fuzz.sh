#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, clang with ASan + UBSan, in build-fuzz/)
# and runs each for SECONDS (default 30), one after the other. Fails on the
# first crash, leak, timeout (>10 s for one input) or out-of-memory (a single
# allocation over 256 MB, or 1 GB resident): the input that did it is saved
# under build-fuzz/artifacts/TARGET/ and the command to reproduce it printed.
#
#   scripts/fuzz.sh            # 30 s per target (CI)
#   scripts/fuzz.sh 3600       # longer runs on demand
#   FUZZ_TARGETS="idx_fuzzer" scripts/fuzz.sh 600
#
# Each target starts from its committed seeds (fuzz/seeds/TARGET, see
# fuzz/README.md) and keeps what it learns in build-fuzz/corpus/TARGET, so
# later runs on the same machine continue from there.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SECONDS_PER_TARGET=${1:-30}
BUILD=${RUNEXP_FUZZ_BUILD_DIR:-$ROOT/build-fuzz}
TARGETS=${FUZZ_TARGETS:-idx_fuzzer experiment_fuzzer overrides_fuzzer checkpoint_fuzzer}

"$ROOT/scripts/install-packages.sh"
if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRUNEXP_BUILD_FUZZERS=ON \
    -DRUNEXP_BUILD_TESTS=OFF -DRUNEXP_BUILD_BENCH=OFF >/dev/null
fi
cmake --build "$BUILD" --target fuzzers -j 2

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# Seeds beside the committed ones: the 499 invalid toml-test documents that
# tests/config already holds.
extra_seeds() {
  case $1 in
    experiment_fuzzer) echo "$ROOT/tests/config/toml-test-invalid" ;;
  esac
}
# Longest input tried: a little more than the largest seed.
max_len() {
  case $1 in
    idx_fuzzer) echo 8192 ;;
    experiment_fuzzer) echo 4096 ;;
    overrides_fuzzer) echo 1024 ;;
    checkpoint_fuzzer) echo 40000 ;;
  esac
}

status=0
for target in $TARGETS; do
  corpus=$BUILD/corpus/$target
  artifacts=$BUILD/artifacts/$target
  log=$BUILD/logs/$target.log
  mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
  # shellcheck disable=SC2046
  if "$BUILD/fuzz/$target" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 \
      -rss_limit_mb=1024 -malloc_limit_mb=256 -max_len="$(max_len "$target")" \
      -print_final_stats=1 -artifact_prefix="$artifacts/" \
      "$corpus" "$ROOT/fuzz/seeds/$target" $(extra_seeds "$target") >"$log" 2>&1; then
    # The last status line: "#N DONE cov: C ft: F corp: ...".
    summary=$(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE)' "$log" | tail -1 |
              sed -E 's/[[:space:]]+/ /g; s/ (lim|exec\/s|rss|L):.*//' || true)
    execs=$(sed -nE 's/^stat::number_of_executed_units: *//p' "$log" || true)
    echo "fuzz: $target ok: $execs executions in ${SECONDS_PER_TARGET} s; $summary"
  else
    status=1
    echo "fuzz: $target FAILED (log: $log)" >&2
    grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|artifact_prefix|Test unit written)' "$log" | head -10 >&2 || true
    echo "fuzz: reproduce with: $BUILD/fuzz/$target ARTIFACT; minimise with -minimize_crash=1 -runs=10000" >&2
  fi
done
exit $status
