# No rewrite when the vote fails or when everything agrees.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run $QEMU_IO --image-opts -c 'write -P 0x5a 0 64k' "$(qn 3 2)"
corrupt 1 0x11 0 512
corrupt 2 0x22 0 512
run $QEMU_IO --image-opts -c 'read 0 512' "$(qn 3 2 rewrite-corrupted=on)"
check 1 0x11 0 512
check 2 0x22 0 512
run $QEMU_IO --image-opts -c 'read -P 0x22 0 512' "$(qn 3 1 rewrite-corrupted=on)"
check 0 0x22 0 512
check 1 0x22 0 512
