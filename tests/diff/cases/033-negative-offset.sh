# Negative numbers are taken as options by getopt.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -f raw -c 'read -512 512' -c 'read 0 -5' -c 'write -- -512 512' \
    -c 'read -- 0 -1' -c 'alloc -1' t.raw
