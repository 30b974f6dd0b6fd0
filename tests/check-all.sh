#!/usr/bin/env bash
# Run every test suite against one build directory and print a combined
# summary as the very last line:  "N passed, N failed[, N skipped]".
#
#   tests/check-all.sh [--build-dir DIR] [--no-diff] [--no-unit] [--no-iotests]
#
# Suites:
#   unit      meson test -C DIR --print-errorlogs
#   iotests   tests/qemu-iotests/check --build-dir DIR
#   diff      tests/diff/run --build-dir DIR      (skipped with --no-diff)
#   qmp, nbd, nbd-server, nbd-events, fuzz, tls, stress, load, faults, crash,
#   netns, vm
#             tests/SUITE/run --build-dir DIR, when present
#
# Exit status: 0 if nothing failed, 1 otherwise.

set -u

srcdir=$(cd "$(dirname "$0")/.." && pwd)
build=build
run_unit=1
run_iotests=1
run_diff=1
diff_jobs=${DIFF_JOBS:-$(nproc 2>/dev/null || echo 1)}

while [ $# -gt 0 ]; do
    case "$1" in
    --build-dir) build="$2"; shift 2 ;;
    --build-dir=*) build="${1#--build-dir=}"; shift ;;
    --no-diff) run_diff=0; shift ;;
    --no-unit) run_unit=0; shift ;;
    --no-iotests) run_iotests=0; shift ;;
    -h|--help)
        sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
        exit 0 ;;
    *) echo "check-all.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done

case "$build" in
/*) ;;
*) if [ ! -d "$build" ] && [ -d "$srcdir/$build" ]; then build="$srcdir/$build"; fi ;;
esac
build=$(cd "$build" 2>/dev/null && pwd || echo "$build")

total_pass=0
total_fail=0
total_skip=0
summaries=()
tmp=$(mktemp -d "${TMPDIR:-/tmp}/check-all.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

add() {  # add SUITE PASS FAIL SKIP [NOTE]
    total_pass=$((total_pass + $2))
    total_fail=$((total_fail + $3))
    total_skip=$((total_skip + $4))
    local s="$2 passed, $3 failed"
    [ "$4" -gt 0 ] && s="$s, $4 skipped"
    summaries+=("$(printf '%-8s %s%s' "$1:" "$s" "${5:+ ($5)}")")
}

# Parse the "N passed, N failed[, N skipped]" line a runner prints last.
add_from_summary() {  # SUITE LOGFILE RC
    local line p f s
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed(, [0-9]+ skipped)?$' "$2" | tail -n1)
    if [ -z "$line" ]; then
        add "$1" 0 1 0 "runner exited with status $3 and printed no summary"
        return
    fi
    p=$(sed -E 's/^([0-9]+) passed.*/\1/' <<<"$line")
    f=$(sed -E 's/^[0-9]+ passed, ([0-9]+) failed.*/\1/' <<<"$line")
    s=0
    if [[ "$line" == *skipped ]]; then
        s=$(sed -E 's/.*, ([0-9]+) skipped$/\1/' <<<"$line")
    fi
    if [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then
        add "$1" "$p" 1 "$s" "runner exited with status $3"
    else
        add "$1" "$p" "$f" "$s"
    fi
}

banner() {
    echo
    echo "===== $* ====="
}

# ---------------------------------------------------------------- unit tests
if [ "$run_unit" = 1 ]; then
    banner "unit tests (meson test -C $build)"
    if [ ! -f "$build/build.ninja" ]; then
        echo "no configured build in $build; unit tests not run"
        add unit 0 0 0 "no build directory"
    elif ! command -v meson >/dev/null 2>&1; then
        echo "meson not found; unit tests not run"
        add unit 0 1 0 "meson missing"
    else
        meson test -C "$build" --print-errorlogs >"$tmp/unit.log" 2>&1
        rc=$?
        cat "$tmp/unit.log"
        # meson's summary block: "Ok: N", "Expected Fail: N", "Fail: N",
        # "Unexpected Pass: N", "Skipped: N", "Timeout: N".
        get() {
            sed -nE "s/^$1:[[:space:]]+([0-9]+)[[:space:]]*$/\\1/p" "$tmp/unit.log" | tail -n1
        }
        ok=$(get 'Ok'); xfail=$(get 'Expected Fail'); fail=$(get 'Fail')
        xpass=$(get 'Unexpected Pass'); skip=$(get 'Skipped'); tout=$(get 'Timeout')
        if [ -n "$ok" ] || [ -n "$fail" ]; then
            p=$(( ${ok:-0} + ${xfail:-0} ))
            f=$(( ${fail:-0} + ${xpass:-0} + ${tout:-0} ))
            if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
                add unit "$p" 1 "${skip:-0}" "meson test exited with status $rc"
            else
                add unit "$p" "$f" "${skip:-0}"
            fi
        elif grep -q 'No tests defined' "$tmp/unit.log"; then
            add unit 0 0 0 "no tests defined"
        elif [ "$rc" -eq 0 ]; then
            add unit 0 0 0 "no summary"
        else
            add unit 0 1 0 "meson test failed with status $rc (build error?)"
        fi
    fi
fi

# ------------------------------------------------------------------ iotests
if [ "$run_iotests" = 1 ]; then
    banner "qemu-iotests (tests/qemu-iotests/check --build-dir $build)"
    (cd "$srcdir/tests/qemu-iotests" && env -u QEMU_IO_PROG -u QEMU_IMG_PROG -u QSD_PROG \
        timeout --kill-after=10 "${SUITE_TIMEOUT:-600}" \
        ./check --build-dir "$build") >"$tmp/iotests.log" 2>&1
    rc=$?
    cat "$tmp/iotests.log"
    add_from_summary iotests "$tmp/iotests.log" "$rc"
fi

# --------------------------------------------------------------------- diff
if [ "$run_diff" = 1 ]; then
    banner "differential tests (tests/diff/run --build-dir $build)"
    timeout --kill-after=10 "${SUITE_TIMEOUT:-600}" \
        "$srcdir/tests/diff/run" --build-dir "$build" -j "$diff_jobs" >"$tmp/diff.log" 2>&1
    rc=$?
    cat "$tmp/diff.log"
    add_from_summary diff "$tmp/diff.log" "$rc"
fi

# ------------------------------------------------------- protocol suites
# Each tests/SUITE/run takes --build-dir and ends with a summary line.
for suite in qmp nbd nbd-server nbd-events fuzz tls stress load faults crash netns vm; do
    runner="$srcdir/tests/$suite/run"
    [ -x "$runner" ] || continue
    banner "$suite tests (tests/$suite/run --build-dir $build)"
    # A hung suite must fail, not stall CI.
    timeout --kill-after=10 "${SUITE_TIMEOUT:-600}" \
        "$runner" --build-dir "$build" >"$tmp/$suite.log" 2>&1
    rc=$?
    [ "$rc" -eq 124 ] && echo "$suite: timed out after ${SUITE_TIMEOUT:-600} s" >>"$tmp/$suite.log"
    cat "$tmp/$suite.log"
    add_from_summary "$suite" "$tmp/$suite.log" "$rc"
done

banner "summary"
for s in "${summaries[@]}"; do
    echo "$s"
done
final="$total_pass passed, $total_fail failed"
[ "$total_skip" -gt 0 ] && final="$final, $total_skip skipped"
echo "$final"
[ "$total_fail" -eq 0 ]
