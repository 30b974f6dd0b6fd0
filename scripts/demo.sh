#!/usr/bin/env bash
# make demo: a storage daemon serves a three-replica quorum over NBD.
# QEMU's own qemu-io writes and reads through the export; one replica
# is corrupted behind the daemon's back; the read still returns the
# right data, QMP reports the bad replica, rewrite-corrupted repairs it.
#
#   scripts/demo.sh [BUILD_DIR]     (default: build)
set -euo pipefail

build=$(realpath "${1:-build}")
qsd="$build/qemu-storage-daemon"
qemu_io=/usr/bin/qemu-io        # the client is real QEMU
[ -x "$qemu_io" ] || qemu_io="$build/qemu-io"

dir=$(mktemp -d "${TMPDIR:-/tmp}/quorum-demo.XXXXXX")
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT
cd "$dir"

if [ -t 1 ]; then bold=$'\033[1m' off=$'\033[0m'; else bold= off=; fi
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$off"; }

# One QMP request on the monitor socket; print the reply and any events
# the daemon sent since the last call (python3 is the only QMP client
# every Debian system has).
qmp() {
    python3 - "$dir/qmp.sock" "$@" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile('rw')
f.readline()                                    # greeting
for req in [{'execute': 'qmp_capabilities'}] + \
           [json.loads(a) for a in sys.argv[2:]]:
    f.write(json.dumps(req) + '\n'); f.flush()
    while True:
        msg = json.loads(f.readline())
        if 'event' in msg or req['execute'] != 'qmp_capabilities':
            print('   ', json.dumps(msg))
        if 'event' not in msg:
            break
PY
}

# QMP events go to every monitor connected when they happen: keep one
# listener attached for the whole demo and print what it collected.
listen() {
    python3 - "$dir/events.sock" > "$dir/events.log" <<'PY' &
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
f = s.makefile('rw')
f.readline()
f.write('{"execute": "qmp_capabilities"}\n'); f.flush()
f.readline()
for line in f:
    m = json.loads(line)
    t = m['timestamp']
    print('    %d.%06d %s %s' % (t['seconds'], t['microseconds'],
                                 m['event'], json.dumps(m['data'])), flush=True)
PY
}

for i in 0 1 2; do truncate -s 64M "replica$i.raw"; done
quorum='{"driver": "quorum", "node-name": "vol0", "vote-threshold": 2,
         "rewrite-corrupted": true, "children": ['
for i in 0 1 2; do
    quorum+="{\"driver\": \"raw\", \"node-name\": \"replica$i\",
              \"file\": {\"driver\": \"file\", \"filename\": \"replica$i.raw\"}}"
    [ $i -lt 2 ] && quorum+=,
done
quorum+=']}'
nbd="nbd+unix:///vol0?socket=$dir/nbd.sock"

step "Start qemu-storage-daemon: 2-of-3 quorum, exported over NBD"
cat <<EOT
    $(basename "$qsd") --blockdev '{"driver": "quorum", "node-name": "vol0", ...}'
        --nbd-server addr.type=unix,addr.path=nbd.sock
        --export type=nbd,id=vol0,node-name=vol0,writable=on
        --chardev socket,id=qmp,path=qmp.sock,server=on,wait=off --monitor qmp
EOT
"$qsd" --blockdev "$quorum" \
    --nbd-server "addr.type=unix,addr.path=$dir/nbd.sock" \
    --export type=nbd,id=vol0,node-name=vol0,writable=on \
    --chardev "socket,id=qmp,path=$dir/qmp.sock,server=on,wait=off" \
    --monitor qmp \
    --chardev "socket,id=ev,path=$dir/events.sock,server=on,wait=off" \
    --monitor ev &
pid=$!
for _ in $(seq 100); do [ -S nbd.sock ] && [ -S events.sock ] && break; sleep 0.05; done
listen
qmp '{"execute": "query-block-exports"}'

step "QEMU's qemu-io writes 1 MiB of 0x5a through the export"
"$qemu_io" -f raw -c 'write -P 0x5a 0 1M' "$nbd"

step "Corrupt 4 KiB of replica2 directly (not through the daemon)"
printf '\x66%.0s' $(seq 4096) | dd of=replica2.raw bs=4096 seek=16 conv=notrunc status=none
echo "    replica2.raw at 64 KiB now holds 0x66"

step "Read back through NBD: the majority wins, the data is right"
"$qemu_io" -f raw -c 'read -P 0x5a 0 1M' "$nbd"

step "QMP: QUORUM_REPORT_BAD names the replica that lost the vote"
sleep 0.2
cat events.log

step "rewrite-corrupted=on repaired it: replica2 read directly"
"$qemu_io" -f raw -U -r -c 'read -P 0x5a 64k 4k' replica2.raw

step "x-query-quorum: unthrottled per-replica counters"
qmp '{"execute": "x-query-quorum", "arguments": {"node-name": "vol0"}}' |
    python3 -c 'import json, sys
for c in json.loads(sys.stdin.read())["return"]["children"]:
    print("    %-9s mismatches=%d read-errors=%d repaired-bytes=%d" % (
        c["node-name"], c["mismatches"], c["read-errors"], c["repaired-bytes"]))'

step "Clean shutdown (quit): exports deleted, nodes flushed and closed"
seen=$(wc -l < events.log)
qmp '{"execute": "quit"}'
wait "$pid"; echo "    daemon exited with status $?"; pid=
sleep 0.1
tail -n +$((seen + 1)) events.log
