# One corrupted replica is outvoted (QEMU test 081 shape).
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run $QEMU_IO --image-opts -c 'write -P 0x5a 0 64k' "$(qn 3 2)"
corrupt 2 0x11 4k 512
run $QEMU_IO --image-opts -c 'read -P 0x5a 0 64k' -c 'read -P 0x5a 4k 512' \
    -c 'read -v 4k 16' "$(qn 3 2)"
check 2 0x11 4k 512
