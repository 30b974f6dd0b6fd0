# write -z zeroes a range inside previously written data.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -f raw -c 'write -P 0x44 0 8k' -c 'write -z 1k 2k' \
    -c 'read -P 0x44 0 1k' -c 'read -P 0 1k 2k' -c 'read -P 0x44 3k 5k' \
    -c 'write -z 7 9' -c 'read -v 0 32' t.raw
hexdump_file t.raw 0 32
