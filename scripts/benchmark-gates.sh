#!/usr/bin/env bash
# Benchmark T4Conformance: the C# gate (Engine API, one container per template, execs) against a plain
# shell loop (docker run + one docker exec per probe, same probes, same shape), in the same run.
#   scripts/benchmark-gates.sh [IMAGE ...]   # image ids or tags; default: the healthy test fixture
# Figures go to output/benchmark/ (under the repository root) and to stdout.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/output/benchmark"
rm -rf "$out"
mkdir -p "$out"

echo "== C# gate (dotnet test GateBenchmarkTests)"
GATES_BENCH_IMAGES="$*" GATES_BENCH_OUT="$out" dotnet test "$root/tests/IntegrationTests" \
  --filter "FullyQualifiedName~GateBenchmarkTests" --logger "console;verbosity=detailed" >"$out/csharp.log" 2>&1 \
  || { tail -n 40 "$out/csharp.log"; echo "C# benchmark failed; see $out/csharp.log" >&2; exit 1; }

images=("$@")
if [ ${#images[@]} -eq 0 ]; then images=(gates-fixture/healthy:test); fi
mapfile -t flags <"$out/docker-run-flags"
label="ai.molecule.fleet.gate=bench-baseline"

# Baseline containers are removed even when the script stops half-way.
cleanup() {
  local left
  left=$(docker ps -aq --filter "label=$label")
  if [ -n "$left" ]; then docker rm -f $left >/dev/null; fi
}
trap cleanup EXIT

now() { date +%s.%N; }

# One image, the way a shell CI step would do it: start, poll /health, one docker exec per probe, remove.
baseline_one() {
  local image=$1 cid failed=0 user script
  cid=$(docker run -d --label "$label" "${flags[@]}" --pid=host -v /:/host \
    -v /var/run/docker.sock:/var/run/docker.sock "$image")
  for _ in $(seq 1 300); do
    if docker exec "$cid" sh -c 'curl -fsS 127.0.0.1:8000/health' >/dev/null 2>&1; then break; fi
    sleep 0.2
  done
  while IFS= read -r -d '' user && IFS= read -r -d '' script; do
    docker exec -u "$user" "$cid" sh -c "$script" >/dev/null 2>&1 || failed=$((failed + 1))
  done <"$out/probes.bin"
  docker rm -f "$cid" >/dev/null
  echo "$failed"
}

echo "== shell baseline (docker run + docker exec per probe)"
t0=$(now); f=$(baseline_one "${images[0]}"); t1=$(now)
single=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
t0=$(now)
for i in 0 1 2 3; do baseline_one "${images[$((i % ${#images[@]}))]}" >/dev/null; done
t1=$(now)
fleet=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')

{
  cat "$out/csharp.env"
  printf 'shell_single_s=%.2f\nshell_single_failed_probes=%s\nshell_fleet4_sequential_s=%.2f\n' "$single" "$f" "$fleet"
  printf 'cores=%s\nload=%s\n' "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/figures.env"
