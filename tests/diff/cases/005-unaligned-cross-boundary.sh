# Unaligned I/O straddling sector and 4k boundaries.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -f raw -c 'write -P 0x33 510 4' -c 'write -P 0x44 4095 2' \
    -c 'write -P 0x55 8191 8193' -c 'read -P 0x33 510 4' -c 'read -P 0x44 4095 2' \
    -c 'read -P 0x55 8191 8193' -c 'read -P 0 509 1' -c 'read -P 0 514 1' \
    -c 'read -v 4094 4' t.raw
hexdump_file t.raw 8184 16
