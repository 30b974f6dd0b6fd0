# write -f and aio_write -f through a quorum, with and without flush errors.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run $QEMU_IO -t writeback --image-opts -c 'write -f -P 0x21 0 1k' -c 'read -P 0x21 0 1k' "$(qn 3 2)"
run $QEMU_IO -t writeback --image-opts -c 'write -f 0 1k' \
    "$(quorum 2 "$(bdchild 0 flush_to_disk 5)" "$(bdchild 1 flush_to_disk 5)" "$(child 2)")"
run $QEMU_IO -t writeback --image-opts -c 'aio_write -f -P 0x22 0 1k' -c 'aio_flush' -c 'read -P 0x22 0 1k' "$(qn 3 2)"
