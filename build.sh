#!/usr/bin/env bash
# Bootstrap for the template-fleet build (NUKE's build.sh, offline): check the SDK against global.json,
# compile build/_build.csproj only when its sources changed, then run the compiled build with all arguments.
set -euo pipefail

script="${BASH_SOURCE[0]}"
[[ "$script" == */* ]] || script="./$script"
root="$(cd "${script%/*}" && pwd)"
project="$root/build/_build.csproj"
temp="$root/.nuke/temp"
out="$temp/bin"
stamp="$temp/build.stamp"
fingerprint="$temp/build-sh.fingerprint"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

fail() {
  echo "build.sh: $*" >&2
  exit 2
}

json_value() { # key: first "key": "value" in global.json
  sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\\{0,1\\}\\([^\",}]*\\)\"\\{0,1\\}.*/\\1/p" "$root/global.json" | head -n 1
}

# global.json pins the SDK; rollForward says which installed SDKs also satisfy it.
check_sdk() {
  [[ -f "$root/global.json" ]] || return 0
  local wanted policy prerelease installed candidate ok=""
  wanted="$(json_value version)"
  policy="$(json_value rollForward)"
  prerelease="$(json_value allowPrerelease)"
  [[ -n "$wanted" ]] || return 0
  policy="${policy:-latestPatch}"
  installed="$(dotnet --list-sdks | cut -d' ' -f1)"
  local w_major w_minor w_band
  IFS=. read -r w_major w_minor w_band <<<"${wanted%%-*}"
  for candidate in $installed; do
    [[ "$candidate" == *-* && "$prerelease" != "true" ]] && continue
    local c_major c_minor c_band
    IFS=. read -r c_major c_minor c_band <<<"${candidate%%-*}"
    # Never below the pinned version.
    [[ "$(printf '%s\n%s\n' "$wanted" "$candidate" | sort -V | head -n 1)" == "$wanted" ]] || continue
    case "$policy" in
      disable) [[ "$candidate" == "$wanted" ]] && ok="$candidate" ;;
      patch | latestPatch) [[ "$c_major.$c_minor.$((c_band / 100))" == "$w_major.$w_minor.$((w_band / 100))" ]] && ok="$candidate" ;;
      feature | latestFeature) [[ "$c_major.$c_minor" == "$w_major.$w_minor" ]] && ok="$candidate" ;;
      minor | latestMinor) [[ "$c_major" == "$w_major" ]] && ok="$candidate" ;;
      *) ok="$candidate" ;;
    esac
  done
  if [[ -z "$ok" ]]; then
    fail "global.json needs .NET SDK $wanted or a later one allowed by rollForward '$policy' (same major.minor for latestFeature).
  Installed SDKs: $(echo $installed | tr ' ' ',' | sed 's/,/, /g')
  Install a matching SDK with your package manager (e.g. apt-get install dotnet-sdk-$w_major.$w_minor from the
  distribution's or Microsoft's package repository) or an offline dotnet-install, then run this script again."
  fi
}

# Everything that changes the compiled build: its sources (and the scripts it embeds) and the MSBuild/SDK
# settings around it, found by `find "${inputs[@]}" "${select[@]}"` from the root. The content hash and the
# listing below read the same files.
inputs=(build)
for file in Directory.Build.props Directory.Build.targets Directory.Packages.props global.json NuGet.config nuget.config; do
  if [[ -f "$root/$file" ]]; then inputs+=("$file"); fi
done
select=(-type d \( -name bin -o -name obj \) -prune -o -type f
  \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.targets' -o -name '*.json' -o -name '*.config' -o -name '*.sh' \))

# The stamp is the sources' content hash, and build.ps1 computes the same one the same way, so either bootstrap
# reuses what the other compiled: sha256 of each file, one "<sha256>  <path>" line per file sorted by path
# (byte order), and the stamp is the sha256 of those lines. It reads every file: the slow path.
sources_hash() {
  local sum
  read -r sum _ < <(cd "$root" && find "${inputs[@]}" "${select[@]}" -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum)
  echo "$sum"
}

# The fast path: the listing, one line per input with its path, size, mtime, ctime and inode (one find, no
# file read). Any write, rename, chmod or touch of an input changes its ctime; an added or deleted input adds
# or drops a line. $fingerprint holds the content hash of the last call whose hash equalled the stamp, and
# the listing taken just before that hash: while both the stamp and the listing are unchanged, so are the
# sources, and the content hash is not taken. A file touched without a change costs one content hash, no
# compile. Where find has no -printf (not GNU find) the listing is empty and every call takes the content hash.
listing() {
  cd "$root" && exec find "${inputs[@]}" "${select[@]}" -printf '%p\t%s\t%T@\t%C@\t%i\n' 2>/dev/null
}

# Records the listing under the hash it was taken for. The listing must be taken BEFORE the content hash: a
# file written in between shows a newer ctime at the next call. A file written again within one timestamp tick
# of the file system keeps its line (git's "racily clean" entries): so when any ctime is within 2 s of the time
# the listing was taken, nothing is recorded and the next call takes the content hash again. Never fatal.
remember() { # <hash> <listing> <epoch seconds when the listing was taken>
  local hash="$1" list="$2" taken="$3" ctime newest=0
  [[ -n "$list" ]] || return 0
  while IFS=$'\t' read -r _ _ _ ctime _; do
    ctime="${ctime%%.*}"
    if ((ctime > newest)); then newest="$ctime"; fi
  done <<<"$list"
  if ((newest + 2 > taken)); then return 0; fi
  { printf '%s\n%s\n' "$hash" "$list" >"$fingerprint.$$" && mv -f "$fingerprint.$$" "$fingerprint"; } 2>/dev/null ||
    rm -f "$fingerprint.$$"
}

# The RID for a ReadyToRun compile of this machine, or nothing where we do not know it.
runtime_id() {
  case "$(uname -s)/$(uname -m)" in
    Linux/x86_64) echo linux-x64 ;;
    Linux/aarch64) echo linux-arm64 ;;
    Darwin/x86_64) echo osx-x64 ;;
    Darwin/arm64) echo osx-arm64 ;;
  esac
}

