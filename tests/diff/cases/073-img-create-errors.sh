# qemu-img create: unknown format, unsupported format, bad path, -q,
# no arguments, overwrite of an existing image.
run $QEMU_IMG create -f nosuch a.img 1M
run $QEMU_IMG create -f null-co a.img 1M
run $QEMU_IMG create -f raw nodir/a.raw 1M
run $QEMU_IMG create -q -f raw q.raw 1M
run $QEMU_IMG create
run $QEMU_IMG create -f raw
run $QEMU_IO -f raw -c 'write -P 9 0 512' q.raw
run $QEMU_IMG create -f raw q.raw 64k
run $QEMU_IO -f raw -c 'read -P 0 0 512' -c length q.raw
