# Missing image files, directories and unreadable paths.
run $QEMU_IO -f raw -c length nonexistent.raw
run $QEMU_IO -c length nonexistent.raw
run $QEMU_IO -c 'open -o driver=raw nonexistent.raw'
run $QEMU_IO -c length 'json:{"driver":"file","filename":"nonexistent.raw"}'
mkdir sub
run $QEMU_IO -f raw -c length sub
run $QEMU_IMG info sub/nonexistent.raw
