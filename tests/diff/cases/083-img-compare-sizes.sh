# qemu-img compare on images of different sizes, with and without -s.
run $QEMU_IMG create -f raw a.raw 1M
run $QEMU_IMG create -f raw b.raw 2M
run $QEMU_IMG compare a.raw b.raw
run $QEMU_IMG compare -s a.raw b.raw
run $QEMU_IO -f raw -c 'write -P 1 1536k 512' b.raw
run $QEMU_IMG compare a.raw b.raw
run $QEMU_IMG compare b.raw a.raw
