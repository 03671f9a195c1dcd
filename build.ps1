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

# The stamp build.sh computes (see sources_hash there): sha256 of each input file, one
# "<sha256>  <path>" line per file sorted by path in byte order, and the sha256 of those lines.
function Get-SourcesHash {
    $extensions = '.cs', '.csproj', '.props', '.targets', '.json', '.config', '.sh'
    $files = @(Get-ChildItem (Join-Path $Root 'build') -Recurse -File |
        Where-Object { $extensions -contains $_.Extension } |
        Where-Object { [IO.Path]::GetRelativePath($Root, $_.FullName).Replace('\', '/') -notmatch '(^|/)(bin|obj)/' })
    $files += 'Directory.Build.props', 'Directory.Build.targets', 'Directory.Packages.props', 'global.json', 'NuGet.config', 'nuget.config' |
        ForEach-Object { Join-Path $Root $_ } | Where-Object { Test-Path $_ -PathType Leaf } | ForEach-Object { Get-Item $_ }
    [string[]]$paths = $files | ForEach-Object { [IO.Path]::GetRelativePath($Root, $_.FullName).Replace('\', '/') }
    [Array]::Sort($paths, [StringComparer]::Ordinal)
    $sha = [System.Security.Cryptography.SHA256]
    $lines = foreach ($path in $paths) {
        $hash = [Convert]::ToHexStringLower($sha::HashData([IO.File]::ReadAllBytes((Join-Path $Root $path))))
        "$hash  $path`n"
    }
    [Convert]::ToHexStringLower($sha::HashData([Text.Encoding]::UTF8.GetBytes(-join $lines)))
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
    if (Test-Path $next) { Remove-Item -Recurse -Force $next }
    $ok = $false
    if ($rid) {
        & dotnet publish $Project -nologo -verbosity:quiet -clp:NoSummary -c Release -r $rid --self-contained false `
            -p:PublishReadyToRun=true --artifacts-path (Join-Path $Temp 'artifacts') -o $next *> $log
        $ok = $LASTEXITCODE -eq 0
    }
    if (-not $ok -and (-not $rid -or -not (Select-String -Path $log -Pattern ': error CS' -Quiet))) {
        if ($rid) { [Console]::Error.WriteLine("build.ps1: no ReadyToRun compile for $rid (see .nuke/temp/build-compile.log); using a plain build") }
        & dotnet build $Project -nologo -verbosity:quiet -clp:NoSummary -o $next *> $log
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

$Hash = Get-SourcesHash
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

& dotnet (Join-Path $Out '_build.dll') @BuildArguments
exit $LASTEXITCODE
