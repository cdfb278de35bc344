#!/usr/bin/env bash
# Everything runexp needs on a Debian 12 machine: missing packages, the build,
# and the verified data sets. Idempotent and quick when nothing is missing.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$ROOT/scripts/install-packages.sh"
"$ROOT/scripts/build.sh"
"$ROOT/scripts/fetch-data.sh"
