# -C prints CSV statistics (the time and rates are masked by the runner).
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -f raw -c 'write -C 0 512' -c 'read -C 0 512' -c 'readv -C 0 512 512' \
    -c 'writev -C 0 1k' -c 'write -C -z 0 4k' t.raw
run $QEMU_IO -f raw -c 'read -C 0 4k' t.raw
