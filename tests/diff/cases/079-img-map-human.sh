# qemu-img map, human output, on 4k-aligned data (host-fs independent
# enough: both sides use the same file system).
run $QEMU_IMG create -f raw t.raw 1M
run $QEMU_IO -f raw -c 'write -P 1 64k 64k' -c 'write -P 2 512k 4k' t.raw
run $QEMU_IMG map -f raw t.raw
run $QEMU_IMG map t.raw
