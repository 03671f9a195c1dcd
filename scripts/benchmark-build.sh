#!/usr/bin/env bash
# BuildImage benchmark, one run, figures for the README:
#  (a) warm fleet rebuild (nothing changed) through the build vs a plain sequential `docker build` loop over
#      the same Dockerfiles and args (targets: <= 1.05 with --parallelism 1, < 1.0 with parallelism);
#  (b) a RUNTIME_VERSION bump vs a cold fleet build (docker build --no-cache loop) (target: <= 20 %);
#  (c) peak RSS of the build process (/usr/bin/time -v; target < 150 MB).
# Usage: scripts/benchmark-build.sh   (BUILD_CMD overrides "./build.sh"; COLD_SECONDS=<s> uses a cold figure
#        measured elsewhere instead of the --no-cache loop; SKIP_COLD=1 skips it)
# Results: output/benchmark/results.txt, logs beside it.
set -euo pipefail
# Failures inside $(...) must stop the benchmark too: a failed build is no figure.
shopt -s inherit_errexit

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/output/benchmark"
mkdir -p "$out"
cd "$root"
read -r -a build <<<"${BUILD_CMD:-./build.sh}"
results="$out/results.txt"
: >"$results"

note() { echo "$*" | tee -a "$results"; }
yaml() { # file key: first "key: value" (value up to a comment), for the few scalars the loop needs
  sed -n "s/^[[:space:]]*$2:[[:space:]]*\"\{0,1\}\([^\"#]*[^\"#[:space:]]\)\"\{0,1\}.*/\1/p" "$1" | head -n 1
}
seconds() { # command...: wall time in seconds, output to $log
  local start end
  start=$(date +%s.%N)
  # A failed build is no figure: stop rather than time an error.
  "$@" >>"$log" 2>&1 || { echo "failed: $* (see $log)" >&2; return 1; }
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
timed_build() { # name args...: runs the build under /usr/bin/time -v, prints seconds, records peak RSS
  local name="$1"
  shift
  log="$out/$name.log"
  : >"$log"
  local s
  s=$(seconds /usr/bin/time -v -o "$out/$name.time" "${build[@]}" BuildImage "$@")
  local rss
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$out/$name.time")
  note "$name: ${s} s, peak RSS $((rss / 1024)) MB" >&2
  echo "$s"
}

templates_dir="$root/templates"
fleet="$templates_dir/fleet.yaml"
repository="$(yaml "$fleet" repository)"
base_image="$(yaml "$fleet" image | head -n 1)"
node_package="$(yaml "$fleet" package | head -n 1)"
node_version="$(sed -n '/node:/,/version:/s/^[[:space:]]*version:[[:space:]]*\([^[:space:]#]*\).*/\1/p' "$fleet" | head -n 1)"
npm_version="$(yaml "$fleet" npm)"
templates=$(sed -n 's/^templates:[[:space:]]*\[\(.*\)\].*/\1/p' "$fleet" | tr -d ' ' | tr ',' ' ')
runtime_version="$(sed -n 's/^[[:space:]]*versions:[[:space:]]*\[\(.*\)\].*/\1/p' "$fleet" | head -n 1 | tr -d ' ' | tr ',' '\n' | tail -n 1)"

# 1. Warm the cache (and the package index folder the plain loop serves).
note "== $(date -u +%FT%TZ) on $(nproc) cores; runtime $runtime_version"
timed_build warm-up --runtime-version "$runtime_version" --parallelism 1 >/dev/null

# (a) warm rebuilds through the build.
warm1=$(timed_build warm-parallelism-1 --runtime-version "$runtime_version" --parallelism 1)
warmN=$(timed_build warm-parallelism-"$(nproc)" --runtime-version "$runtime_version" --parallelism "$(nproc)")

# The plain loop: same Dockerfiles, same args, same index URL (so the same cache keys), one after another.
os_tag="$repository/os:$(yaml "$fleet" suite)"
if docker image inspect "$os_tag" >/dev/null 2>&1; then
  os_image="$(docker image inspect --format '{{.Id}}' "$os_tag")"
else
  os_image="$(sed -n '/^[[:space:]]*os:/,/suite:/s/^[[:space:]]*image:[[:space:]]*\([^[:space:]#]*\).*/\1/p' "$fleet")"
fi
index_port=39503
python3 -m http.server --bind 127.0.0.1 "$index_port" --directory "$root/output/package-index" >"$out/index.log" 2>&1 &
index_pid=$!
trap 'kill "$index_pid"' EXIT
sleep 1
base_ctx="$(mktemp -d)"
trap 'kill "$index_pid"; rm -rf "$base_ctx"' EXIT
cp -a "$templates_dir/base/." "$base_ctx/"
if [[ -n "${SSL_CERT_FILE:-}" ]]; then cp "$SSL_CERT_FILE" "$base_ctx/fleet-extra-ca.crt"; else : >"$base_ctx/fleet-extra-ca.crt"; fi

# The same labels the build puts on the base (stable ones only), so both loops share one cache chain.
mapfile -t base_labels < <(docker image inspect --format '{{json .Config.Labels}}' "$base_image:latest" \
  | python3 -c 'import json,sys; [print(f"--label={k}={v}") for k, v in sorted(json.load(sys.stdin).items()) if k.startswith(("ai.molecule", "org.opencontainers.image.source"))]')

plain_loop() { # extra docker build args...
  DOCKER_BUILDKIT=0 docker build --network host "$@" "${base_labels[@]}" -t "$base_image:benchmark" \
    --build-arg OS_IMAGE="$os_image" --build-arg NODE_PACKAGE="$node_package" --build-arg NODE_VERSION="$node_version" \
    --build-arg NPM_VERSION="$npm_version" "$base_ctx"
  local base_id
  base_id="$(docker image inspect --format '{{.Id}}' "$base_image:benchmark")"
  echo "plain loop base $base_id; the build's base $(docker image inspect --format '{{.Id}}' "$base_image:latest")"
  for t in $templates; do
    DOCKER_BUILDKIT=0 docker build --network host "$@" -t "$repository/$t:benchmark" \
      --build-arg BASE_IMAGE="$base_id" --build-arg AGENT_VERSION="$(yaml "$templates_dir/$t/template.yaml" version)" \
      --build-arg RUNTIME_VERSION="$runtime_version" --build-arg PIP_INDEX_URL="http://127.0.0.1:$index_port/simple/" \
      "$templates_dir/$t"
  done
}
log="$out/plain-warm.log"
: >"$log"
plain=$(seconds plain_loop) || exit 1
note "plain sequential docker build loop (warm): ${plain} s"
note "(a) ratio build/plain: parallelism 1 = $(echo "scale=3; $warm1 / $plain" | bc), parallelism $(nproc) = $(echo "scale=3; $warmN / $plain" | bc)"

# (b) RUNTIME_VERSION bump (a version the embedded index builds on demand) vs a cold fleet build.
bump_version="${runtime_version%.*}.$(( ${runtime_version##*.} + 1 ))"
bump=$(timed_build runtime-bump --runtime-version "$bump_version" --parallelism "$(nproc)")
if [[ -n "${COLD_SECONDS:-}" ]]; then
  # A cold figure measured elsewhere (e.g. the real-fleet test from a clean engine).
  note "cold fleet build (given): ${COLD_SECONDS} s"
  note "(b) bump/cold = $(echo "scale=3; $bump / $COLD_SECONDS" | bc)"
elif [[ "${SKIP_COLD:-}" != 1 ]]; then
  log="$out/plain-cold.log"
  : >"$log"
  cold=$(seconds plain_loop --no-cache)
  note "cold fleet build (docker build --no-cache loop): ${cold} s"
  note "(b) bump/cold = $(echo "scale=3; $bump / $cold" | bc)"
fi

# Only the benchmark's own tags go; layers stay as cache for the next build.
benchmark_tags=("$base_image:benchmark")
for t in $templates; do benchmark_tags+=("$repository/$t:benchmark"); done
docker image rm "${benchmark_tags[@]}" >/dev/null
note "(c) peak RSS: see the 'peak RSS' figures above"
