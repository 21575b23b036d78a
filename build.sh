#!/usr/bin/env bash
# One entry point: ./build.sh run | test | bench [name]
set -euo pipefail
cd "$(dirname "$0")"

usage() {
  cat <<'USAGE'
Usage: ./build.sh <verb> [args]
  run            start Lms on http://127.0.0.1:5000 (embedded mode: SQLite under ./data, one silo)
  test [args]    install what the tests need if missing, then run every test (args go to dotnet test)
  bench [name]   run a benchmark from bench/ (e.g. ./build.sh bench classroom); prints JSON lines
USAGE
}

need() { command -v "$1" >/dev/null 2>&1; }

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

# What the tests run for real: ffmpeg, Chromium, PostgreSQL, Redis.
missing_test_packages() {
  local missing=()
  need ffmpeg && need ffprobe || missing+=(ffmpeg)
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
  need redis-server || missing+=(redis-server)
  need pdftoppm || missing+=(poppler-utils)
  [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
  # A real SMTP server for the mail tests (Debian's python, not whatever python3 is first on PATH).
  /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || missing+=(python3-aiosmtpd)
  echo "${missing[@]:-}"
}

install_test_packages() {
  local missing
  missing=$(missing_test_packages)
  [ -z "$missing" ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if need sudo && sudo -n true 2>/dev/null; then sudo="sudo"; else
      echo "The tests need these Debian packages: $missing" >&2
      echo "Install them with: sudo apt-get install -y $missing" >&2
      exit 1
    fi
  fi
  echo "Installing test dependencies: $missing"
  $sudo apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
  # The Debian postgresql package starts a cluster on 5432; the tests start their own.
}

case "${1:-}" in
  run)
    shift
    require_sdk
    exec dotnet run --project Lms.Server -c Release -- "$@"
    ;;
  test)
    shift
    require_sdk
    install_test_packages
    dotnet build Lms.sln -c Debug -nologo -clp:ErrorsOnly
    mkdir -p test-artifacts
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
  -h|--help|help|"")
    usage
    ;;
  *)
    usage >&2
    exit 2
    ;;
esac
