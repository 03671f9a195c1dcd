#!/usr/bin/env bash
# The supply chain's cost in Publish (issues 9 and 17; README "Figures"): `./build.sh Publish` into an empty loopback
# registry, once --unsigned and then as Publish runs by default (SBOMs, their version check, the secret scan, the
# security-upgrade gate before the push; sign, attest and verify after it), each in a clone of this checkout of its
# own (own output/, own registry port) on the same warm engine, so
#   supply-chain work ÷ the rest of Publish = (signed − unsigned) ÷ unsigned      (the same per image)
#   cold: the supply chain's caches empty (a cache folder of its own; the pinned tools already installed in it,
#         as a runner's tool cache holds them);
#   warm: a second signed Publish with the caches the cold one left, into another empty registry.
# The warm clone's pins are then checked with ./build.sh VerifyPins, which must pass. Every run of the benchmark uses
# cache folders of its own under output/benchmark/cache-*, so nothing it measures depends on earlier runs.
#   scripts/benchmark-supply-chain.sh [TEMPLATES]   (comma-separated; default: the whole fleet)
# Figures: output/benchmark/supply-chain[-TEMPLATES].env and stdout; logs next to them (with each run's per-image
# supply-chain breakdown, the Publish summary's "supply chain" note).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
templates="${1:-}"
label="${templates:-fleet}"
out="$root/output/benchmark"
mkdir -p "$out"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/fleet-supply-bench.XXXXXX")"
caches="$out/cache-$label"
rm -rf "$caches"
mkdir -p "$caches/tools" "$caches/cold"  # tools: the warm-ups' (and the tools), cold: the measured runs
registries="$scratch/registries"  # "<pid> <config>" of each registry a run started (measure runs in a subshell)
touch "$registries"
cleanup() {
  # The registries these runs started stay up like services: stop them, by the pid each recorded, checked by its config.
  local pid config
  while read -r pid config; do
    if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$config"; then kill "$pid" 2>/dev/null || true; fi
  done <"$registries"
  rm -rf "$scratch"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

measure() { # name, cache folder, extra args...
  local name="$1" cache="$2"; shift 2
  # The leaf folder keeps the checkout's name: images carry it as their source label, so the layer cache is shared.
  local clone
  clone="$scratch/$name/$(basename "$root")"
  mkdir -p "$(dirname "$clone")"
  git clone --quiet "$root" "$clone"
  local port; port="$(free_port)"
  # The clone compiles its build first, untimed: a runner's cache would hold it.
  (cd "$clone" && FLEET_CACHE_HOME="$cache" ./build.sh --help) >"$out/supply-chain.$label.$name.compile.log" 2>&1
  local select=()
  [ -z "$templates" ] || select=(--templates "$templates")
  local start end
  start="$(date +%s.%N)"
  # From inside the clone: like NUKE, the build takes its root from the working directory.
  if ! (cd "$clone" && FLEET_CACHE_HOME="$cache" ./build.sh Publish "${select[@]}" --registry "127.0.0.1:$port" "$@") >"$out/supply-chain.$label.$name.log" 2>&1; then
    tail -n 30 "$out/supply-chain.$label.$name.log"; echo "benchmark run '$name' failed; see $out/supply-chain.$label.$name.log" >&2; exit 1
  fi
  end="$(date +%s.%N)"
  local registry="$cache/registry/$port"
  [ ! -s "$registry/registry-$port.pid" ] || echo "$(<"$registry/registry-$port.pid") $registry/config-$port.yml" >>"$registries"
  grep -q "published" "$out/supply-chain.$label.$name.log" || { echo "run '$name' published nothing" >&2; exit 1; }
  if [ "$name" = warm ]; then
    (cd "$clone" && FLEET_CACHE_HOME="$cache" ./build.sh VerifyPins "${select[@]}" --registry "127.0.0.1:$port") >"$out/supply-chain.$label.verify.log" 2>&1 \
      || { tail -n 30 "$out/supply-chain.$label.verify.log"; echo "VerifyPins failed on the signed pins; see $out/supply-chain.$label.verify.log" >&2; exit 1; }
  fi
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f\n", b - a }'
}

# The per-image breakdown a run's Publish summary printed ("supply chain" notes of PublishBase and Publish).
breakdown() { grep -o 'supply chain [^|]*' "$out/supply-chain.$label.$1.log" | sed 's/^supply chain //' | tr '\n' ' ' || true; }

# Warm-up, untimed: the images built and the engine's layer cache warm; a signed run installs the tools.
measure warm-up "$caches/tools" --unsigned >/dev/null
measure warm-up-signed "$caches/tools" >/dev/null
unsigned="$(measure unsigned "$caches/tools" --unsigned)"
# Cold: nothing cached but the tools (linked in, as a runner's tool cache).
cp -al "$caches/tools/tools" "$caches/cold/"
cold="$(measure cold "$caches/cold")"
warm="$(measure warm "$caches/cold")"
{
  printf 'templates=%s\npublish_unsigned_s=%.1f\npublish_signed_cold_s=%.1f\npublish_signed_warm_s=%.1f\n' "${templates:-all}" "$unsigned" "$cold" "$warm"
  printf 'supply_chain_over_rest_of_publish_cold=%.2f\n' "$(awk -v s="$cold" -v p="$unsigned" 'BEGIN { printf "%.2f", (s - p) / p }')"
  printf 'supply_chain_over_rest_of_publish_warm=%.2f\n' "$(awk -v s="$warm" -v p="$unsigned" 'BEGIN { printf "%.2f", (s - p) / p }')"
  printf 'breakdown_cold=%s\nbreakdown_warm=%s\n' "$(breakdown cold)" "$(breakdown warm)"
  printf 'cores=%s\nload=%s\n' "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/supply-chain-$label.env"
