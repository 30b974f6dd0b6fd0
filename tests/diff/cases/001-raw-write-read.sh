# Basic pattern write and verified read on a raw image.
run $QEMU_IMG create -f raw t.raw 1M
run $QEMU_IO -f raw -c 'write -P 0x5a 0 4k' -c 'read -P 0x5a 0 4k' \
    -c 'read -P 0 4k 4k' -c 'write -P 0xa5 64k 64k' -c 'read -P 0xa5 64k 64k' t.raw
hexdump_file t.raw 0 16
file_size t.raw
