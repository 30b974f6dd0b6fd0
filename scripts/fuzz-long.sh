#!/usr/bin/env bash
# Each fuzz target for longer than make check does: FUZZ_SECONDS per
# target (default 300), one after the other, with tests/fuzz/run.  The
# inputs found are kept in FUZZ_CORPUS_DIR (default build-fuzz/corpus/),
# so the next run starts where this one stopped; a crash, leak, timeout
# or OOM fails, with its reproducer in BUILD_DIR/fuzz-artifacts/.
#
#   scripts/fuzz-long.sh [BUILD_DIR] [TARGET...]
# Ends with the suite's "N passed, N failed[, N skipped]" line.
set -u
srcdir=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$srcdir/build}
[ $# -gt 0 ] && shift
export FUZZ_CORPUS_DIR=${FUZZ_CORPUS_DIR:-${FUZZ_BUILD_DIR:-$srcdir/build-fuzz}/corpus}
exec "$srcdir/tests/fuzz/run" --build-dir "$build" \
    --seconds "${FUZZ_SECONDS:-300}" "$@"
