# quit stops processing; the exit status is 1 if any command failed.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -f raw -c 'length' -c 'quit' -c 'length' t.raw
run $QEMU_IO -f raw -c 'q' -c 'read 0 1' t.raw
run $QEMU_IO -f raw -c 'read 64k 1' -c 'read 0 1' t.raw
run $QEMU_IO -f raw -c 'read 0 1' -c 'read 64k 1' -c 'quit' t.raw
