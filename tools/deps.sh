#!/bin/sh
# Installs the Debian packages vista needs, and only those that are missing.
# Called by `make deps` (and so by `make demo` and `make test`). Never asks a
# question: it installs as root or through passwordless sudo, or says exactly
# what to run and fails.
set -eu

# Build and test: the libraries (libcrypto for SHA-256, libxlsxwriter for
# workbooks), line editing, pkg-config, and the sqlite3 shell that the
# tests use as an independent oracle.
packages="pkg-config liblua5.4-dev libsqlite3-dev libcsv-dev libssl-dev libxlsxwriter-dev libcmocka-dev libedit-dev sqlite3 python3"
# The tests render the HTML report in a real browser: Debian's Chromium,
# with a font to draw text with; the fuzzers need clang and its runtime
# (libFuzzer and the sanitizers).
if [ "${1:-}" = test ]; then
  packages="$packages chromium fonts-dejavu-core clang libclang-rt-14-dev"
  # The install test reads the manual page with man, and checks the zsh
  # completion with zsh.
  packages="$packages man-db zsh"
  # The Lua module's test requires it from Debian's own interpreter.
  packages="$packages lua5.4"
  # Workbooks are read back with openpyxl (Debian's python3).
  packages="$packages python3-openpyxl"
fi
# make coverage: gcc's gcov, gcovr for the report, luac5.4 to list the
# executable Lua lines.
if [ "${1:-}" = coverage ]; then
  packages="$packages gcc gcovr lua5.4"
fi
# The benchmark's peers (make bench): pandas, and Node for DuckDB.
if [ "${1:-}" = bench ]; then
  packages="$packages python3-pandas"
  command -v npm >/dev/null 2>&1 || packages="$packages nodejs npm"
fi

missing=""
for p in $packages; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  case "$status" in
    *"install ok installed"*) ;;
    *) missing="$missing $p" ;;
  esac
done

[ -z "$missing" ] && exit 0

echo "vista: installing missing Debian packages:$missing"
if [ "$(id -u)" -eq 0 ]; then
  run=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  run="sudo -n"
else
  echo "vista: cannot install packages (not root, no passwordless sudo); run:" >&2
  echo "  sudo apt-get install -y$missing" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if ! $run apt-get install -y -q --no-install-recommends $missing; then
  # A fresh machine has no package lists yet: fetch them once and retry.
  $run apt-get update -q || { echo "vista: apt-get update failed" >&2; exit 1; }
  $run apt-get install -y -q --no-install-recommends $missing || {
    echo "vista: apt-get install failed for:$missing" >&2
    exit 1
  }
fi
