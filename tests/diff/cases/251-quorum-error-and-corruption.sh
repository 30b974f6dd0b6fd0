# A failing replica and a corrupted replica in the same vote.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 4
run $QEMU_IO --image-opts -c 'write -P 0x5a 0 64k' "$(qn 4 4)"
corrupt 2 0x11 0 512
run $QEMU_IO --image-opts -c 'read -P 0x5a 0 512' \
    "$(quorum 2 "$(bdchild 0 read_aio 5)" "$(child 1)" "$(child 2)" "$(child 3)")"
run $QEMU_IO --image-opts -c 'read 0 512' \
    "$(quorum 2 "$(bdchild 0 read_aio 5)" "$(bdchild 1 read_aio 5)" "$(child 2)" "$(child 3)")"
run $QEMU_IO --image-opts -c 'read -P 0x11 0 512' \
    "$(quorum 1 "$(bdchild 0 read_aio 5)" "$(bdchild 1 read_aio 5)" "$(child 2)" "$(child 3)")"
run $QEMU_IO --image-opts -c 'read -P 0x5a 0 512' \
    "$(quorum 2 "$(bdchild 0 read_aio 5)" "$(child 1)" "$(child 2)" "$(child 3)"),rewrite-corrupted=on"
check 2 0x5a 0 512
