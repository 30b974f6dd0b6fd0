# open twice, close, close again, reopen after close.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -c 'open -o driver=raw t.raw' -c 'open -o driver=raw t.raw' -c 'length' \
    -c 'close' -c 'length' -c 'close' -c 'open -o driver=raw t.raw' -c 'length'
run $QEMU_IO -f raw -c 'open -o driver=raw t.raw' t.raw
