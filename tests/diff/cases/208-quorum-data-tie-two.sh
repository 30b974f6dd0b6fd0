# Two replicas that differ: threshold 1 takes the second, 2 fails.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 2
run $QEMU_IO --image-opts -c 'write -P 0x01 0 64k' "$(qn 2 2)"
corrupt 0 0x02 512 512
run $QEMU_IO --image-opts -c 'read -P 0x01 512 512' -c 'read -P 0x02 512 512' "$(qn 2 1)"
run $QEMU_IO --image-opts -c 'read -P 0x01 0 512' -c 'read 0 1k' "$(qn 2 2)"
corrupt 1 0x03 512 512
run $QEMU_IO --image-opts -c 'read -P 0x03 512 512' "$(qn 2 1)"
