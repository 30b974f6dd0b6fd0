# Unaligned write inside one sector; surrounding bytes stay intact.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -f raw -c 'write -P 0x11 0 1k' -c 'write -P 0x22 100 300' \
    -c 'read -P 0x11 0 100' -c 'read -P 0x22 100 300' -c 'read -P 0x11 400 624' t.raw
hexdump_file t.raw 96 8
hexdump_file t.raw 396 8
