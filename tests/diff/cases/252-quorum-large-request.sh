# A 1 MiB read with corruption in the middle of one replica.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3 2M
run $QEMU_IO --image-opts -c 'write -P 0x5c 0 2M' "$(qn 3 2)"
corrupt 1 0x5d 700k 3
run $QEMU_IO --image-opts -c 'read -P 0x5c 512k 1M' -c 'read -P 0x5c 0 2M' "$(qn 3 2)"
run $QEMU_IO --image-opts -c 'read 512k 1M' "$(qn 3 3)"
