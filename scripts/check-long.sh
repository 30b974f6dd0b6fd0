#!/usr/bin/env bash
# The long checks that make check runs only briefly:
#   tests/stress   readers and writers over NBD with rewrite-corrupted on,
#                  every replica checked after each acknowledged round
#                  (STRESS_SECONDS, default 600: at least ten minutes)
#
#   scripts/check-long.sh [BUILD_DIR]
# Ends with the suite's "N passed, N failed[, N skipped]" line.
set -u
srcdir=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$srcdir/build}
exec "$srcdir/tests/stress/run" --build-dir "$build" \
    --duration "${STRESS_SECONDS:-600}"
