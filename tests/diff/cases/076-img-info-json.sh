# qemu-img info --output=json (actual-size masked by the runner).
run $QEMU_IMG create -f raw t.raw 1M
run $QEMU_IMG info --output=json t.raw
run $QEMU_IMG info --output=json -f raw t.raw
run $QEMU_IMG info --output=xml t.raw
