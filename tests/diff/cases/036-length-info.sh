# length and info on raw images of several sizes.
run $QEMU_IMG create -f raw a.raw 0
run $QEMU_IMG create -f raw b.raw 1536
run $QEMU_IMG create -f raw c.raw 3M
run $QEMU_IO -f raw -c 'length' -c 'info' a.raw
run $QEMU_IO -f raw -c 'length' -c 'info' b.raw
run $QEMU_IO -f raw -c 'length' c.raw
run $QEMU_IO -r -c 'length' c.raw
