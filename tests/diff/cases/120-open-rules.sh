# Open-time and reopen rules: copy-on-read, writers of read-only nodes,
# write-zeroes without fallback.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -C -r -f raw t.raw -c length
run $QEMU_IO -C -f raw t.raw -c length
run $QEMU_IO --image-opts 'driver=raw,node-name=top,file.driver=file,file.filename=t.raw' -c 'reopen -o read-only=on' -c 'write 0 1'
run $QEMU_IO -f raw t.raw -c 'reopen -r' -c 'write 0 1' -c 'reopen -w' -c 'write -P 7 0 1' -c 'read -P 7 0 1'
run $QEMU_IO -c 'open -o driver=null-co' -c 'write -z -n 0 512' -c 'write -z 0 512'
run $QEMU_IO --image-opts 'driver=raw,file.driver=file,file.filename=t.raw,file.read-only=on' -c 'read 0 1'
run $QEMU_IO -r --image-opts 'driver=raw,file.driver=file,file.filename=t.raw,file.read-only=on' -c 'read 0 1'
