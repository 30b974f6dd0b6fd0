# alloc on a raw image (a format without backing: everything allocated).
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -f raw -c 'alloc 0' -c 'alloc 0 64k' -c 'alloc 4k 4k' -c 'alloc 60k 64k' \
    -c 'alloc 1 1' -c 'alloc 64k' -c 'alloc 100k' t.raw
