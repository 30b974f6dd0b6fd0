# aio_read -P mismatch prints but does not make the command fail.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -f raw -c 'aio_write -P 0x10 0 1k' -c 'aio_flush' \
    -c 'aio_read -P 0x99 0 1k' -c 'aio_flush' t.raw
run $QEMU_IO -f raw -c 'aio_read -v 0 32' -c 'aio_flush' -c 'aio_read -q 0 512' -c 'aio_flush' t.raw
