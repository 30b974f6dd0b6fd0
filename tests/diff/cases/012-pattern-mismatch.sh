# read -P mismatch: message, stats still printed, exit status 1, later
# commands still run.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -f raw -c 'write -P 0x12 0 4k' -c 'read -P 0x13 0 4k' \
    -c 'read -P 0x12 1k 1k' t.raw
run $QEMU_IO -f raw -c 'write -P 0x12 512 512' -c 'read -P 0 0 1k' t.raw
run $QEMU_IO -f raw -c 'read -P 0x12 -q 512 1k' t.raw
