#!/usr/bin/env bash
# The second engine against the first, in one run: the fleet's warm no-op rebuild (./build.sh BuildImage,
# --parallelism 1) and T4Conformance of the four real templates, on trixie's dockerd 26.1.5 with the
# containerd image store (started from the tools folder by the test fixture, seeded with the OS image) and
# on Debian 12's 20.10. Each figure is the median of RUNS runs; the T4 stage is the T4Conformance run minus
# the no-op rebuild it starts with.
#   scripts/benchmark-engines.sh [RUNS]   (default 5)
# Figures: output/benchmark/engines.env and stdout; the build logs are under output/tests/bench-engines.*.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/output/benchmark"
mkdir -p "$out"

ENGINES_BENCH_RUNS="${1:-5}" ENGINES_BENCH_OUT="$out" dotnet test "$root/tests/IntegrationTests" \
  --filter "FullyQualifiedName~EngineBenchmarkTests" --logger "console;verbosity=detailed" >"$out/engines.log" 2>&1 \
  || { tail -n 40 "$out/engines.log"; echo "engine benchmark failed; see $out/engines.log" >&2; exit 1; }

{
  cat "$out/engines.env"
  printf 'cores=%s\nload=%s\n' "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/engines.figures.env"
