# The file protocol driver opened directly (no format layer).
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -f file -c 'write -P 7 0 4k' -c 'read -P 7 0 4k' -c 'length' -c 'info' t.raw
run $QEMU_IO -c 'open -o driver=file,filename=t.raw' -c 'write -z 0 512' -c 'read -P 0 0 512' -c 'alloc 0 4k'
