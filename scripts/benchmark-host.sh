#!/usr/bin/env bash
# Warm start-up of the build. Compiles once, then:
#  - N pairs, alternating: `./build.sh --help` and the compiled build alone (`dotnet .nuke/temp/bin/_build.dll
#    --help`, what build.sh runs), with the median of each and the median of the per-pair difference (what the
#    bootstrap costs); the pairs share whatever load the machine has at that moment;
#  - `./build.sh --plan T4Conformance` and a Restore given a CA bundle without a certificate (which must fail at
#    once, naming the file), N times each.
# Medians and p90 in milliseconds, wall and CPU (user+sys: it barely moves when other work shares the machine,
# while wall time does), and the load average before and after.
# Usage: scripts/benchmark-host.sh [N]   (default 20, at least 10)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-20}"
if ! [[ "$runs" =~ ^[0-9]+$ ]] || ((runs < 10)); then
  echo "usage: scripts/benchmark-host.sh [N]   (N >= 10 runs; got '$runs')" >&2
  exit 2
fi
cd "$root"
# As build.sh runs it.
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
compiled=(dotnet "$root/.nuke/temp/bin/_build.dll")

echo "warming: ./build.sh --help (compiles the build if its sources changed), twice"
./build.sh --help >/dev/null
./build.sh --help >/dev/null
if [[ "$(./build.sh --help)" != "$("${compiled[@]}" --help)" ]]; then
  echo "./build.sh --help and ${compiled[*]} --help differ: not the same build" >&2
  exit 1
fi
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

# One timed run: "<wall ms> <cpu ms>". A failing run is timed too (the CA-bundle case must fail, fast).
timed() {
  local line wall user sys
  line="$({ TIMEFORMAT='%R %U %S'; time "$@" >/dev/null 2>&1 || true; } 2>&1)"
  read -r wall user sys <<<"$line"
  awk -v w="$wall" -v u="$user" -v s="$sys" 'BEGIN { printf "%d %d\n", w * 1000, (u + s) * 1000 }'
}

percentile() { # nearest rank, of integers
  local p="$1"
  shift
  local sorted rank
  mapfile -t sorted < <(printf '%s\n' "$@" | sort -n)
  rank=$(((${#sorted[@]} * p + 99) / 100))
  ((rank < 1)) && rank=1
  echo "${sorted[$((rank - 1))]}"
}

report() { # label, then "walls" and "cpus" as two space-separated lists
  local label="$1" walls cpus
  read -ra walls <<<"$2"
  read -ra cpus <<<"$3"
  printf '%-48s n=%-3s wall median %5s ms  p90 %5s ms   cpu median %4s ms  p90 %4s ms\n' \
    "$label" "${#walls[@]}" "$(percentile 50 "${walls[@]}")" "$(percentile 90 "${walls[@]}")" \
    "$(percentile 50 "${cpus[@]}")" "$(percentile 90 "${cpus[@]}")"
}

measure() { # label, command...
  local label="$1" wall cpu i
  local -a wall_ms=() cpu_ms=()
  shift
  for ((i = 0; i < runs; i++)); do
    read -r wall cpu < <(timed "$@")
    wall_ms+=("$wall") cpu_ms+=("$cpu")
  done
  report "$label" "${wall_ms[*]}" "${cpu_ms[*]}"
}

# The pairs: which of the two goes first alternates, so neither always runs on a cache the other warmed.
sh_wall=() sh_cpu=() alone_wall=() alone_cpu=() diffs=()
for ((i = 0; i < runs; i++)); do
  if ((i % 2 == 0)); then
    read -r sw sc < <(timed ./build.sh --help)
    read -r aw ac < <(timed "${compiled[@]}" --help)
  else
    read -r aw ac < <(timed "${compiled[@]}" --help)
    read -r sw sc < <(timed ./build.sh --help)
  fi
  sh_wall+=("$sw") sh_cpu+=("$sc") alone_wall+=("$aw") alone_cpu+=("$ac") diffs+=("$((sw - aw))")
done
report "./build.sh --help" "${sh_wall[*]}" "${sh_cpu[*]}"
report "compiled build alone: dotnet _build.dll --help" "${alone_wall[*]}" "${alone_cpu[*]}"
printf '%-48s n=%-3s median %5s ms  (per pair: ./build.sh minus the build alone)\n' "the bootstrap's cost" "$runs" "$(percentile 50 "${diffs[@]}")"

measure "./build.sh --plan T4Conformance" ./build.sh --plan T4Conformance
not_a_bundle="$(mktemp)"
trap 'rm -f "$not_a_bundle"' EXIT
echo "not a certificate" >"$not_a_bundle"
if ./build.sh Restore --ca-bundle "$not_a_bundle" >/dev/null 2>&1; then
  echo "Restore accepted a CA bundle without a certificate" >&2
  exit 1
fi
measure "Restore, --ca-bundle without a cert" ./build.sh Restore --ca-bundle "$not_a_bundle"
echo "load average: $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after, on $(nproc) cores"
