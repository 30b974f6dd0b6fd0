# blkverify: a mismatch prints the offset and ends the process with 1.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 2
run $QEMU_IO --image-opts -c 'write -P 0x5a 0 64k' "$(qn 2 2 blkverify=on)"
corrupt 1 0x11 5000 10
run $QEMU_IO --image-opts -c 'read -P 0x5a 0 4k' -c 'read 4k 4k' -c 'read 0 4k' \
    "$(qn 2 2 blkverify=on)"
run $QEMU_IO --image-opts -c 'read 4097 1000' "$(qn 2 2 blkverify=on)"
run $QEMU_IO --image-opts -c 'read 0 64k' "$(qn 2 2)"
