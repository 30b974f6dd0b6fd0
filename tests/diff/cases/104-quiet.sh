# -q suppresses the statistics but not errors.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -f raw -c 'write -q -P 4 0 512' -c 'read -q -P 4 0 512' -c 'readv -q 0 1 2' \
    -c 'writev -q 0 512' -c 'read -q 64k 1' -c 'read -q -P 5 0 512' -c 'aio_write -q 0 1' \
    -c 'aio_flush' -c 'discard -q 0 512' t.raw
