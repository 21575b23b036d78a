#!/usr/bin/env pwsh
# One entry point on Windows (and anywhere PowerShell runs): ./build.ps1 run | build | test | bench [name]
param(
    [Parameter(Position = 0)][ValidateSet('run', 'build', 'test', 'bench', 'backup', 'restore', 'help')][string]$Verb = 'help',
    [Parameter(Position = 1, ValueFromRemainingArguments = $true)][string[]]$Rest = @()
)
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

function Require-Sdk {
    if (-not (Get-Command dotnet -ErrorAction SilentlyContinue)) { throw 'The .NET 10 SDK is needed: https://dot.net' }
    if (-not (Get-Command npm -ErrorAction SilentlyContinue)) { throw 'Node.js 20+ and npm are needed to build the web app.' }
}

function Check-TestTools {
    # On Windows nothing is installed for you: the tests need these on PATH (or the paths set in the
    # environment variables the README names): ffmpeg/ffprobe, Chromium (LMS_CHROMIUM),
    # PostgreSQL's initdb/pg_ctl (LMS_PG_BIN), redis-server.
    $missing = @()
    if (-not (Get-Command ffmpeg -ErrorAction SilentlyContinue)) { $missing += 'ffmpeg' }
    if (-not (Get-Command redis-server -ErrorAction SilentlyContinue)) { $missing += 'redis-server' }
    if (-not $env:LMS_PG_BIN -and -not (Get-Command initdb -ErrorAction SilentlyContinue)) { $missing += 'postgresql (initdb, pg_ctl)' }
    if ($missing.Count -gt 0) {
        if ($IsLinux -and (Get-Command apt-get -ErrorAction SilentlyContinue)) { & bash ./build.sh test @Rest; exit $LASTEXITCODE }
        throw "The tests need: $($missing -join ', '). Install them and put them on PATH."
    }
}

function Check-RunTools {
    # What a running server uses (./build.sh run installs them with apt): ffmpeg and ffprobe for
    # videos, sound and pictures (or --Media:FfmpegFolder=...), poppler's pdftoppm for PDF previews.
    if ($env:LMS_SKIP_INSTALL -eq '1') { return }
    $missing = @()
    if (-not (Get-Command ffmpeg -ErrorAction SilentlyContinue) -or -not (Get-Command ffprobe -ErrorAction SilentlyContinue)) { $missing += 'ffmpeg (ffmpeg, ffprobe)' }
    if (-not (Get-Command pdftoppm -ErrorAction SilentlyContinue)) { $missing += 'poppler (pdftoppm, pdfinfo)' }
    if ($missing.Count -gt 0) {
        throw "Running Lms needs: $($missing -join ', '). Install them and put them on PATH, or set LMS_SKIP_INSTALL=1 to start without them."
    }
}

switch ($Verb) {
    'run' {
        Require-Sdk; Check-RunTools
        Write-Output '==> Building Lms.Server (restore, the web app with npm, compile); the first time takes a minute or two'
        dotnet build Lms.Server/Lms.Server.csproj -c Release -nologo -v:minimal
        if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
        Write-Output '==> Starting Lms (data in Lms.Server/data; Ctrl+C stops it)'
        dotnet run --project Lms.Server -c Release --no-build -- @Rest; exit $LASTEXITCODE
    }
    'build' {
        # Everything, as the tests use it (Debug): the server, the web app (npm, REST types, Vite), the tests and the bench.
        Require-Sdk
        Write-Output '==> Building everything (Debug): restore, the web app with npm, compile'
        dotnet build Lms.sln -c Debug -nologo -clp:ErrorsOnly @Rest; exit $LASTEXITCODE
    }
    'test' {
        Require-Sdk; Check-TestTools
        dotnet build Lms.sln -c Debug -nologo -clp:ErrorsOnly
        if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
        dotnet test Lms.Tests -c Debug --no-build -nologo --logger 'console;verbosity=normal' --results-directory test-artifacts @Rest
        exit $LASTEXITCODE
    }
    'bench' { Require-Sdk; dotnet run --project bench -c Release -- @Rest; exit $LASTEXITCODE }
    { $_ -in 'backup', 'restore' } {
        Require-Sdk
        dotnet build Lms.Server/Lms.Server.csproj -c Release -nologo -v:minimal
        if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
        dotnet run --project Lms.Server -c Release --no-build -- $Verb @Rest; exit $LASTEXITCODE
    }
    default { Write-Output 'Usage: ./build.ps1 run | build | test [dotnet test args] | bench [name] | backup <folder> | restore <folder>' }
}
