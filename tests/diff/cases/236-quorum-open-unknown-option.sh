# Unknown options are refused by the block layer, after quorum checks.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 2
run $QEMU_IO --image-opts -c 'read 0 512' "$(qn 2 1 foo=bar)"
run $QEMU_IO --image-opts -c 'read 0 512' "$(qn 2 1 foo=bar,zzz=1)"
run $QEMU_IO --image-opts -c 'read 0 512' "$(qn 2 3 foo=bar)"
run $QEMU_IO --image-opts -c 'read 0 512' "$(qn 2 1 children.0.foo=1)"
run $QEMU_IO --image-opts -c 'read 0 512' "$(qn 2 1 threshold=1)"
run $QEMU_IO --image-opts -c 'read 0 512' "$(qn 2 1 filename=c0.raw)"
