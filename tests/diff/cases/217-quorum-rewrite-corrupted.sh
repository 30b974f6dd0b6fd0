# rewrite-corrupted=on repairs the outvoted replica; read it directly.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run $QEMU_IO --image-opts -c 'write -P 0x5a 0 64k' "$(qn 3 2)"
corrupt 2 0x11 4k 512
check 2 0x5a 0 64k
run $QEMU_IO --image-opts -c 'read -P 0x5a 0 8k' "$(qn 3 2 rewrite-corrupted=on)"
check 2 0x5a 0 64k
run $QEMU_IO --image-opts -c 'read -P 0x5a 0 64k' "$(qn 3 3)"
