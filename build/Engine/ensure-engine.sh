#!/usr/bin/env bash
# Installs (when missing) and starts a local Docker engine for the build; run by EngineProvisioner
# only when no engine answers, we are root, and the host is Debian.
# Usage: ensure-engine.sh unix:///var/run/docker.sock LOGFILE
set -euo pipefail
endpoint="$1"
log="$2"

missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
# The OS bootstrap (OsImageProvider) needs debootstrap when no registry serves the Debian image.
command -v debootstrap >/dev/null || missing+=(debootstrap)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing ${missing[*]} with apt-get"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

mkdir -p "$(dirname "$log")"
# Own PID and mount namespace: a container with --pid=host then sees dockerd as PID 1 and
# nsenter -t 1 enters namespaces this build owns, never the host's init. setsid + nohup detach it so
# it outlives the build (later targets and the next build reuse it).
echo "Starting dockerd (log: $log)"
setsid nohup unshare --mount --pid --fork --mount-proc dockerd --host "$endpoint" >>"$log" 2>&1 </dev/null &
