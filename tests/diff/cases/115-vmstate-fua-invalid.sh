# vmstate I/O (-b) is unsupported on raw; FUA writes (-f); aio write-zeroes;
# aio -i (invalid request accounting).
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -f raw -c 'read -b 0 512' -c 'write -b 0 512' -c 'write -f -P 1 0 512' \
    -c 'writev -f -P 2 512 512' -c 'aio_write -f -P 3 1k 512' -c 'aio_flush' \
    -c 'read -P 1 0 512' -c 'read -P 2 512 512' -c 'read -P 3 1k 512' t.raw
run $QEMU_IO -f raw -c 'aio_write -P 4 0 4k' -c 'aio_flush' -c 'aio_write -z 0 512' -c 'aio_flush' \
    -c 'aio_write -z -u 512 512' -c 'aio_flush' -c 'aio_write -u 0 512' -c 'read -v 0 16' \
    -c 'read -P 0 0 1k' -c 'read -P 4 1k 3k' t.raw
run $QEMU_IO -f raw -c 'aio_read -i 0 512' -c 'aio_write -i 0 512' -c 'aio_flush' t.raw
