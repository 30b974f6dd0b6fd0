#!/usr/bin/env bash
# The long checks that make check runs only briefly, one after another:
#   stress    tests/stress: readers and writers over NBD with
#             rewrite-corrupted on, every replica checked after each
#             acknowledged round (STRESS_SECONDS, default 600: at least
#             ten minutes)
#   load      tests/load: 16 fio clients against a quorum with a
#             replica failing 1 % of requests and one flipping bits
#             (LOAD_SECONDS, default 600; make check runs 30)
#   resync    the resync crash loop (tests/qmp/test_resync.py): the
#             daemon is SIGKILLed at random moments while a writer runs
#             and an NBD replica comes and goes (RESYNC_CRASH_CYCLES,
#             default 25; make check runs 3)
#   faults    tests/faults: the whole fault matrix (make check runs 300
#             scenarios)
#   crash     tests/crash: SIGKILL during writes and flushes
#             (CRASH_CYCLES, default 100; make check runs 10)
#   fuzz      scripts/fuzz-long.sh: each libFuzzer target for
#             FUZZ_SECONDS (default 300)
#   memcheck  the iotests with every program under valgrind memcheck
#             (tests/qemu-iotests/check -valgrind); skipped without
#             valgrind
#
#   scripts/check-long.sh [BUILD_DIR]
# Prints one summary line per part, then the combined
# "N passed, N failed[, N skipped]" line over all of them.
set -u
srcdir=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$srcdir/build}" && pwd) || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-long.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
total_pass=0 total_fail=0 total_skip=0
summaries=()

# PART LOG RC: add the part's last "N passed, N failed[, N skipped]".
add() {
    local line p f s
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$2" | tail -n1)
    if [ -z "$line" ]; then
        line="0 passed, 1 failed"
    elif [ "$3" -ne 0 ] && [[ "$line" == *" 0 failed"* ]]; then
        line="${line/ 0 failed/ 1 failed}"
    fi
    p=$(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$line")
    f=$(sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$line")
    s=$(sed -nE 's/.*, ([0-9]+) skipped$/\1/p' <<<"$line")
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
    total_skip=$((total_skip + ${s:-0}))
    summaries+=("$(printf '%-9s %s' "$1:" "$line")")
}

echo "===== stress (${STRESS_SECONDS:-600} s) ====="
"$srcdir/tests/stress/run" --build-dir "$build" \
    --duration "${STRESS_SECONDS:-600}" 2>&1 | tee "$tmp/stress.log"
add stress "$tmp/stress.log" "${PIPESTATUS[0]}"

echo "===== load (${LOAD_SECONDS:-600} s) ====="
"$srcdir/tests/load/run" --build-dir "$build" \
    --duration "${LOAD_SECONDS:-600}" 2>&1 | tee "$tmp/load.log"
add load "$tmp/load.log" "${PIPESTATUS[0]}"

echo "===== resync crash loop (${RESYNC_CRASH_CYCLES:-25} cycles) ====="
RESYNC_CRASH_CYCLES=${RESYNC_CRASH_CYCLES:-25} \
    "$srcdir/tests/qmp/run" -v --build-dir "$build" \
    test_sigkill_loop 2>&1 | tee "$tmp/resync.log"
add resync "$tmp/resync.log" "${PIPESTATUS[0]}"

echo "===== fault matrix (all scenarios) ====="
"$srcdir/tests/faults/run" --build-dir "$build" --all 2>&1 | tee "$tmp/faults.log"
add faults "$tmp/faults.log" "${PIPESTATUS[0]}"

echo "===== crash loop (${CRASH_CYCLES:-100} cycles) ====="
CRASH_CYCLES=${CRASH_CYCLES:-100} "$srcdir/tests/crash/run" \
    --build-dir "$build" 2>&1 | tee "$tmp/crash.log"
add crash "$tmp/crash.log" "${PIPESTATUS[0]}"

echo "===== fuzz (${FUZZ_SECONDS:-300} s per target) ====="
"$srcdir/scripts/fuzz-long.sh" "$build" 2>&1 | tee "$tmp/fuzz.log"
add fuzz "$tmp/fuzz.log" "${PIPESTATUS[0]}"

echo "===== memcheck (iotests under valgrind) ====="
if command -v valgrind >/dev/null 2>&1; then
    (cd "$srcdir/tests/qemu-iotests" &&
     ./check --build-dir "$build" -valgrind) 2>&1 | tee "$tmp/memcheck.log"
    add memcheck "$tmp/memcheck.log" "${PIPESTATUS[0]}"
else
    echo "valgrind not installed"
    echo "0 passed, 0 failed, 1 skipped" >"$tmp/memcheck.log"
    add memcheck "$tmp/memcheck.log" 0
fi

echo "===== summary ====="
printf '%s\n' "${summaries[@]}"
final="$total_pass passed, $total_fail failed"
[ "$total_skip" -gt 0 ] && final="$final, $total_skip skipped"
echo "$final"
[ "$total_fail" -eq 0 ]
