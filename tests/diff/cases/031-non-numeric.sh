# Non-numeric or badly suffixed offsets and lengths.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -f raw -c 'read abc 512' -c 'read 0 1x' -c 'write 0x 1' -c 'readv 0 512 z' \
    -c 'write 0 1.5k' -c 'read 1k 1.5k' -c 'alloc zz' -c 'discard 0 q' -c 'truncate 1kk' t.raw