# Compiles into a fresh folder and only then swaps it in: a build of this checkout that is running keeps
# the files it loaded (a rename, never an overwrite of a loaded _build.dll). Runs under the compile lock.
compile() {
  check_sdk
  mkdir -p "$temp"
  local log="$temp/build-compile.log" rid next="$temp/bin.next"
  rid="$(runtime_id)"
  # From nothing, never incremental: MSBuild skips a project whose outputs are newer than its sources, so a
  # source changed with its modification time kept (or set back) would compile to the old build.
  rm -rf "$next" "$temp/artifacts"
  # ReadyToRun: code compiled ahead of time instead of JIT on every start (about 0.3 s of a warm
  # BuildImage here; docs/figures.md). Its own artifacts path keeps build/obj to the solution's builds.
  if [[ -n "$rid" ]] && dotnet publish "$project" -nologo -verbosity:quiet -clp:NoSummary -c Release -r "$rid" \
      --self-contained false -p:PublishReadyToRun=true --artifacts-path "$temp/artifacts" -o "$next" >"$log" 2>&1; then
    swap_in "$next"
    return
  fi
  # A code error fails either way: say so now. Anything else (no ReadyToRun compiler for this RID on the
  # package source) still gets a working build, only a slower start.
  if [[ -z "$rid" ]] || ! grep -q ': error CS' "$log"; then
    [[ -z "$rid" ]] || echo "build.sh: no ReadyToRun compile for $rid (see ${log#"$root/"}); using a plain build" >&2
    if dotnet build "$project" --no-incremental -nologo -verbosity:quiet -clp:NoSummary -o "$next" >"$log" 2>&1; then
      swap_in "$next"
      return
    fi
  fi
  grep -E ': error ' "$log" | sort -u >&2 || cat "$log" >&2
  echo "build.sh: compiling the build failed (full log: ${log#"$root/"})" >&2
  exit 2
}

swap_in() {
  rm -rf "$out.old"
  if [[ -d "$out" ]]; then mv "$out" "$out.old"; fi
  mv "$1" "$out"
  rm -rf "$out.old"
}

command -v dotnet >/dev/null ||
  fail "'dotnet' is not on PATH. Install the .NET SDK pinned in global.json ($(json_value version), rollForward $(json_value rollForward)) and put it on PATH."

# The compiled build is current when it exists and the stamp is the given content hash.
current() {
  local stamped=""
  [[ -f "$out/_build.dll" && -f "$stamp" ]] || return 1
  read -r stamped <"$stamp" || true
  [[ "$stamped" == "$1" ]]
}

taken="${EPOCHREALTIME:-0}" # bash 5; without it nothing is recorded
taken="${taken%%.*}"
sources="$(listing)" || sources=""
if [[ -n "$sources" && -f "$fingerprint" ]]; then
  recorded=""
  IFS= read -r -d '' recorded <"$fingerprint" || true
  if current "${recorded%%$'\n'*}" && [[ "$recorded" == "${recorded%%$'\n'*}"$'\n'"$sources"$'\n' ]]; then
    exec dotnet "$out/_build.dll" "$@"
  fi
fi

hash="$(sources_hash)"
if ! current "$hash"; then
  mkdir -p "$temp"
  # One compile at a time (parallel CI steps on one checkout, build.ps1 takes the same lock); re-check
  # once we hold it.
  exec 9>"$temp/compile.lock"
  if command -v flock >/dev/null; then flock 9; fi
  if ! current "$hash"; then
    compile
    echo "$hash" >"$stamp"
  fi
  exec 9>&-
fi
remember "$hash" "$sources" "$taken"

exec dotnet "$out/_build.dll" "$@"
