# qemu-img create without -f defaults to raw.
run $QEMU_IMG create a.img 1M
run $QEMU_IMG info a.img
run $QEMU_IO -c 'read -P 0 0 4k' a.img
