#!/usr/bin/env pwsh
# Bootstrap for PowerShell users; the same as build.sh: check the SDK against global.json, compile
# build/_build.csproj (ReadyToRun) only when its sources changed, then run the compiled build with all
# arguments. Both bootstraps share .nuke/temp/bin: the same stamp, the same compile lock, the same compile.
[CmdletBinding(PositionalBinding = $false)]
param([Parameter(ValueFromRemainingArguments = $true)][string[]]$BuildArguments)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'

$Root = $PSScriptRoot
$Project = Join-Path $Root 'build/_build.csproj'
$Temp = Join-Path $Root '.nuke/temp'
$Out = Join-Path $Temp 'bin'
$Stamp = Join-Path $Temp 'build.stamp'
$Fingerprint = Join-Path $Temp 'build-ps1.fingerprint'

$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'
$env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = '1'

function Fail([string]$Message) {
    [Console]::Error.WriteLine("build.ps1: $Message")
    exit 2
}

$GlobalJson = Join-Path $Root 'global.json'
$Sdk = if (Test-Path $GlobalJson) { (Get-Content $GlobalJson -Raw | ConvertFrom-Json).sdk } else { $null }

if (-not (Get-Command dotnet -ErrorAction SilentlyContinue)) {
    Fail "'dotnet' is not on PATH. Install the .NET SDK pinned in global.json ($($Sdk.version)) and put it on PATH."
}

# global.json pins the SDK; rollForward says which installed SDKs also satisfy it.
function Test-Sdk {
    if ($null -eq $Sdk -or -not $Sdk.version) { return }
    $wanted = [version]($Sdk.version -replace '-.*$', '')
    $policy = if ($Sdk.PSObject.Properties['rollForward']) { $Sdk.rollForward } else { 'latestPatch' }
    $allowPrerelease = $Sdk.PSObject.Properties['allowPrerelease'] -and $Sdk.allowPrerelease
    $installed = @(& dotnet --list-sdks | ForEach-Object { ($_ -split ' ')[0] })
    $ok = $installed | Where-Object {
        if ($_ -match '-' -and -not $allowPrerelease) { return $false }
        $candidate = [version]($_ -replace '-.*$', '')
        if ($candidate -lt $wanted) { return $false }
        switch -Regex ($policy) {
            '^disable$' { $candidate -eq $wanted }
            '^(latest)?[Pp]atch$' { $candidate.Major -eq $wanted.Major -and $candidate.Minor -eq $wanted.Minor -and [int][math]::Floor($candidate.Build / 100) -eq [int][math]::Floor($wanted.Build / 100) }
            '^(latest)?[Ff]eature$' { $candidate.Major -eq $wanted.Major -and $candidate.Minor -eq $wanted.Minor }
            '^(latest)?[Mm]inor$' { $candidate.Major -eq $wanted.Major }
            default { $true }
        }
    }
    if (-not $ok) {
        Fail ("global.json needs .NET SDK $($Sdk.version) or a later one allowed by rollForward '$policy'. " +
            "Installed SDKs: $($installed -join ', '). Install a matching SDK, then run this script again.")
    }
}

