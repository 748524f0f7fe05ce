#!/bin/sh
# Runs one libFuzzer target as a test: first every committed regression
# input (each a crash or a broken promise found before, now fixed), then
# fuzzing for SECONDS from the committed seed corpus, with the target's
# dictionary. New corpus entries and any crash go beside the binary (the
# build directory), never into the source tree.
#
# usage: run_fuzz.sh FUZZ_BINARY NAME SECONDS
# VISTA_FUZZ_SECONDS, when set, overrides SECONDS (make fuzz).
set -eu
bin=$1
name=$2
seconds=${VISTA_FUZZ_SECONDS:-$3}
src=$(cd "$(dirname "$0")" && pwd)
work=$(dirname "$bin")
corpus=$work/corpus/$name
artifacts=$work/artifacts/$name
mkdir -p "$corpus" "$artifacts"

# Leaks are found per input; a slow input is a hang after 10 s.
opts="-rss_limit_mb=1024 -timeout=10 -artifact_prefix=$artifacts/"
[ -f "$src/dict/$name.dict" ] && opts="$opts -dict=$src/dict/$name.dict"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

regressions=$(find "$src/regressions/$name" -type f 2>/dev/null | sort)
if [ -n "$regressions" ]; then
  echo "== $name: replaying $(echo "$regressions" | wc -l) regression inputs"
  # shellcheck disable=SC2086 # the options and the file list are words
  "$bin" $opts $regressions >"$work/$name.replay.log" 2>&1 || {
    cat "$work/$name.replay.log"
    echo "run_fuzz.sh: $name: a regression input fails again" >&2
    exit 1
  }
fi

echo "== $name: fuzzing for $seconds s"
# shellcheck disable=SC2086
"$bin" $opts -max_total_time="$seconds" -print_final_stats=1 \
  "$corpus" "$src/corpus/$name" >"$work/$name.log" 2>&1 || {
  tail -n 60 "$work/$name.log"
  echo "run_fuzz.sh: $name: the fuzzer found a failure;" \
       "the input is in $artifacts/" >&2
  exit 1
}
grep -E '^#[0-9]+[[:space:]]+DONE' "$work/$name.log" || tail -n 3 "$work/$name.log"
