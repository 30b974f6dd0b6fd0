# open -o inside -c, with and without a path.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -c 'open -o driver=raw t.raw' -c 'write -P 0x61 0 512' -c 'read -P 0x61 0 512'
run $QEMU_IO -c 'open -o driver=raw,file.driver=file,file.filename=t.raw' -c 'read -P 0x61 0 512'
run $QEMU_IO -c 'open -o driver=file,filename=t.raw' -c 'length'
run $QEMU_IO -c 'open -o driver=raw,bogus=1 t.raw' -c length
run $QEMU_IO -c 'open -o driver=raw,file.bogus=1 t.raw' -c length
