# Replicas of different lengths cannot form a quorum.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 2
truncate -s 128k c2.raw
truncate -s 65537 c3.raw
run $QEMU_IO --image-opts -c 'read 0 512' "$(quorum 1 "$(child 0)" "$(child 2)")"
run $QEMU_IO --image-opts -c 'read 0 512' "$(quorum 1 "$(child 0)" "$(child 1)" "$(child 3)")"
run $QEMU_IO --image-opts -c 'read 0 512' "$(quorum 1 "$(child 0)" "$(child 1)" "$(child 0)")"
run $QEMU_IMG info --image-opts "$(quorum 1 "$(child 2)" "$(child 0)")"
