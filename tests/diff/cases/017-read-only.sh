# -r: reads work, every kind of write is refused.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -r -f raw -c 'write 0 512' -c 'read 0 512' -c 'write -z 0 512' \
    -c 'aio_write 0 512' -c 'aio_flush' -c 'writev 0 512' -c 'length' t.raw
run $QEMU_IO -c 'open -r -o driver=raw t.raw' -c 'write -P 1 0 1' -c 'read -P 0 0 1' -c 'flush'
