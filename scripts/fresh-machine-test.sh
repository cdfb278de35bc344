#!/usr/bin/env bash
# Proves the README's two commands on a fresh Debian 12: bootstraps a minimal
# bookworm into a chroot, clones this repository (its committed HEAD) into it,
# and runs scripts/test.sh then scripts/quickstart.sh there, timing each.
#
# Usage (as root): scripts/fresh-machine-test.sh [DIR]   (default: a new temp dir)
# Needs debootstrap on the host. The chroot is removed at the end unless KEEP=1.
# Exits non-zero if either command failed, fresh or warm.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "fresh-machine-test: run as root (debootstrap, chroot, mounts)" >&2; exit 1; }
command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap
DIR=${1:-$(mktemp -d /var/tmp/runexp-fresh.XXXXXX)}
MIRROR=${MIRROR:-http://deb.debian.org/debian}

mounted=()
cleanup() {
  local m
  for ((i=${#mounted[@]}-1; i>=0; i--)); do umount -l "${mounted[i]}" 2>/dev/null || true; done
  if [ "${KEEP:-0}" != 1 ]; then rm -rf --one-file-system "$DIR"; fi
}
trap cleanup EXIT

echo "== debootstrap --variant=minbase bookworm $DIR"
start=$SECONDS
debootstrap --variant=minbase bookworm "$DIR" "$MIRROR" >"$DIR.debootstrap.log" 2>&1 \
  || { tail -n 20 "$DIR.debootstrap.log"; exit 1; }
echo "   took $((SECONDS - start)) s"

# The chroot's root must be a mount point, or `unshare -m` inside it (the
# read-only-mount tests) cannot make its mounts private.
mount --bind "$DIR" "$DIR"; mounted+=("$DIR")
for fs in proc sys dev; do
  mount --rbind "/$fs" "$DIR/$fs"; mounted+=("$DIR/$fs")
done
# What the host needs to reach the package mirrors and npm: DNS, local CA
# certificates (picked up when the chroot installs ca-certificates), apt settings.
cp /etc/resolv.conf "$DIR/etc/resolv.conf"
mkdir -p "$DIR/usr/local/share/ca-certificates"
cp -r /usr/local/share/ca-certificates/. "$DIR/usr/local/share/ca-certificates/" 2>/dev/null || true
cp /etc/apt/apt.conf.d/99* "$DIR/etc/apt/apt.conf.d/" 2>/dev/null || true
# Keep the host's OpenBLAS settings: the chroot runs on the same CPU.
env_lines=$(env | grep -E '^OPENBLAS_' || true)

git clone --quiet --no-local "$ROOT" "$DIR/root/runexp"
echo "== cloned $(git -C "$ROOT" rev-parse --short HEAD) into the chroot"
# CI runs a clone with the shared material beside it (the toml-test suite).
if [ -d "$ROOT/../shared" ]; then cp -r "$ROOT/../shared" "$DIR/root/shared"; fi

run_in_chroot() {
  chroot "$DIR" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    CI=true $env_lines /bin/bash -c "cd /root/runexp && $1"
}

failures=0
for command in scripts/test.sh scripts/quickstart.sh; do
  echo "== $command (fresh chroot)"
  start=$SECONDS
  status=0
  run_in_chroot "$command" || status=$?
  echo "== $command exit $status after $((SECONDS - start)) s"
  echo "== $command again (warm)"
  start=$SECONDS
  warm_status=0
  run_in_chroot "$command" >/dev/null 2>&1 || warm_status=$?
  echo "== $command exit $warm_status after $((SECONDS - start)) s (warm)"
  [ "$status" -eq 0 ] && [ "$warm_status" -eq 0 ] || failures=$((failures + 1))
done
[ "$failures" -eq 0 ] || { echo "== $failures command(s) failed on the fresh machine"; exit 1; }
echo "== both commands passed on the fresh machine"
