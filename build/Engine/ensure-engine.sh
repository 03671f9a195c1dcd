#!/usr/bin/env bash
# Installs (when missing) and starts a local Docker engine for the build; run by EngineProvisioner
# only when no engine answers, we are root, and the host is Debian.
# Usage: ensure-engine.sh unix:///var/run/docker.sock LOGFILE PIDFILE [RUNDIR]
# Writes the PID of the detached launcher to PIDFILE so the caller can tell a dead engine from a slow one.
# RUNDIR (default /var/run) is where dockerd and containerd keep their pid files; tests point it elsewhere.
set -euo pipefail
endpoint="$1"
log="$2"
pidfile="$3"
rundir="${4:-/var/run}"
socket="${endpoint#unix://}"
mkdir -p "$(dirname "$log")" "$(dirname "$pidfile")"

missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
# The OS bootstrap (OsImageProvider) needs debootstrap when no registry serves the Debian image.
command -v debootstrap >/dev/null || missing+=(debootstrap)
if [ "${#missing[@]}" -gt 0 ]; then
  echo "Installing ${missing[*]} with apt-get"
  # Waits for the dpkg lock while another apt-get runs (a shared runner), bounded, and says so.
  bash "$(dirname "${BASH_SOURCE[0]}")/../Tools/host-apt-install.sh" "${missing[@]}"
fi

# A dockerd for this socket that runs but does not answer yet (another build is starting it, or it hangs)
# is never joined by a second one: hand its PID back and let the caller wait for it.
for pid in $(pgrep -x dockerd || true); do
  args=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
  # Without -H/--host a dockerd serves the default socket, which is this one.
  if [[ "$args" == *"$socket"* || ( "$args" != *" -H"* && "$args" != *"--host"* ) ]]; then
    echo "dockerd (pid $pid: $args) already runs for $socket; waiting for it to answer"
    echo "$pid" >"$pidfile"
    exit 0
  fi
done

# No dockerd runs for this socket, so pid files left by one that was killed without cleaning up (a
# session that ended, a machine image taken while it ran) are stale. A new dockerd refuses to start over
# them ("pid file found"), and in its own PID namespace the recorded pid (1) says nothing about whose it was.
for stale in "$rundir/docker.pid" "$rundir/docker/containerd/containerd.pid"; do
  if [ -e "$stale" ]; then
    echo "Removing stale $stale (no dockerd runs for $socket)"
    rm -f "$stale"
  fi
done

# Own PID and mount namespace: a container with --pid=host then sees dockerd as PID 1 and
# nsenter -t 1 enters namespaces this build owns, never the host's init. setsid + nohup detach it so
# it outlives the build (later targets and the next build reuse it).
echo "Starting dockerd (log: $log)"
setsid nohup unshare --mount --pid --fork --mount-proc dockerd --host "$endpoint" >>"$log" 2>&1 </dev/null &
echo "$!" >"$pidfile"
