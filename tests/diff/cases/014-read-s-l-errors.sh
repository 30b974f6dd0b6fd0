# -s/-l without -P and verification ranges past the end of the buffer.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -f raw -c 'read -s 1 0 512' -c 'read -l 1 0 512' \
    -c 'read -P 1 -s 600 -l 100 0 512' -c 'read -P 0 -s 100 -l 1000 0 512' \
    -c 'read -P 0 -s abc 0 512' t.raw
