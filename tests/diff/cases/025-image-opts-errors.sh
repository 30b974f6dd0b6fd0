# --image-opts misuse and bad option strings.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO --image-opts -f raw -c length driver=raw,file.filename=t.raw
run $QEMU_IO --image-opts -c 'open -o driver=raw t.raw' -c length
run $QEMU_IO --image-opts -c length driver=raw,file.filename=t.raw,bogus=1
run $QEMU_IO --image-opts -c length driver=nosuch
run $QEMU_IO --image-opts -c length driver=file,filename=nonexistent.raw
