# read-pattern=fifo reads the first replica only, corrupted or not.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run $QEMU_IO --image-opts -c 'write -P 0x5a 0 64k' "$(qn 3 2 read-pattern=fifo)"
corrupt 0 0x11 0 512
run $QEMU_IO --image-opts -c 'read -P 0x11 0 512' -c 'read -P 0x5a 512 512' \
    "$(qn 3 2 read-pattern=fifo)"
run $QEMU_IO --image-opts -c 'read -P 0x5a 0 512' "$(qn 3 2 read-pattern=quorum)"
