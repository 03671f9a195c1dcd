#!/usr/bin/env bash
# Installs packages of the host's own Debian release into the host: what the build itself runs there (the
# engine, debootstrap, the loopback registry). Tools of other suites never come this way (see ToolInstaller).
# Every apt-get waits for the package manager's locks for a bounded time and says so: on a shared runner
# another apt-get may be running, and failing at once with "Could not get lock" helps nobody.
# Usage: host-apt-install.sh [--lock-timeout SECONDS] PACKAGE...
set -euo pipefail
timeout=300
if [ "${1:-}" = --lock-timeout ]; then
  timeout="$2"
  shift 2
fi
if [ "$#" -eq 0 ]; then
  echo "usage: host-apt-install.sh [--lock-timeout SECONDS] PACKAGE..." >&2
  exit 2
fi
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

# DPkg::Lock::Timeout makes apt wait for dpkg's lock itself (it prints "Waiting for cache lock"); the lists
# lock of apt-get update is not covered by it (apt 2.6), so any lock error is retried here until the deadline.
apt_get() {
  local deadline=$((SECONDS + timeout)) status said=""
  echo "apt-get $* (waits up to $timeout s for the dpkg lock while another apt-get or dpkg holds it)"
  while :; do
    status=0
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout="$timeout" "$@" 2>&1 | tee "$log" || status=$?
    [ "$status" -eq 0 ] && return 0
    if ! grep -qE 'Could not get lock|Unable to acquire the dpkg frontend lock|Unable to lock' "$log"; then
      return "$status"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "host-apt-install.sh: $(grep -m1 -oE '(/[^ ]*lock[^ .]*)' "$log" || echo "apt's lock") stayed held for $timeout s by another package manager; wait until it has finished (see: ps -e | grep -E 'apt|dpkg') and run the build again." >&2
      exit 1
    fi
    if [ -z "$said" ]; then
      echo "Waiting for the apt lock ($(grep -m1 -E 'Could not get lock' "$log" | sed 's/^E: //' || true)); up to $timeout s"
      said=1
    fi
    sleep 2
  done
}

# The host's package lists may be stale or missing (a fresh runner): update only when the install fails.
if ! apt_get install -y --no-install-recommends "$@"; then
  apt_get update
  apt_get install -y --no-install-recommends "$@"
fi
