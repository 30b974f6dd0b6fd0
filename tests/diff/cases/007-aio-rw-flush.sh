# aio_write / aio_read with aio_flush between them (one request in flight).
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -f raw -c 'aio_write -P 0x33 0 4k' -c 'aio_flush' \
    -c 'aio_read -P 0x33 0 4k' -c 'aio_flush' \
    -c 'aio_write -P 0x34 4k 512 512 1k' -c 'aio_flush' \
    -c 'aio_read -P 0x34 4k 2k' -c 'aio_flush' -c 'read -P 0x34 4k 2k' t.raw
