# Invalid write flag combinations.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -f raw -c 'write -u 0 512' -c 'write -n 0 512' -c 'write -z -P 1 0 512' \
    -c 'write -P xyz 0 512' -c 'write -P 0x100 0 512' -c 'write -c 0 512' t.raw
run $QEMU_IO -f raw -c 'write -z -s t.raw 0 512' -c 'read -P 0 0 512' t.raw
