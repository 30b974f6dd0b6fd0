# Failed writes return the most common errno, ties to the higher index.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run $QEMU_IO --image-opts -c 'write 0 512' \
    "$(quorum 3 "$(bdchild 0 write_aio 5)" "$(bdchild 1 write_aio 28)" "$(child 2)")"
run $QEMU_IO --image-opts -c 'write 0 512' \
    "$(quorum 3 "$(bdchild 0 write_aio 28)" "$(bdchild 1 write_aio 5)" "$(child 2)")"
run $QEMU_IO --image-opts -c 'write 0 512' \
    "$(quorum 3 "$(bdchild 0 write_aio 28)" "$(bdchild 1 write_aio 5)" "$(bdchild 2 write_aio 5)")"
run $QEMU_IO --image-opts -c 'write -z 0 512' \
    "$(quorum 3 "$(bdchild 0 pwritev_zero 28)" "$(bdchild 1 pwritev_zero 5)" "$(child 2)")"
