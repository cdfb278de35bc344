#!/usr/bin/env bash
# Installs the Debian packages in scripts/debian-packages.txt (or in the list
# given as the argument, e.g. scripts/bench-packages.txt) that are missing.
# Idempotent: when nothing is missing it touches nothing and takes well under a second.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LIST=${1:-$ROOT/scripts/debian-packages.txt}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else echo "install-packages: need root (or sudo) to run: $*" >&2; exit 1
  fi
}

missing=()
while read -r package; do
  package=${package%%#*}; package=${package//[[:space:]]/}
  [ -n "$package" ] || continue
  # npm may come from elsewhere (e.g. NodeSource); any working npm will do.
  if [ "$package" = npm ] && command -v npm >/dev/null; then continue; fi
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done < "$LIST"

if [ ${#missing[@]} -eq 0 ]; then
  echo "packages: all present"
  exit 0
fi
echo "packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
as_root apt-get update -qq
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
