# Two replicas: writes, one corrupted, thresholds 1 and 2.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 2
run $QEMU_IO --image-opts -c 'write -P 0x10 0 64k' -c 'read -P 0x10 0 64k' "$(qn 2 2)"
corrupt 1 0x20 60k 4k
run $QEMU_IO --image-opts -c 'read -P 0x10 0 60k' -c 'read -P 0x20 60k 4k' "$(qn 2 1)"
run $QEMU_IO --image-opts -c 'read -P 0x10 0 60k' -c 'read 60k 4k' "$(qn 2 2)"
