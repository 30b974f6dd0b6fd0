# The raw driver's offset/size options expose a window of the file.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -f raw -c 'write -P 1 0 4k' -c 'write -P 2 4k 4k' -c 'write -P 3 8k 4k' t.raw
run $QEMU_IO -c length -c 'read -P 2 0 4k' -c 'read -P 3 4k 4k' -c 'read 8k 1' \
    --image-opts driver=raw,offset=4096,size=8192,file.filename=t.raw
run $QEMU_IO -c length --image-opts driver=raw,offset=60k,size=8k,file.filename=t.raw
run $QEMU_IO -c length --image-opts driver=raw,offset=x,file.filename=t.raw
run $QEMU_IO -c length --image-opts driver=raw,size=1000,file.filename=t.raw
