# A single corrupted byte, read through unaligned windows.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run $QEMU_IO --image-opts -c 'write -P 0x5a 0 8k' "$(qn 3 2)"
corrupt 0 0x00 3000 1
run $QEMU_IO --image-opts -c 'read -P 0x5a 2999 3' -c 'read -P 0x5a 3001 1000' \
    -c 'read -P 0x5a 1 4094' "$(qn 3 2)"
run $QEMU_IO --image-opts -c 'read -P 0x5a 2999 3' -c 'read -P 0x5a 3000 1' "$(qn 3 3)"
run $QEMU_IO --image-opts -c 'read -P 0x5a 2900 200' "$(qn 3 2 rewrite-corrupted=on)"
check 0 0x5a 0 8k