# The inputs build.sh's find selects (sources, embedded scripts, MSBuild and SDK settings), sorted by their
# path relative to the root in byte order (ordinal): each as @{ Path; File }.
function Get-Inputs {
    $extensions = '.cs', '.csproj', '.props', '.targets', '.json', '.config', '.sh'
    $files = @(Get-ChildItem (Join-Path $Root 'build') -Recurse -File |
        Where-Object { $extensions -contains $_.Extension } |
        Where-Object { [IO.Path]::GetRelativePath($Root, $_.FullName).Replace('\', '/') -notmatch '(^|/)(bin|obj)/' })
    $files += 'Directory.Build.props', 'Directory.Build.targets', 'Directory.Packages.props', 'global.json', 'NuGet.config', 'nuget.config' |
        ForEach-Object { Join-Path $Root $_ } | Where-Object { Test-Path $_ -PathType Leaf } | ForEach-Object { Get-Item $_ }
    $byPath = [Collections.Generic.SortedDictionary[string, IO.FileInfo]]::new([StringComparer]::Ordinal)
    foreach ($file in $files) { $byPath[[IO.Path]::GetRelativePath($Root, $file.FullName).Replace('\', '/')] = $file }
    foreach ($entry in $byPath.GetEnumerator()) { [pscustomobject]@{ Path = $entry.Key; File = $entry.Value } }
}

# The stamp build.sh computes (see sources_hash there): sha256 of each input file, one
# "<sha256>  <path>" line per file sorted by path in byte order, and the sha256 of those lines.
function Get-SourcesHash($Inputs) {
    $sha = [System.Security.Cryptography.SHA256]
    $lines = foreach ($entry in $Inputs) {
        $hash = [Convert]::ToHexStringLower($sha::HashData([IO.File]::ReadAllBytes($entry.File.FullName)))
        "$hash  $($entry.Path)`n"
    }
    [Convert]::ToHexStringLower($sha::HashData([Text.Encoding]::UTF8.GetBytes(-join $lines)))
}

# The fast path, as build.sh's (see listing there): one line per input with its path, size, last write time
# (100 ns ticks) and, outside Windows, its ctime (whole seconds) and inode, no file read. $Fingerprint holds the
# content hash of the last call whose hash equalled the stamp and the listing taken just before that hash: while
# the stamp and the listing are unchanged, so are the sources, and the content hash is not taken. The listing
# is build.ps1's own (build.sh's find prints other time formats and keeps its own file); both vouch for the one stamp.
function Get-Listing($Inputs) {
    -join @($Inputs | ForEach-Object {
            $line = "$($_.Path)`t$($_.File.Length)`t$($_.File.LastWriteTimeUtc.Ticks)"
            if (-not $IsWindows) { $stat = $_.File.UnixStat; $line += "`t$($stat.StatusChangeTime.ToUniversalTime().Ticks)`t$($stat.Inode)" }
            "$line`n"
        })
}

# Records the listing under the hash it was taken with, unless a file changed within 2 s of the listing (it
# could change again within the same timestamp tick without changing its line: then the next call takes the
# content hash again). Never fatal.
function Save-Listing([string]$Hash, [string]$Listing, [datetime]$Taken, $Inputs) {
    if (-not $Listing) { return }
    $newest = ($Inputs | ForEach-Object {
            $_.File.LastWriteTimeUtc.Ticks
            if (-not $IsWindows) { $_.File.UnixStat.StatusChangeTime.ToUniversalTime().Ticks }
        } | Measure-Object -Maximum).Maximum
    if ($newest -gt $Taken.AddSeconds(-2).Ticks) { return }
    $next = "$Fingerprint.$PID"
    try {
        [IO.File]::WriteAllText($next, "$Hash`n$Listing")
        Move-Item -Force $next $Fingerprint
    }
    catch {
        Remove-Item -Force -ErrorAction SilentlyContinue $next
    }
}

# The RID for a ReadyToRun compile of this machine, or nothing where we do not know it (as build.sh).
function Get-RuntimeId {
    $arch = switch ([System.Runtime.InteropServices.RuntimeInformation]::OSArchitecture) {
        'X64' { 'x64' }
        'Arm64' { 'arm64' }
        default { $null }
    }
    $os = if ($IsLinux) { 'linux' } elseif ($IsMacOS) { 'osx' } elseif ($IsWindows) { 'win' } else { $null }
    if ($arch -and $os) { "$os-$arch" } else { $null }
}

function Test-Stale([string]$Hash) {
    -not (Test-Path (Join-Path $Out '_build.dll')) -or -not (Test-Path $Stamp) -or (Get-Content $Stamp -Raw).Trim() -ne $Hash
}

function Invoke-Build {
    & dotnet (Join-Path $Out '_build.dll') @BuildArguments
    exit $LASTEXITCODE
}

# build.sh's flock on .nuke/temp/compile.lock: on Linux and macOS .NET takes an exclusive open with flock(2),
# the lock flock(1) takes; on Windows it is an exclusive open. Waits while another compile holds it.
function Lock-Compile {
    $path = Join-Path $Temp 'compile.lock'
    while ($true) {
        try {
            return [IO.File]::Open($path, [IO.FileMode]::OpenOrCreate, [IO.FileAccess]::ReadWrite, [IO.FileShare]::None)
        }
        catch [IO.IOException] {
            Start-Sleep -Milliseconds 200
        }
    }
}

# Compiles into a fresh folder and only then swaps it in, as build.sh does (never an overwrite of a loaded _build.dll).
function Invoke-Compile {
    Test-Sdk
    $log = Join-Path $Temp 'build-compile.log'
    $next = Join-Path $Temp 'bin.next'
    $rid = Get-RuntimeId
    # From nothing, never incremental, as build.sh: MSBuild skips a project whose outputs are newer than its
    # sources, so a source changed with its modification time kept would compile to the old build.
    foreach ($stale in $next, (Join-Path $Temp 'artifacts')) { if (Test-Path $stale) { Remove-Item -Recurse -Force $stale } }
    $ok = $false
    if ($rid) {
        & dotnet publish $Project -nologo -verbosity:quiet -clp:NoSummary -c Release -r $rid --self-contained false `
            -p:PublishReadyToRun=true --artifacts-path (Join-Path $Temp 'artifacts') -o $next *> $log
        $ok = $LASTEXITCODE -eq 0
    }
    if (-not $ok -and (-not $rid -or -not (Select-String -Path $log -Pattern ': error CS' -Quiet))) {
        if ($rid) { [Console]::Error.WriteLine("build.ps1: no ReadyToRun compile for $rid (see .nuke/temp/build-compile.log); using a plain build") }
        & dotnet build $Project --no-incremental -nologo -verbosity:quiet -clp:NoSummary -o $next *> $log
        $ok = $LASTEXITCODE -eq 0
    }
    if (-not $ok) {
        $errors = @(Select-String -Path $log -Pattern ': error ' | ForEach-Object { $_.Line } | Sort-Object -Unique)
        if ($errors) { $errors | ForEach-Object { [Console]::Error.WriteLine($_) } } else { Get-Content $log | ForEach-Object { [Console]::Error.WriteLine($_) } }
        Fail "compiling the build failed (full log: .nuke/temp/build-compile.log)"
    }
    $old = "$Out.old"
    if (Test-Path $old) { Remove-Item -Recurse -Force $old }
    if (Test-Path $Out) { Move-Item $Out $old }
    Move-Item $next $Out
    if (Test-Path $old) { Remove-Item -Recurse -Force $old }
}

# The listing before the content hash: a file written in between shows a newer time at the next call.
$Taken = [datetime]::UtcNow
$Inputs = @(Get-Inputs)
$Listing = Get-Listing $Inputs
if ((Test-Path $Fingerprint) -and (Test-Path $Stamp)) {
    $recorded = [IO.File]::ReadAllText($Fingerprint)
    $vouched = $recorded.Split("`n", 2)[0]
    if ($recorded -ceq "$vouched`n$Listing" -and -not (Test-Stale $vouched)) { Invoke-Build }
}

$Hash = Get-SourcesHash $Inputs
if (Test-Stale $Hash) {
    New-Item -ItemType Directory -Force -Path $Temp | Out-Null
    # One compile at a time, shared with build.sh; re-check once we hold the lock.
    $lock = Lock-Compile
    try {
        if (Test-Stale $Hash) {
            Invoke-Compile
            Set-Content -Path $Stamp -Value $Hash
        }
    }
    finally {
        $lock.Dispose()
    }
}
Save-Listing $Hash $Listing $Taken $Inputs

Invoke-Build
