# read -v shows the winning version byte for byte.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run $QEMU_IO --image-opts -c 'write -P 0x30 0 4k' "$(qn 3 2)"
run $QEMU_IO -f raw -c 'write -P 0x41 16 8' c0.raw
run $QEMU_IO -f raw -c 'write -P 0x42 20 8' c1.raw
run $QEMU_IO --image-opts -c 'read -v 0 48' "$(qn 3 1)"
run $QEMU_IO --image-opts -c 'read -v 0 48' "$(qn 3 2)"
run $QEMU_IO --image-opts -c 'read -v 0 16' -c 'read -v 32 16' "$(qn 3 3)"
