# Shell helpers shared by the bash suites (tests/nbd, tests/tls); the
# Python suites' counterparts are in tests/qmp/qmplib.py.  Source it.

# wait_socket PATH: until a server has created its unix socket (~10 s).
wait_socket() {
    for _ in $(seq 200); do
        [ -S "$1" ] && return 0
        sleep 0.05
    done
    echo "socket $1 did not appear" >&2
    return 1
}

# stop_pid PID: SIGTERM, up to ~2 s to exit, then SIGKILL.
stop_pid() {
    kill "$1" 2>/dev/null || return 0
    for _ in $(seq 40); do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.05
    done
    kill -9 "$1" 2>/dev/null
    return 0
}
