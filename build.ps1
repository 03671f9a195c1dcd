#!/usr/bin/env pwsh
# Bootstrap for PowerShell users; mirrors build.sh: check the SDK against global.json, compile
# build/_build.csproj only when its sources changed, then run the compiled build with all arguments.
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
            '^(latest)?[Pp]atch$' { $candidate.Major -eq $wanted.Major -and $candidate.Minor -eq $wanted.Minor -and [int]($candidate.Build / 100) -eq [int]($wanted.Build / 100) }
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

function Get-SourcesHash {
    $files = Get-ChildItem (Join-Path $Root 'build') -Recurse -File -Include *.cs, *.csproj, *.props, *.targets, *.json, *.config |
        Where-Object { $_.FullName -notmatch '[\\/](bin|obj)[\\/]' }
    $files += 'Directory.Build.props', 'Directory.Build.targets', 'Directory.Packages.props', 'global.json', 'NuGet.config' |
        ForEach-Object { Join-Path $Root $_ } | Where-Object { Test-Path $_ } | ForEach-Object { Get-Item $_ }
    $text = ($files | Sort-Object FullName | ForEach-Object { "$($_.FullName) $($_.Length) $($_.LastWriteTimeUtc.Ticks)" }) -join "`n"
    $bytes = [System.Text.Encoding]::UTF8.GetBytes($text)
    [System.BitConverter]::ToString([System.Security.Cryptography.SHA256]::Create().ComputeHash($bytes)) -replace '-', ''
}

$Hash = Get-SourcesHash
$Dll = Join-Path $Out '_build.dll'
if (-not (Test-Path $Dll) -or -not (Test-Path $Stamp) -or (Get-Content $Stamp -Raw).Trim() -ne $Hash) {
    Test-Sdk
    New-Item -ItemType Directory -Force -Path $Temp | Out-Null
    $Log = Join-Path $Temp 'build-compile.log'
    & dotnet build $Project -nologo -verbosity:quiet -clp:NoSummary -o $Out *> $Log
    if ($LASTEXITCODE -ne 0) {
        $errors = Select-String -Path $Log -Pattern ': error ' | ForEach-Object { $_.Line } | Sort-Object -Unique
        if ($errors) { $errors | ForEach-Object { [Console]::Error.WriteLine($_) } } else { Get-Content $Log | ForEach-Object { [Console]::Error.WriteLine($_) } }
        Fail "compiling the build failed (full log: .nuke/temp/build-compile.log)"
    }
    Set-Content -Path $Stamp -Value $Hash
}

& dotnet $Dll @BuildArguments
exit $LASTEXITCODE
