#!/usr/bin/env bash
# Regenerates docs/report.png: three real runs of experiments/mnist_ch2.toml
# (the book's settings, a lower learning rate, and twice the epochs with
# another seed) in a scratch results.db, `runexp report` of them, and
# headless Chromium's screenshot of the page at 800 px wide. Needs the data (scripts/fetch-data.sh)
# and a build; RUNEXP_BUILD_DIR picks the build (default build/). ~40 s.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUNEXP="${RUNEXP_BUILD_DIR:-$ROOT/build}/runexp"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$ROOT"

db="$WORK/results.db"
"$RUNEXP" experiments/mnist_ch2.toml --results "$db" --name book >/dev/null
"$RUNEXP" experiments/mnist_ch2.toml --results "$db" --name lr3e-4 \
  --set model.optimizer.learning_rate=3e-4 >/dev/null
"$RUNEXP" experiments/mnist_ch2.toml --results "$db" --name 10-epochs-seed-7 \
  --set model.epochs=10 --set experiment.seed=7 >/dev/null
"$RUNEXP" report --experiment mnist_ch2 --results "$db" -o "$WORK/report.html"

chromium --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars \
  --user-data-dir="$WORK/profile" --window-size=800,1300 \
  --screenshot="$ROOT/docs/report.png" "file://$WORK/report.html" 2>/dev/null
echo "wrote docs/report.png"
