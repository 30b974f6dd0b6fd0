# Unknown flags to commands are reported by getopt, then the usage line.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -f raw -c 'read -X 0 512' -c 'write -Q 0 512' -c 'readv -z 0 512' \
    -c 'aio_read -z 0 1' -c 'discard -v 0 1' -c 'open -X' -c 'read -P' t.raw
