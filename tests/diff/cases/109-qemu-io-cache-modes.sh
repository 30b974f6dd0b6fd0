# Cache and sharing options that do not change the output.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -f raw -t writeback -c 'write -P 1 0 4k' -c 'read -P 1 0 4k' t.raw
run $QEMU_IO -f raw -t unsafe -c 'write -P 2 0 4k' -c 'read -P 2 0 4k' t.raw
run $QEMU_IO -f raw -t directsync -c 'read -P 2 0 4k' t.raw
run $QEMU_IO -f raw -U -r -c 'read -P 2 0 4k' t.raw
run $QEMU_IO -f raw --aio=threads -c 'read -P 2 0 4k' t.raw
run $QEMU_IO -c 'open -t writeback -o driver=raw t.raw' -c 'read -P 2 0 4k'
run $QEMU_IO -c 'open -t bogus -o driver=raw t.raw'
