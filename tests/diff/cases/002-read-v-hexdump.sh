# read -v: hex dump layout including printable/unprintable bytes.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -f raw -c 'write -P 0x41 0 16' -c 'write -P 0x0a 16 16' \
    -c 'write -P 0x7a 32 8' -c 'write -P 0x2e 40 8' -c 'write -P 0xff 48 16' \
    -c 'read -v 0 80' t.raw
