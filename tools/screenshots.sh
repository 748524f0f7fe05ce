#!/bin/sh
# The README's screenshots of the example college's report, in English and
# in Dutch: docs/report.png and docs/report-nl.png, the top of the page as
# headless Chromium draws it at 960 pixels. Run by `make screenshots`.
# usage: tools/screenshots.sh VISTA_BINARY
set -eu
vista=$(realpath "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
chromium=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium" ] || { echo "screenshots: Debian's chromium is needed (sh tools/deps.sh test)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db="$tmp/c.db"
ex="$root/examples/college"
for what in "strategy $ex/strategy.lua" "mobility $ex/mobility.csv" "facts $ex/facts.csv" \
            "partners $ex/partners.csv" "timeline $ex/timeline.csv" "survey $ex/survey.csv" \
            "mobility $root/examples/consortium/mobility.csv"; do
  # shellcheck disable=SC2086
  "$vista" --db "$db" import $what >/dev/null
done
# A fixed date, so that the pictures change only when the report does.
for lang in en nl; do
  "$vista" --db "$db" run report --lang "$lang" --as-of 2026-11-23 --out "$tmp/report-$lang.html" >/dev/null
  png="$root/docs/report-$lang.png"
  [ "$lang" = en ] && png="$root/docs/report.png"
  "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=960,1950 \
    --screenshot="$png" "file://$tmp/report-$lang.html" >/dev/null 2>&1
  echo "$png"
done
