# qemu-img compare errors exit 2 (or 1 for usage errors).
run $QEMU_IMG create -f raw a.raw 1M
run $QEMU_IMG compare a.raw nonexistent.raw
run $QEMU_IMG compare nonexistent.raw a.raw
run $QEMU_IMG compare -f nosuch a.raw a.raw
run $QEMU_IMG compare -F nosuch a.raw a.raw
run $QEMU_IMG compare a.raw
run $QEMU_IMG compare
