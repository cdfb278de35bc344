#!/usr/bin/env bash
# Configures (once) and builds runexp in build/ (Release, Ninja). Incremental.
# Links build/runexp into /usr/local/bin when allowed, so `runexp` is on PATH.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${RUNEXP_BUILD_DIR:-$ROOT/build}

if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release
fi
cmake --build "$BUILD"

if [ -w /usr/local/bin ]; then
  ln -sfn "$BUILD/runexp" /usr/local/bin/runexp
  echo "build: runexp is on PATH (/usr/local/bin/runexp -> $BUILD/runexp)"
else
  echo "build: /usr/local/bin is not writable; run runexp as $BUILD/runexp"
fi
