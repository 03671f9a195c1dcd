#!/usr/bin/env bash
# The supply chain's cost in Publish (issue 9; README "Figures"): `./build.sh Publish` of the fleet into an empty
# loopback registry, once --unsigned and once as Publish runs by default (SBOMs, their version check, the secret scan, the
# security-upgrade gate before the push; sign, attest and verify after it), each in a clone of this checkout of
# its own (own output/, own registry port) on the same warm engine. Both publish the base and the templates, so
#   supply-chain work ÷ the rest of Publish = (signed − plain) ÷ plain.
# The clones share this checkout's .nuke/tools (a runner's tool cache, linked): the warm-up runs install what is
# missing, so no tool is installed while measured.
# The signed clone's pins are then checked with ./build.sh VerifyPins, which must pass.
#   scripts/benchmark-supply-chain.sh [TEMPLATES]   (comma-separated; default: the whole fleet)
# Figures: output/benchmark/supply-chain.env and stdout; logs next to them.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
templates="${1:-}"
out="$root/output/benchmark"
mkdir -p "$out"
scratch="$(mktemp -d "${TMPDIR:-/tmp}/fleet-supply-bench.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

measure() { # name, extra args...
  local name="$1"; shift
  # The leaf folder keeps the checkout's name: images carry it as their source label, so the layer cache is shared.
  local clone
  clone="$scratch/$name/$(basename "$root")"
  mkdir -p "$(dirname "$clone")"
  git clone --quiet "$root" "$clone"
  mkdir -p "$root/.nuke/tools" "$clone/.nuke"
  ln -s "$root/.nuke/tools" "$clone/.nuke/tools"
  local port; port="$(free_port)"
  # The clone compiles its build first, untimed: a runner's cache would hold it.
  (cd "$clone" && ./build.sh --help) >"$out/supply-chain.$name.compile.log" 2>&1
  local start end
  start="$(date +%s.%N)"
  local select=()
  [ -z "$templates" ] || select=(--templates "$templates")
  # From inside the clone: like NUKE, the build takes its root from the working directory.
  if ! (cd "$clone" && ./build.sh Publish "${select[@]}" --registry "127.0.0.1:$port" "$@") >"$out/supply-chain.$name.log" 2>&1; then
    tail -n 30 "$out/supply-chain.$name.log"; echo "benchmark run '$name' failed; see $out/supply-chain.$name.log" >&2; exit 1
  fi
  end="$(date +%s.%N)"
  grep -q "published" "$out/supply-chain.$name.log" || { echo "run '$name' published nothing" >&2; exit 1; }
  if [ "$name" = signed ]; then
    (cd "$clone" && ./build.sh VerifyPins "${select[@]}" --registry "127.0.0.1:$port") >"$out/supply-chain.verify.log" 2>&1 \
      || { tail -n 30 "$out/supply-chain.verify.log"; echo "VerifyPins failed on the signed pins; see $out/supply-chain.verify.log" >&2; exit 1; }
  fi
  # The registry the build started for this port stays up like a service: stop it, it was the benchmark's.
  pkill -f "docker-registry serve $clone/" 2>/dev/null || true
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f\n", b - a }'
}

# Warm-up: both paths once, so the first measured run does not pay for cold caches (trivy's, the engine's).
measure warm-plain --unsigned >/dev/null
measure warm-signed >/dev/null
plain="$(measure plain --unsigned)"
signed="$(measure signed)"
{
  printf 'templates=%s\npublish_plain_s=%.1f\npublish_signed_s=%.1f\n' "${templates:-all}" "$plain" "$signed"
  printf 'supply_chain_over_rest_of_publish=%.2f\n' "$(awk -v s="$signed" -v p="$plain" 'BEGIN { printf "%.2f", (s - p) / p }')"
  printf 'cores=%s\nload=%s\n' "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out/supply-chain.env"
