# fifo: a failing replica is skipped; all failing gives the last error.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run $QEMU_IO --image-opts -c 'write -P 0x5a 0 64k' "$(qn 3 3)"
corrupt 1 0x11 0 512
run $QEMU_IO --image-opts -c 'read -P 0x11 0 512' \
    "$(quorum 3 "$(bdchild 0 read_aio 5)" "$(child 1)" "$(child 2)"),read-pattern=fifo"
run $QEMU_IO --image-opts -c 'read -P 0x5a 0 512' \
    "$(quorum 1 "$(bdchild 0 read_aio 5)" "$(bdchild 1 read_aio 28)" "$(child 2)"),read-pattern=fifo"
run $QEMU_IO --image-opts -c 'read 0 512' \
    "$(quorum 1 "$(bdchild 0 read_aio 5)" "$(bdchild 1 read_aio 28)" "$(bdchild 2 read_aio 32)"),read-pattern=fifo"
run $QEMU_IO --image-opts -c 'read 0 512' -c 'read -P 0x5a 0 512' \
    "$(quorum 3 "$(bdchild 0 read_aio 5 once)" "$(child 1)" "$(child 2)"),read-pattern=fifo"
