#!/usr/bin/env bash
# Quick-start command 1: set up everything, then run the book's MNIST experiment.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$ROOT/scripts/setup.sh"
cd "$ROOT"
exec "${RUNEXP_BUILD_DIR:-$ROOT/build}/runexp" experiments/mnist_ch2.toml "$@"
