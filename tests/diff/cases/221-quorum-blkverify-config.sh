# blkverify needs exactly two replicas and threshold 2, and no rewriting.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run $QEMU_IO --image-opts -c 'write -P 0x5a 0 4k' -c 'read -P 0x5a 0 4k' "$(qn 2 2 blkverify=on)"
run $QEMU_IO --image-opts -c 'read 0 512' "$(qn 3 2 blkverify=on)"
run $QEMU_IO --image-opts -c 'read 0 512' "$(qn 2 1 blkverify=on)"
run $QEMU_IO --image-opts -c 'read 0 512' "$(qn 1 1 blkverify=on)"
run $QEMU_IO --image-opts -c 'read 0 512' "$(qn 2 2 blkverify=on,rewrite-corrupted=on)"
run $QEMU_IO --image-opts -c 'read 0 512' "$(qn 2 2 blkverify=off,rewrite-corrupted=on)"
run $QEMU_IO --image-opts -c 'read 0 512' "$(qn 3 3 blkverify=on,rewrite-corrupted=on)"
