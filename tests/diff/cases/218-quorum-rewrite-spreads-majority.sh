# rewrite-corrupted writes the winning version, even over the good replica.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run $QEMU_IO --image-opts -c 'write -P 0x5a 0 64k' "$(qn 3 2)"
corrupt 1 0x11 0 1k
corrupt 2 0x11 0 1k
run $QEMU_IO --image-opts -c 'read -P 0x11 0 1k' "$(qn 3 2 rewrite-corrupted=on)"
check 0 0x11 0 1k
check 0 0x5a 1k 63k
# Only the requested range is rewritten.
corrupt 1 0x22 8k 4k
run $QEMU_IO --image-opts -c 'read -P 0x5a 8k 1k' "$(qn 3 2 rewrite-corrupted=on)"
check 1 0x5a 8k 1k
check 1 0x22 9k 3k
