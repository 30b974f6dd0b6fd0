# Read errors on every replica: the errno vote and its tie rule.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run $QEMU_IO --image-opts -c 'read 0 512' \
    "$(quorum 2 "$(bdchild 0 read_aio 5)" "$(bdchild 1 read_aio 32)")"
run $QEMU_IO --image-opts -c 'read 0 512' \
    "$(quorum 2 "$(bdchild 0 read_aio 32)" "$(bdchild 1 read_aio 5)")"
run $QEMU_IO --image-opts -c 'read 0 512' \
    "$(quorum 3 "$(bdchild 0 read_aio 28)" "$(bdchild 1 read_aio 5)" "$(bdchild 2 read_aio 5)")"
run $QEMU_IO --image-opts -c 'read 0 512' \
    "$(quorum 2 "$(bdchild 0 read_aio 28)" "$(bdchild 1 read_aio 5)" "$(child 2)")"
