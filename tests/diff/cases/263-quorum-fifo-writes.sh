# fifo still writes every replica and votes on write errors.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run $QEMU_IO --image-opts -c 'write -P 0x64 0 4k' "$(qn 3 2 read-pattern=fifo)"
check 2 0x64 0 4k
run $QEMU_IO --image-opts -c 'write -P 0x65 0 4k' \
    "$(quorum 2 "$(bdchild 0 write_aio 5)" "$(bdchild 1 write_aio 5)" "$(child 2)"),read-pattern=fifo"
run $QEMU_IO --image-opts -c 'read -P 0x64 0 4k' \
    "$(quorum 3 "$(child 0)" "$(child 1)" "$(child 2)"),read-pattern=fifo"
