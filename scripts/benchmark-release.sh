#!/usr/bin/env bash
# The release figures (issue 8; README "Figures"), measured by tests/IntegrationTests/Release/ReleaseBenchmarkTests:
#  - a template job on a fresh engine that pulls the published base, divided by the same job building the base itself
#    (OS bootstrap included, as every template job did before the base became an artifact);
#  - publishing the fleet through the generated workflow's jobs, one after the other on one machine, divided by
#    ./build.sh Publish in one process (both into an empty registry, on the same warm engine).
#   scripts/benchmark-release.sh
# Figures go to output/benchmark/release.env (under the repository root) and to stdout.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/output/benchmark"
mkdir -p "$out"
rm -f "$out/release.env"

echo "== release benchmark (dotnet test ReleaseBenchmarkTests; a fresh engine is started and stopped twice)"
RELEASE_BENCH_OUT="$out" dotnet test "$root/tests/IntegrationTests" \
  --filter "FullyQualifiedName~ReleaseBenchmarkTests" --logger "console;verbosity=detailed" >"$out/release.log" 2>&1 \
  || { tail -n 40 "$out/release.log"; echo "release benchmark failed; see $out/release.log" >&2; exit 1; }

{
  cat "$out/release.env"
  printf 'cores=%s\nload=%s\n' "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/release.figures"
