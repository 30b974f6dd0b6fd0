# qemu-img info failures.
run $QEMU_IMG info nonexistent.raw
run $QEMU_IMG info -f nosuch nonexistent.raw
run $QEMU_IMG create -f raw t.raw 1M
run $QEMU_IMG info -f nosuch t.raw
run $QEMU_IMG info 'json:{"driver":"raw"'
run $QEMU_IMG info 'json:{"driver":"bogus"}'
run $QEMU_IMG info --image-opts driver=raw,file.filename=t.raw,bogus=1
run $QEMU_IMG info
run $QEMU_IMG info --image-opts -f raw t.raw
