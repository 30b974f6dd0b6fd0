# Without -f the format is probed: warning on stderr, I/O still works.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -c 'write -P 3 4k 4k' -c 'read -P 3 4k 4k' t.raw
run $QEMU_IO -c 'open t.raw' -c 'read -P 0 0 512'
run $QEMU_IO -r -c 'read -P 3 4k 4k' t.raw
