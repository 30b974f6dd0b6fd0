# Two replicas corrupted the same way outvote the good one.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run $QEMU_IO --image-opts -c 'write -P 0x5a 0 64k' "$(qn 3 2)"
corrupt 1 0x11 8k 1k
corrupt 2 0x11 8k 1k
run $QEMU_IO --image-opts -c 'read -P 0x11 8k 1k' -c 'read -P 0x5a 8k 1k' \
    -c 'read -P 0x5a 0 8k' "$(qn 3 2)"
run $QEMU_IO --image-opts -c 'read -P 0x11 8k 1k' "$(qn 3 3)"
