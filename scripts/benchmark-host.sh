#!/usr/bin/env bash
# Warm start-up of the build: compiles once, then times `./build.sh --help`,
# `./build.sh --plan T4Conformance` and a Restore given a CA bundle without a certificate (which must fail
# at once, naming the file) N times each and prints median and p90 in milliseconds.
# Usage: scripts/benchmark-host.sh [N]   (default 15)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-15}"
cd "$root"

echo "warming: ./build.sh --help (compiles the build if its sources changed)"
./build.sh --help >/dev/null

# Wall time is what the target is about; CPU time (user+sys) is shown too because it barely moves
# when other work shares the machine, while wall time does.
measure() {
  local label="$1"
  shift
  local walls=() cpus=() line i
  for ((i = 0; i < runs; i++)); do
    # A failing run is timed too (the CA-bundle case must fail, fast).
    line="$({ TIMEFORMAT='%R %U %S'; time ./build.sh "$@" >/dev/null 2>&1 || true; } 2>&1)"
    read -r wall user sys <<<"$line"
    walls+=("$(awk -v w="$wall" 'BEGIN { printf "%d", w * 1000 }')")
    cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%d", (u + s) * 1000 }')")
  done
  printf '%-36s n=%-3s wall median %5s ms  p90 %5s ms   cpu median %4s ms  p90 %4s ms\n' \
    "$label" "$runs" "$(percentile 50 "${walls[@]}")" "$(percentile 90 "${walls[@]}")" \
    "$(percentile 50 "${cpus[@]}")" "$(percentile 90 "${cpus[@]}")"
}

percentile() { # nearest rank
  local p="$1"
  shift
  local sorted
  mapfile -t sorted < <(printf '%s\n' "$@" | sort -n)
  local rank=$(((${#sorted[@]} * p + 99) / 100))
  ((rank < 1)) && rank=1
  echo "${sorted[$((rank - 1))]}"
}

measure "./build.sh --help" --help
measure "./build.sh --plan T4Conformance" --plan T4Conformance
not_a_bundle="$(mktemp)"
trap 'rm -f "$not_a_bundle"' EXIT
echo "not a certificate" >"$not_a_bundle"
if ./build.sh Restore --ca-bundle "$not_a_bundle" >/dev/null 2>&1; then
  echo "Restore accepted a CA bundle without a certificate" >&2
  exit 1
fi
measure "Restore, --ca-bundle without a cert" Restore --ca-bundle "$not_a_bundle"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
