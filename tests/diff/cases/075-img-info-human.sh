# qemu-img info, human output (disk size masked by the runner).
run $QEMU_IMG create -f raw t.raw 1M
run $QEMU_IMG info t.raw
run $QEMU_IMG info -f raw t.raw
run $QEMU_IMG info --output=human t.raw
run $QEMU_IMG create -f raw u.raw 1536
run $QEMU_IMG info -f raw u.raw
run $QEMU_IMG create -f raw v.raw 3G
run $QEMU_IMG info -f raw v.raw
