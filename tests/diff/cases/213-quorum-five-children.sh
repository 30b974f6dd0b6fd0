# Five replicas with three different corruptions.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 5
run $QEMU_IO --image-opts -c 'write -P 0x51 0 64k' "$(qn 5 3)"
corrupt 0 0x52 0 512
corrupt 2 0x53 0 512
corrupt 4 0x54 0 512
run $QEMU_IO --image-opts -c 'read -P 0x51 0 512' "$(qn 5 2)"
run $QEMU_IO --image-opts -c 'read -P 0x51 0 512' "$(qn 5 3)"
run $QEMU_IO --image-opts -c 'read -P 0x51 512 63k' "$(qn 5 5)"
