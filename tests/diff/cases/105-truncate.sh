# truncate grows and shrinks a raw image; preallocation modes.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -f raw -c 'write -P 0xee 0 64k' -c 'truncate 128k' -c 'length' \
    -c 'read -P 0 64k 64k' -c 'truncate 1000' -c 'length' -c 'read -P 0xee 0 1000' \
    -c 'truncate -m full 8k' -c 'length' -c 'truncate -m bogus 4k' -c 'truncate x' t.raw
file_size t.raw
run $QEMU_IO -r -f raw -c 'truncate 4k' t.raw
