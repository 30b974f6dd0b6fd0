# flush and its alias f; aio_flush with nothing in flight.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -f raw -c 'flush' -c 'f' -c 'write 0 512' -c 'flush' -c 'aio_flush' -c 'aio_flush' t.raw
run $QEMU_IO -t writeback -f raw -c 'write -P 2 0 512' -c 'f' -c 'read -P 2 0 512' t.raw
