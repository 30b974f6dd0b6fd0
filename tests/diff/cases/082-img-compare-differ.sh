# qemu-img compare: differing content exits 1 with the first offset.
run $QEMU_IMG create -f raw a.raw 1M
run $QEMU_IMG create -f raw b.raw 1M
run $QEMU_IO -f raw -c 'write -P 1 4096 512' b.raw
run $QEMU_IMG compare a.raw b.raw
run $QEMU_IMG compare -f raw -F raw b.raw a.raw
run $QEMU_IMG compare -q a.raw b.raw
run $QEMU_IO -f raw -c 'write -P 1 100 1' a.raw
run $QEMU_IMG compare a.raw b.raw
