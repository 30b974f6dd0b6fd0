# Four replicas, one and then two corrupted.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 4
run $QEMU_IO --image-opts -c 'write -P 0x41 0 64k' "$(qn 4 3)"
corrupt 2 0x42 16k 4k
run $QEMU_IO --image-opts -c 'read -P 0x41 0 64k' "$(qn 4 3)"
corrupt 0 0x43 16k 4k
run $QEMU_IO --image-opts -c 'read -P 0x41 16k 4k' "$(qn 4 3)"
run $QEMU_IO --image-opts -c 'read -P 0x41 16k 4k' "$(qn 4 2)"
