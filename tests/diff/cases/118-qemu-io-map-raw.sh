# qemu-io map/alloc on raw (format level: everything allocated) and on the
# file driver directly.
run $QEMU_IMG create -f raw t.raw 1M
run $QEMU_IO -f raw -c 'write -P 1 64k 64k' -c 'map' -c 'alloc 64k 64k' -c 'alloc 0 64k' t.raw
run $QEMU_IMG create -f raw u.raw 1536
run $QEMU_IO -f raw -c 'map' -c 'alloc 0 1536' -c 'alloc 1k 1k' u.raw
