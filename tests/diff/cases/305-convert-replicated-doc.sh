# The qemu-img convert steps of docs/replicated-volume.md, run as written:
# section 1's daemon (its sh block, with /srv and /run moved into TEST_DIR
# and 16M replicas), data written through the export, then every
# "qemu-img convert" line of the document's sh blocks.  Each side runs
# its own storage daemon next to its qemu-img.
DOC=$(dirname "${BASH_SOURCE[0]}")/../../../docs/replicated-volume.md
QSD=$(dirname "$QEMU_IMG")/qemu-storage-daemon
mkdir -p srv/vol0 srv/backup run/vol0

# lines of the ```sh blocks, continuation lines joined, paths moved
sh_blocks() {
    awk '/^ *```sh$/ { on = 1; next } /^ *```$/ { on = 0; next } on' "$DOC" |
        sed -e 's/^  *//' -e "s|/srv/|$TEST_DIR/srv/|g" \
            -e "s|/run/vol0|$TEST_DIR/run/vol0|g"
}

setup=$(sh_blocks | awk '/truncate -s/ { on = 1 } on; /--daemonize/ { exit }' |
        sed -e 's/truncate -s 20G/truncate -s 16M/' \
            -e 's/^qemu-storage-daemon/"$QSD"/')
eval "$setup" || echo "daemon did not start"
SOCK="nbd+unix:///vol0?socket=$TEST_DIR/run/vol0/nbd.sock"
$QEMU_IO -f raw -c 'write -P 0x11 0 64k' -c 'write -P 0x22 1M 4k' \
    -c 'write -P 0 4M 64k' -c 'write -P 0x33 15M 1M' "$SOCK" >/dev/null

grep -c 'qemu-img convert' "$DOC" | sed 's/^/## convert lines in the document: /'
sh_blocks | grep '^qemu-img convert' > steps
while read -r line; do
    eval "run \$QEMU_IMG ${line#qemu-img }"
done < steps

run $QEMU_IMG compare -f raw -F raw srv/backup/vol0.raw srv/vol0/replica3.raw
run $QEMU_IMG compare -U "$SOCK" srv/backup/vol0.raw
run $QEMU_IMG map --output=json srv/backup/vol0.raw
kill "$(cat run/vol0/qsd.pid)"
while [ -e run/vol0/qsd.pid ]; do sleep 0.1; done
run $QEMU_IMG compare srv/vol0/replica0.raw srv/vol0/replica3.raw
