# read -P with -s/-l restricts the verified range.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -f raw -c 'write -P 0x55 512 512' \
    -c 'read -P 0x55 -s 512 -l 512 0 2k' -c 'read -P 0x55 -s 500 -l 100 0 2k' \
    -c 'read -P 0 -s 100 -l 10 0 512' -c 'read -P 0x55 -s 512 0 1k' \
    -c 'read -P 0x55 -l 512 512 1k' t.raw
