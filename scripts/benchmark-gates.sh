#!/usr/bin/env bash
# Benchmark the gates.
#   scripts/benchmark-gates.sh [IMAGE ...]        T4Conformance: the C# gate (Engine API, one container per template,
#                                                 execs) against a plain shell loop (docker run + one docker exec per
#                                                 probe, same probes, same shape), in the same run; IMAGE: ids or tags,
#                                                 default: the healthy test fixture
#   scripts/benchmark-gates.sh template-tests [N] TemplateTests of the real fleet, warm: `./build.sh TemplateTests` once
#                                                 to warm (images, test tooling), then N more runs (default 3)
# Figures go to output/benchmark/ (under the repository root) and to stdout.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out="$root/output/benchmark"
rm -rf "$out"
mkdir -p "$out"

# "1:05" or "< 1sec" (the summary table's Duration) in seconds.
seconds() { awk -F: '/sec/ { print 0; next } NF == 2 { print $1 * 60 + $2; next } NF == 3 { print $1 * 3600 + $2 * 60 + $3 }'; }

if [ "${1:-}" = template-tests ]; then
  runs=${2:-3}
  echo "== TemplateTests of the real fleet (warm-up run, then $runs)"
  for i in $(seq 0 "$runs"); do
    t0=$(date +%s.%N)
    "$root/build.sh" TemplateTests --runtime-version 1.0.0 >"$out/template-tests.$i.log" 2>&1 \
      || { tail -n 40 "$out/template-tests.$i.log"; echo "TemplateTests failed; see $out/template-tests.$i.log" >&2; exit 1; }
    t1=$(date +%s.%N)
    target=$(grep -E '^TemplateTests +Succeeded' "$out/template-tests.$i.log" | awk '{ print $3 }' | seconds)
    tests=$(grep -oE 'passed 4/4 templates, [0-9]+/[0-9]+ tests' "$out/template-tests.$i.log")
    [ "$i" -eq 0 ] && continue
    printf '%s %s %s\n' "$target" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')" "$(cut -d' ' -f1 /proc/loadavg)" >>"$out/template-tests.runs"
    echo "run $i: TemplateTests ${target} s, the whole ./build.sh $(tail -n 1 "$out/template-tests.runs" | cut -d' ' -f2) s ($tests, load $(cut -d' ' -f1 /proc/loadavg))"
  done
  {
    sort -n "$out/template-tests.runs" | awk '{ t[NR] = $1; w[NR] = $2 } END { m = int((NR + 1) / 2); printf "template_tests_warm_median_s=%s\nbuild_warm_median_s=%s\nruns=%d\n", t[m], w[m], NR }'
    printf 'cores=%s\nload=%s\n' "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
  } | tee "$out/template-tests.env"
  exit 0
fi

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
