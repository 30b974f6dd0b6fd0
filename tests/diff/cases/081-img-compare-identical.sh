# qemu-img compare: identical images exit 0.
run $QEMU_IMG create -f raw a.raw 1M
run $QEMU_IMG create -f raw b.raw 1M
run $QEMU_IMG compare a.raw a.raw
run $QEMU_IMG compare a.raw b.raw
run $QEMU_IO -f raw -c 'write -P 3 4k 4k' a.raw
run $QEMU_IO -f raw -c 'write -P 3 4k 4k' b.raw
run $QEMU_IMG compare -f raw -F raw a.raw b.raw
run $QEMU_IMG compare -q a.raw b.raw
