#!/usr/bin/env bash
# A second Docker engine on this host, beside the first (ENVIRONMENT.md, "A second engine on the same host"):
# the tools folder's dockerd and containerd with bookworm's runc, its own data root, exec root, pid file and
# socket under STATE, its own PID and mount namespace, the containerd image store, and a bridge of its own.
#
#   second-engine.sh start STATE BRIDGE ADDRESS/PREFIX BINDIR...   start (or find running) the engine of STATE
#   second-engine.sh stop STATE                                     stop that engine, remove its bridge
#
# start prints the launcher's pid and returns at once; the caller waits until unix://STATE/docker.sock answers.
# Only the engine this script started for STATE is ever stopped, found by the pid it recorded and checked
# against its command line. Never --bridge none (it deletes the first engine's docker0), never docker0.
set -euo pipefail

usage() {
  echo "usage: second-engine.sh start STATE BRIDGE ADDRESS/PREFIX BINDIR... | stop STATE" >&2
  exit 2
}

[ "$#" -ge 2 ] || usage
command="$1"
state="$(mkdir -p "$2" && cd "$2" && pwd)"
launcher_pid="$state/launcher.pid"
config="$state/daemon.json"
settings="$state/engine.env"

# One start or stop at a time for this STATE (the engine itself must not inherit this descriptor).
exec 8>"$state/engine.lock"
flock 8

# The pid of our launcher when it still runs (a pid can be reused after a reboot or a SIGKILL: check the command).
running_launcher() {
  local pid
  [ -s "$launcher_pid" ] || return 1
  pid="$(<"$launcher_pid")"
  [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$config" || return 1
  echo "$pid"
}

remove_bridge() {
  local bridge="$1"
  if [ -n "$bridge" ] && [ "$bridge" != docker0 ] && ip link show "$bridge" >/dev/null 2>&1; then
    echo "Removing bridge $bridge"
    ip link delete "$bridge" type bridge
  fi
}

# What a killed engine leaves: its pid files (a new dockerd refuses to start over them; in its own PID
# namespace the recorded pid says nothing), its socket, and its bridge. Its network store goes too: it
# remembers the default network on the last bridge and subnet, and refuses to start on another pair.
remove_leftovers() {
  rm -f "$launcher_pid" "$state/docker.pid" "$state/exec/containerd/containerd.pid" "$state/docker.sock" \
    "$state/data/network/files/local-kv.db"
  if [ -s "$settings" ]; then
    remove_bridge "$(sed -n 's/^bridge=//p' "$settings")"
  fi
}

stop() {
  local pid init dockerd waited=0
  if ! pid="$(running_launcher)"; then
    echo "No engine of $state runs"
    remove_leftovers
    return 0
  fi
  # launcher (unshare) -> init (PID 1 of the namespace) -> dockerd. SIGTERM to dockerd: it stops its
  # containers and containerd; init then exits and the kernel ends whatever is left in the namespace.
  init="$(pgrep -P "$pid" | head -n 1 || true)"
  dockerd="$( [ -n "$init" ] && pgrep -P "$init" -x dockerd | head -n 1 || true)"
  echo "Stopping the engine of $state (launcher $pid, dockerd ${dockerd:-gone})"
  [ -z "$dockerd" ] || kill -TERM "$dockerd" 2>/dev/null || true
  while [ -d "/proc/$pid" ] && [ "$waited" -lt 60 ]; do
    sleep 0.5
    waited=$((waited + 1))
  done
  if [ -d "/proc/$pid" ]; then
    echo "The engine did not stop within 30 s; killing its namespace"
    [ -z "$init" ] || kill -KILL "$init" 2>/dev/null || true
    sleep 1
  fi
  remove_leftovers
}

start() {
  [ "$#" -ge 3 ] || usage
  local bridge="$1" address="$2" pid
  shift 2
  if [ "$bridge" = docker0 ] || [ "$bridge" = none ] || [ "${#bridge}" -gt 15 ]; then
    echo "second-engine.sh: bridge '$bridge' must be a name of its own (at most 15 characters), never docker0 or none" >&2
    exit 2
  fi
  if pid="$(running_launcher)"; then
    echo "The engine of $state runs already (launcher $pid)"
    echo "$pid"
    return 0
  fi
  remove_leftovers

  local path="" dir
  for dir in "$@"; do
    [ -d "$dir" ] || { echo "second-engine.sh: no folder $dir" >&2; exit 2; }
    path="$path$dir:"
  done
  mkdir -p "$state/data" "$state/exec"
  printf 'bridge=%s\naddress=%s\n' "$bridge" "$address" >"$settings"
  cat >"$config" <<EOF
{
  "features": { "containerd-snapshotter": true },
  "cgroup-parent": "/second-engine"
}
EOF

  if ip link show "$bridge" >/dev/null 2>&1; then
    # Not ours to remove: its settings are not in $state (a deleted state folder, or another engine's bridge).
    echo "second-engine.sh: bridge $bridge exists already and $state does not record it (was the state folder deleted while its engine ran?); stop the engine that uses it, or remove it with 'ip link del $bridge' when none does" >&2
    exit 2
  fi
  echo "Creating bridge $bridge ($address)"
  ip link add "$bridge" type bridge
  ip addr add "$address" dev "$bridge"
  ip link set "$bridge" up

  # PID 1 of the namespace is a shell that reaps what containerd's shims leave behind (dockerd does not:
  # the first engine collects zombies) and hands SIGTERM on to dockerd. setsid + nohup detach the whole
  # engine from this script, so it outlives the process that started it.
  # shellcheck disable=SC2016 # expanded by the inner shell
  local init='trap '\''kill -TERM "$engine" 2>/dev/null'\'' TERM INT
"$@" & engine=$!
while kill -0 "$engine" 2>/dev/null; do wait "$engine" || true; done'
  echo "Starting dockerd for $state (log: $state/dockerd.log)"
  PATH="$path$PATH" setsid nohup unshare --mount --pid --fork --mount-proc bash -c "$init" second-engine-init \
    dockerd --config-file "$config" \
    --data-root "$state/data" --exec-root "$state/exec" --pidfile "$state/docker.pid" \
    --host "unix://$state/docker.sock" \
    --bridge "$bridge" --iptables=false --ip6tables=false \
    >>"$state/dockerd.log" 2>&1 </dev/null 8>&- &
  echo "$!" >"$launcher_pid"
  echo "$!"
}

case "$command" in
  start)
    shift 2
    start "$@"
    ;;
  stop) stop ;;
  *) usage ;;
esac
