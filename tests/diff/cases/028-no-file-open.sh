# Commands that need an open file, without one.
run $QEMU_IO -c 'read 0 512' -c 'write 0 512' -c 'length' -c 'info' -c 'map' \
    -c 'flush' -c 'alloc 0' -c 'discard 0 512' -c 'aio_flush' -c 'readv 0 1' -c 'close'
run $QEMU_IO -c 'help length'
