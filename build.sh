#!/usr/bin/env bash
# One entry point: ./build.sh run | test | bench [name]
set -euo pipefail
cd "$(dirname "$0")"

usage() {
  cat <<'USAGE'
Usage: ./build.sh <verb> [args]
  run [args]     install what running needs if missing, build, and start Lms on http://127.0.0.1:5000
                 (embedded mode: SQLite under Lms.Server/data, one silo); args are configuration keys
  test [args]    install what the tests need if missing, then run every test (args go to dotnet test)
  bench [name]   run a benchmark from bench/ (e.g. ./build.sh bench classroom); prints JSON lines
  backup <folder> [args]   copy the database, content and keys into an empty folder, with a manifest and checksums
  restore <folder> [args]  restore such a folder onto an empty database and data folder (args: configuration keys)
USAGE
}

need() { command -v "$1" >/dev/null 2>&1; }

# A numbered step, so that a first build (a minute or two of restore, npm and compile) shows what it is doing.
step() { printf '\n==> %s\n' "$*"; }

require_sdk() {
  if ! need dotnet; then
    echo "The .NET 10 SDK is needed: https://dot.net (or 'apt-get install dotnet-sdk-10.0' from Microsoft's feed)." >&2
    exit 1
  fi
  if ! need npm; then
    echo "Node.js 20+ and npm are needed to build the web app: apt-get install -y nodejs npm" >&2
    exit 1
  fi
}

# What a running server uses: ffmpeg/ffprobe (videos, sound, pictures, recordings), poppler (PDF
# previews) and a font with Vietnamese letters (certificate PDFs).
missing_run_packages() {
  local missing=()
  need ffmpeg && need ffprobe || missing+=(ffmpeg)
  need pdftoppm && need pdfinfo || missing+=(poppler-utils)
  [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
  echo "${missing[@]:-}"
}

# What the tests run for real besides: Chromium, PostgreSQL, Redis, an SMTP server, a TURN server.
missing_test_packages() {
  local missing=()
  read -r -a missing <<<"$(missing_run_packages)"
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
  need redis-server || missing+=(redis-server)
  # A real SMTP server for the mail tests (Debian's python, not whatever python3 is first on PATH).
  /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || missing+=(python3-aiosmtpd)
  # A real TURN server (coturn) for the live classroom's relay-only browser test.
  need turnserver || missing+=(coturn)
  echo "${missing[@]:-}"
}

# install_packages <who needs them> <package>...: apt-get as root or with password-less sudo;
# otherwise the exact command to run, and stop (starting without them would only fail later).
install_packages() {
  local purpose=$1
  shift
  [ "$#" -eq 0 ] && return 0
  if [ "${LMS_SKIP_INSTALL:-}" = "1" ]; then
    echo "LMS_SKIP_INSTALL=1: not installing $* (needed for $purpose); what needs them will not work." >&2
    return 0
  fi
  if ! need apt-get; then
    echo "These are needed for $purpose: $* (Debian package names). Install them with your package manager," >&2
    echo "or set LMS_SKIP_INSTALL=1 to go on without them." >&2
    exit 1
  fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if need sudo && sudo -n true 2>/dev/null; then sudo="sudo"; else
      echo "These Debian packages are needed for $purpose: $*" >&2
      echo "Install them with: sudo apt-get install -y $*" >&2
      echo "(or set LMS_SKIP_INSTALL=1 to go on without them)" >&2
      exit 1
    fi
  fi
  step "Installing what is needed for $purpose: $*"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@"
  # The Debian postgresql package starts a cluster on 5432; the tests start their own.
}

# Restore, web app (npm ci when its lock file changed, Vite when its sources changed) and compile,
# each announced: the first time this takes a minute or two, later ones seconds.
build_server() {
  local configuration=$1
  step "[1/3] Restoring .NET packages (the first time downloads them)"
  dotnet restore Lms.Server/Lms.Server.csproj -nologo -v:minimal
  step "[2/3] Web app: npm ci if its packages changed, then the Vite build if its sources changed"
  dotnet msbuild Lms.Server/Lms.Server.csproj -t:LmsWebBuild -p:Configuration="$configuration" -nologo -v:minimal
  step "[3/3] Compiling Lms.Server ($configuration)"
  dotnet build Lms.Server/Lms.Server.csproj -c "$configuration" --no-restore -nologo -v:minimal
}

case "${1:-}" in
  run)
    shift
    require_sdk
    # shellcheck disable=SC2046
    install_packages "running Lms" $(missing_run_packages)
    build_server Release
    step "Starting Lms (data in Lms.Server/data; Ctrl+C stops it)"
    exec dotnet run --project Lms.Server -c Release --no-build -- "$@"
    ;;
  test)
    shift
    require_sdk
    # shellcheck disable=SC2046
    install_packages "the tests" $(missing_test_packages)
    step "Building everything (Debug)"
    dotnet build Lms.sln -c Debug -nologo -clp:ErrorsOnly
    mkdir -p test-artifacts
    step "Running the tests (the log is kept in test-artifacts/test-output.log)"
    set +e
    dotnet test Lms.Tests -c Debug --no-build -nologo \
      --logger "console;verbosity=normal" --results-directory test-artifacts "$@" \
      | tee test-artifacts/test-output.log
    status=${PIPESTATUS[0]}
    set -e
    if [ "$status" -ne 0 ]; then
      # CI shows the tail of a long log: repeat each failure (name, message, first lines of the stack) there.
      echo "=== Failed tests ==="
      awk '/^  Failed Lms\./ { n = 40 } /^  Passed Lms\./ { n = 0 } n > 0 { print; n-- }' test-artifacts/test-output.log
    fi
    exit "$status"
    ;;
  bench)
    shift
    require_sdk
    exec dotnet run --project bench -c Release -- "$@"
    ;;
  backup|restore)
    verb=$1
    shift
    require_sdk
    build_server Release
    # The same binary and working folder as run, so the same data (relative folders are from Lms.Server/).
    exec dotnet run --project Lms.Server -c Release --no-build -- "$verb" "$@"
    ;;
  -h|--help|help|"")
    usage
    ;;
  *)
    usage >&2
    exit 2
    ;;
esac
