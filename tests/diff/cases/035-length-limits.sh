# Request length limits and zero-length requests.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -f raw -c 'read 0 3G' -c 'write 0 2G' -c 'read 0 0' -c 'write 0 0' \
    -c 'readv 0 1G 1G 1G' t.raw
