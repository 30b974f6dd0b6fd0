# Pattern arguments: hex, decimal, out of range and garbage.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -f raw -c 'write -P 255 0 16' -c 'write -P 0x7f 16 16' -c 'write -P 010 32 16' \
    -c 'read -v 0 48' -c 'write -P 256 0 1' -c 'write -P -1 0 1' -c 'read -P zz 0 1' \
    -c 'readv -P 0x1ff 0 1' t.raw
