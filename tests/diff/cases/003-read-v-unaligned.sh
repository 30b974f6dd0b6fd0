# read -v at an unaligned offset and with a length that is not a multiple of 16.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -f raw -c 'write -P 0x31 0 512' -c 'write -P 0x32 512 512' \
    -c 'read -v 7 40' -c 'read -v 505 13' -c 'read -v 1023 1' t.raw
