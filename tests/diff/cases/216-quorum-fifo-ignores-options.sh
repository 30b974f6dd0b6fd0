# fifo silently ignores blkverify and rewrite-corrupted, not the threshold.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run $QEMU_IO --image-opts -c 'read 0 512' "$(qn 3 1 read-pattern=fifo,blkverify=on)"
run $QEMU_IO --image-opts -c 'read 0 512' "$(qn 3 1 read-pattern=fifo,blkverify=on,rewrite-corrupted=on)"
run $QEMU_IO --image-opts -c 'read 0 512' "$(qn 3 4 read-pattern=fifo)"
run $QEMU_IO --image-opts -c 'read 0 512' "$(qn 3 0 read-pattern=fifo)"
corrupt 2 0x11 0 512
run $QEMU_IO --image-opts -c 'read -P 0 0 512' "$(qn 3 2 read-pattern=fifo,rewrite-corrupted=on)"
check 2 0x11 0 512
