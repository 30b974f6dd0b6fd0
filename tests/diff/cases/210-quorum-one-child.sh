# A quorum of one replica.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 1
run $QEMU_IO --image-opts -c 'write -P 0x77 0 4k' -c 'read -P 0x77 0 4k' \
    -c 'length' "$(qn 1 1)"
run $QEMU_IO --image-opts -c 'read 0 4k' "$(qn 1 2)"
corrupt 0 0x78 0 512
run $QEMU_IO --image-opts -c 'read -P 0x78 0 512' "$(qn 1 1)"
