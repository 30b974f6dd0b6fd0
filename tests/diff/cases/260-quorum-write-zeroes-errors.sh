# Write-zeroes errors take the write path: events per replica, errno vote.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run $QEMU_IO --image-opts -c 'write -P 0x5a 0 8k' -c 'write -z 0 4k' -c 'read -P 0 0 4k' \
    "$(quorum 2 "$(bdchild 0 pwritev_zero 5)" "$(child 1)" "$(child 2)")"
run $QEMU_IO --image-opts -c 'write -z 0 4k' \
    "$(quorum 2 "$(bdchild 0 pwritev_zero 5)" "$(bdchild 2 pwritev_zero 5)" "$(child 1)")"
