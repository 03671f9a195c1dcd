#!/usr/bin/env bash
# Warm start-up of the build: compiles once, then times `./build.sh --help` and
# `./build.sh --plan T4Conformance` N times each and prints median and p90 in milliseconds.
# Usage: scripts/benchmark-host.sh [N]   (default 15)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-15}"
cd "$root"

echo "warming: ./build.sh --help (compiles the build if its sources changed)"
./build.sh --help >/dev/null

measure() {
  local label="$1"
  shift
  local samples=() start end i
  for ((i = 0; i < runs; i++)); do
    start=$(date +%s%N)
    ./build.sh "$@" >/dev/null
    end=$(date +%s%N)
    samples+=($(((end - start) / 1000000)))
  done
  local sorted median p90 count
  sorted=($(printf '%s\n' "${samples[@]}" | sort -n))
  count=${#sorted[@]}
  median=${sorted[$(((count - 1) / 2))]}
  # Nearest-rank p90.
  p90=${sorted[$(((count * 90 + 99) / 100 - 1))]}
  printf '%-36s n=%-3s median %5s ms   p90 %5s ms   (min %s, max %s)\n' \
    "$label" "$count" "$median" "$p90" "${sorted[0]}" "${sorted[$((count - 1))]}"
}

measure "./build.sh --help" --help
measure "./build.sh --plan T4Conformance" --plan T4Conformance
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
