# A replica that cannot be written: the vote over write errors.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run $QEMU_IO --image-opts -c 'write -P 0x62 0 4k' -c 'read -P 0x62 0 4k' "$(qn 3 2 children.2.read-only=on)"
run $QEMU_IO --image-opts -c 'write -P 0x63 0 4k' "$(qn 3 2 children.1.read-only=on,children.2.read-only=on)"
run $QEMU_IO --image-opts -c 'write -P 0x63 0 4k' "$(qn 3 1 children.1.read-only=on,children.2.read-only=on)"
check 0 0x63 0 4k
check 2 0 0 4k
