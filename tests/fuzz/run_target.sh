#!/usr/bin/env bash
# Runs one libFuzzer target (ctest's bounded run and scripts/fuzz both call this):
#   run_target.sh BINARY NAME SECONDS OUT_DIR [--fresh]
# 1. Replays every input of regressions/NAME once: each crashed the target once, so each
#    must pass now, whatever the time budget.
# 2. Fuzzes SECONDS over OUT_DIR/corpus, seeded from corpus/NAME and regressions/NAME,
#    which libFuzzer only reads: the tree is never written. --fresh starts from an empty
#    OUT_DIR (the bounded run); without it the work corpus grows from run to run.
# A crash, leak, timeout or failed FUZZ_CHECK fails the run; its input is kept in
# OUT_DIR/crashes/ and printed in base64, so a CI log alone reproduces it. The random
# seed is printed; FUZZ_SEED=N repeats a run. OUT_DIR/summary gets one line of numbers.
set -euo pipefail
if [ $# -lt 4 ]; then
  echo "usage: $0 BINARY NAME SECONDS OUT_DIR [--fresh]" >&2
  exit 2
fi
bin=$1 name=$2 seconds=$3 out=$4
here="$(cd "$(dirname "$0")" && pwd)"
corpus="$here/corpus/$name"
regressions="$here/regressions/$name"
dict="$here/dicts/$name.dict"

if [ "${5:-}" = "--fresh" ]; then rm -rf "$out"; fi
mkdir -p "$out/corpus" "$out/crashes"
seed="${FUZZ_SEED:-$(( (RANDOM << 15 | RANDOM) + 1 ))}"
# Leaks count as crashes; UBSan already aborts (-fno-sanitize-recover).
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"

report_crashes() {
  echo "fuzz $name: FAILED (seed $seed); log: $out/fuzz.log" >&2
  tail -n 60 "$out/fuzz.log" >&2 || true
  for f in "$out"/crashes/*; do
    [ -f "$f" ] || continue
    echo "input $(basename "$f") (base64; save it as tests/fuzz/regressions/$name/<why> once fixed):" >&2
    base64 -w 100 "$f" >&2
  done
  exit 1
}

mapfile -t replay < <(find "$regressions" -type f 2>/dev/null | sort)
if ((${#replay[@]})); then
  "$bin" -artifact_prefix="$out/crashes/" "${replay[@]}" >"$out/fuzz.log" 2>&1 || report_crashes
fi

dirs=("$out/corpus" "$corpus")
[ -d "$regressions" ] && dirs+=("$regressions")
options=(-seed="$seed" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=1536
         -artifact_prefix="$out/crashes/")
[ -f "$dict" ] && options+=(-dict="$dict")
"$bin" "${options[@]}" "${dirs[@]}" >>"$out/fuzz.log" 2>&1 || report_crashes

runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/fuzz.log" | tail -n 1)
cov=$(grep -o 'cov: [0-9]*' "$out/fuzz.log" | tail -n 1 | cut -d' ' -f2)
inputs=$(find "$out/corpus" -type f | wc -l)
printf '%-12s %10s executions in %4ss  cov %-6s work corpus %-5s regressions replayed %s  seed %s\n' \
  "$name" "${runs:-0}" "$seconds" "${cov:-?}" "$inputs" "${#replay[@]}" "$seed" | tee "$out/summary"
