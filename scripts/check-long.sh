#!/usr/bin/env bash
# The long checks that make check runs only briefly:
#   tests/stress   readers and writers over NBD with rewrite-corrupted on,
#                  every replica checked after each acknowledged round
#                  (STRESS_SECONDS, default 600: at least ten minutes)
#   the resync crash loop (tests/qmp/test_resync.py): the daemon is
#                  SIGKILLed at random moments while a writer runs and an
#                  NBD replica comes and goes (RESYNC_CRASH_CYCLES,
#                  default 25; make check runs 3)
#   tests/faults   the whole fault matrix (make check runs 300 scenarios)
#   tests/crash    SIGKILL during writes and flushes (CRASH_CYCLES, default
#                  100; make check runs 10)
#
#   scripts/check-long.sh [BUILD_DIR]
# Ends with "N passed, N failed[, N skipped]" over all of them.
set -u
srcdir=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$srcdir/build}" && pwd)
pass=0 fail=0 skip=0
tally() {
    local line
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -n1)
    [ -n "$line" ] || { fail=$((fail + 1)); return; }
    set -- $(echo "$line" | tr -c '0-9\n' ' ')
    pass=$((pass + $1)) fail=$((fail + $2)) skip=$((skip + ${3:-0}))
}
log=$(mktemp)
"$srcdir/tests/stress/run" --build-dir "$build" \
    --duration "${STRESS_SECONDS:-600}" 2>&1 | tee "$log"
tally "$log"
RESYNC_CRASH_CYCLES=${RESYNC_CRASH_CYCLES:-25} \
    "$srcdir/tests/qmp/run" -v --build-dir "$build" \
    test_sigkill_loop 2>&1 | tee "$log"
tally "$log"
"$srcdir/tests/faults/run" --build-dir "$build" --all 2>&1 | tee "$log"
tally "$log"
CRASH_CYCLES=${CRASH_CYCLES:-100} "$srcdir/tests/crash/run" \
    --build-dir "$build" 2>&1 | tee "$log"
tally "$log"
rm -f "$log"
s="$pass passed, $fail failed"
[ "$skip" -gt 0 ] && s="$s, $skip skipped"
echo "$s"
[ "$fail" -eq 0 ]
