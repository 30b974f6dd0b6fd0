# Helpers sourced by tests/diff/run before each case script.
#
# Environment provided by the runner:
#   QEMU_IO, QEMU_IMG   absolute paths of the binaries under test (one side)
#   TEST_DIR            fresh empty directory; same path string on both sides
#   DIFF_SIDE           "oracle" or "ours" (cases must NOT branch on it)
#
# Everything a case prints on stdout becomes its transcript.  The runner
# afterwards masks timings and replaces $TEST_DIR by the literal TEST_DIR.

_qdiff_tmp=$(mktemp -d "${TMPDIR:-/tmp}/qdiff-run.XXXXXX") || exit 99
trap 'rm -rf "$_qdiff_tmp"' EXIT

# Quote one argument for display: plain words stay bare, the rest is put
# in single quotes (embedded quotes as '\'').
_qdiff_quote() {
    case "$1" in
    '') printf "''" ;;
    *[!A-Za-z0-9_./=,:+@%^-]*)
        printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")" ;;
    *) printf '%s' "$1" ;;
    esac
}

# Display name for a program: the binaries under test are shown (and
# started, via argv[0]) as plain qemu-io / qemu-img so both sides match.
_qdiff_name() {
    case "$1" in
    "$QEMU_IO") printf 'qemu-io' ;;
    "$QEMU_IMG") printf 'qemu-img' ;;
    *) printf '%s' "$1" ;;
    esac
}

_qdiff_dump() {
    # print a captured stream, flagging a missing final newline
    if [ -s "$1" ]; then
        cat "$1"
        if [ -n "$(tail -c1 "$1")" ]; then
            echo
            echo '\ no newline at end of output'
        fi
    fi
}

# _qdiff_exec STDIN PROG ARGS...
_qdiff_exec() {
    local in="$1" prog="$2" name a rc
    shift 2
    name=$(_qdiff_name "$prog")
    printf '== %s' "$name"
    for a in "$@"; do
        printf ' '
        _qdiff_quote "$a"
    done
    if [ "$in" != /dev/null ]; then
        printf ' <<stdin'
    fi
    echo
    # The outer group's stderr goes to /dev/null so that bash's own
    # "Aborted"/"Segmentation fault" job notices (which contain a PID) stay
    # out of the transcript; the exit status records the signal anyway.
    {
        if [ "$name" != "$prog" ]; then
            (exec -a "$name" "$prog" "$@") <"$in" >"$_qdiff_tmp/out" 2>"$_qdiff_tmp/err"
        else
            ("$prog" "$@") <"$in" >"$_qdiff_tmp/out" 2>"$_qdiff_tmp/err"
        fi
    } 2>/dev/null
    rc=$?
    _qdiff_dump "$_qdiff_tmp/out"
    echo '-- stderr'
    _qdiff_dump "$_qdiff_tmp/err"
    echo "-- exit $rc"
    return $rc
}

# run PROG ARGS...
#   Run a command with stdin from /dev/null and record its command line,
#   stdout, stderr and exit status into the transcript.  Returns the
#   command's exit status.
run() {
    _qdiff_exec /dev/null "$@"
}

# run_stdin TEXT PROG ARGS...
#   Like run, but feed TEXT (plus a final newline) on stdin, e.g. to
#   drive qemu-io's interactive prompt.
run_stdin() {
    local text="$1"
    shift
    printf '%s\n' "$text" >"$_qdiff_tmp/in"
    _qdiff_exec "$_qdiff_tmp/in" "$@"
}

# note TEXT...   add a comment line to the transcript
note() {
    echo "## $*"
}

# hexdump_file FILE [OFFSET LENGTH]
#   Record the bytes of a file (e.g. to check what was written to disk).
hexdump_file() {
    echo "== od $(basename "$1") ${2:-} ${3:-}"
    if [ -n "${2:-}" ]; then
        od -A d -t x1 -j "$2" -N "$3" "$1"
    else
        od -A d -t x1 "$1"
    fi
    echo "-- exit $?"
}

# file_size FILE   record the apparent size of a file
file_size() {
    echo "== size $(basename "$1"): $(stat -c %s "$1" 2>&1)"
}
