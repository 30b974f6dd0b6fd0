# qemu-bug: not a QEMU bug but a missing feature: QEMU 7.2 writes -s changes into a temporary qcow2 overlay; we have no overlay format yet, so we refuse -s instead of writing into the image the user asked to protect
# expect-ours: 121-snapshot-refused.ours
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -s -f raw t.raw -c 'write -P 0x55 0 1'
run $QEMU_IO -f raw t.raw -c 'read -P 0 0 1'
