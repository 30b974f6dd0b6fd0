# --image-opts with a dotted option string.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO --image-opts -c 'write -P 0x21 0 1k' -c 'read -P 0x21 0 1k' -c length \
    "driver=raw,file.driver=file,file.filename=$TEST_DIR/t.raw"
run $QEMU_IO --image-opts -c 'read -P 0x21 0 1k' driver=file,filename=t.raw
run $QEMU_IO --image-opts -r -c 'write 0 1' driver=raw,file.filename=t.raw
