# qemu-img bench (the time is masked by the runner).
run $QEMU_IMG create -f raw t.raw 1M
run $QEMU_IMG bench -f raw -c 10 t.raw
run $QEMU_IMG bench -f raw -w -c 8 -s 4k -d 1 t.raw
run $QEMU_IMG bench -f raw -c 4 -o 64k -S 8k t.raw
