# qemu-img convert from and to an NBD export (Debian's qemu-nbd serves it
# on both sides; only qemu-img is under test).
Q=$QEMU_IMG
NBD=/usr/bin/qemu-nbd
$Q create -q -f raw vol.raw 4M
$QEMU_IO -f raw -c 'write -P 1 0 64k' -c 'write -P 2 1M 4k' \
    -c 'write -P 0 2M 64k' -c 'write -P 3 3M 4k' vol.raw >/dev/null
$Q create -q -f raw dst.raw 4M
$QEMU_IO -f raw -c 'write -P 9 0 4M' dst.raw >/dev/null

# serve FILE NAME: a persistent export on $TEST_DIR/NAME.sock
serve() {
    "$NBD" --fork --persistent --shared=4 --format=raw --cache=none \
        --pid-file="$TEST_DIR/$2.pid" --socket="$TEST_DIR/$2.sock" \
        --export-name="$2" "$1" || echo "qemu-nbd failed"
}
stop() {
    kill "$(cat "$TEST_DIR/$1.pid")" 2>/dev/null
    while [ -e "$TEST_DIR/$1.sock" ]; do sleep 0.1; done
}

serve vol.raw vol0
SRC="nbd+unix:///vol0?socket=$TEST_DIR/vol0.sock"
run $Q convert "$SRC" out.raw
run $Q compare vol.raw out.raw
run $Q map --output=json out.raw
run $Q convert -p -f raw "$SRC" out2.raw
run $Q convert -S 0 "$SRC" out3.raw
run $Q map --output=json out3.raw
run $Q convert -m 16 -W "$SRC" vol.raw out4.raw
run $Q convert -U -m 16 -W "$SRC" vol.raw out4.raw
run $Q compare "$SRC" out4.raw
run $Q map --output=json out4.raw
run $Q convert --image-opts "driver=nbd,server.type=unix,server.path=$TEST_DIR/vol0.sock,export=vol0" out5.raw
run $Q compare vol.raw out5.raw
run $Q convert "nbd+unix:///nosuch?socket=$TEST_DIR/vol0.sock" out6.raw

serve dst.raw dst
DST="nbd+unix:///dst?socket=$TEST_DIR/dst.sock"
note "into an export: -n, zero ranges are written as zeroes"
run $Q convert -n "$SRC" "$DST"
run $Q compare vol.raw "$DST"
run $Q convert -n -p -O raw out.raw "$DST"
run $Q convert -n --target-image-opts "$SRC" "driver=nbd,server.type=unix,server.path=$TEST_DIR/dst.sock,export=dst"
run $Q convert -n "$SRC" vol.raw "$DST"
run $Q convert -n -U "$SRC" out.raw "$DST"
stop dst
stop vol0
run $Q compare vol.raw dst.raw
run $Q map --output=json dst.raw
