# Too few / too many arguments.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -f raw -c 'read' -c 'read 0' -c 'read 0 1 2' -c 'write' -c 'write 0' \
    -c 'readv 0' -c 'writev 0' -c 'length 1' -c 'alloc' -c 'alloc 0 1 2' \
    -c 'discard 0' -c 'flush now' -c 'sleep' -c 'help a b' -c 'aio_read 0' \
    -c 'info x' -c 'map x' -c 'truncate' t.raw
