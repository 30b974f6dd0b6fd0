# writev/readv with several iovec lengths, including odd ones.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -f raw -c 'writev -P 0x22 0 512 1k 100' -c 'readv -P 0x22 0 512 1k 100' \
    -c 'readv -P 0x22 0 1000 612' -c 'readv -P 0 1636 100 200 300' \
    -c 'writev -P 0x66 3 5 7 11' -c 'readv -v 0 8 8 8' t.raw
