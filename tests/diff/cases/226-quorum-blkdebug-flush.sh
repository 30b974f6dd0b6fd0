# Flush errors: reported per replica, fatal only below the threshold.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
fl() { bdchild "$1" flush_to_disk "$2"; }
run $QEMU_IO -t writeback --image-opts -c 'write 0 512' -c 'flush' -c 'read 0 512' \
    "$(quorum 2 "$(fl 0 5)" "$(child 1)" "$(child 2)")"
run $QEMU_IO -t writeback --image-opts -c 'write 0 512' -c 'flush' -c 'read 0 512' \
    "$(quorum 2 "$(fl 0 5)" "$(fl 1 5)" "$(child 2)")"
run $QEMU_IO -t writeback --image-opts -c 'write 0 512' -c 'flush' \
    "$(quorum 1 "$(fl 0 5)" "$(fl 1 28)" "$(child 2)")"
# writethrough: the write's own flush fails
run $QEMU_IO --image-opts -c 'write 0 512' -c 'write 512 512' \
    "$(quorum 2 "$(fl 0 5)" "$(fl 1 28)" "$(child 2)")"
run $QEMU_IO --image-opts -c 'write 0 512' \
    "$(quorum 2 "$(fl 0 5)" "$(child 1)" "$(child 2)")"
