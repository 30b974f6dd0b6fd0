# Write errors on 1..3 replicas: reported, and fatal below the threshold.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run $QEMU_IO --image-opts -c 'write -P 0x5a 0 4k' -c 'read -P 0x5a 0 4k' \
    "$(quorum 2 "$(bdchild 0 write_aio 5)" "$(child 1)" "$(child 2)")"
check 0 0 0 4k
check 1 0x5a 0 4k
run $QEMU_IO --image-opts -c 'write -P 0x6a 0 4k' \
    "$(quorum 2 "$(bdchild 0 write_aio 5)" "$(bdchild 1 write_aio 28)" "$(child 2)")"
check 2 0x6a 0 4k
run $QEMU_IO --image-opts -c 'write -P 0x7a 0 4k' \
    "$(quorum 1 "$(bdchild 0 write_aio 5)" "$(bdchild 1 write_aio 28)" "$(child 2)")"
run $QEMU_IO --image-opts -c 'write -P 0x7a 0 4k' \
    "$(quorum 1 "$(bdchild 0 write_aio 5)" "$(bdchild 1 write_aio 28)" "$(bdchild 2 write_aio 28)")"
