# null-co: I/O past its size, info/map/alloc behaviour.
run $QEMU_IO -c 'read 1k 1k' -c 'write 2k 512' -c 'info' -c 'map' -c 'alloc 0 1k' \
    --image-opts driver=null-co,size=1536
run $QEMU_IO -c 'map' -c 'alloc 0' --image-opts driver=null-co,size=1536,read-zeroes=on
