# discard through a quorum is a successful no-op.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run $QEMU_IO --image-opts -c 'write -P 0x5a 0 64k' -c 'discard 0 64k' -c 'discard 512 1k' \
    -c 'read -P 0x5a 0 64k' "$(qn 3 2)"
run $QEMU_IO -d unmap --image-opts -c 'discard 0 4k' -c 'read -P 0x5a 0 4k' "$(qn 3 2)"
check 0 0x5a 0 64k
