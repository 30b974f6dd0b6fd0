# length, info, truncate and reopen on a quorum.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3 1M
run $QEMU_IO --image-opts -c 'length' -c 'info' -c 'truncate 2M' -c 'length' "$(qn 3 2)"
run $QEMU_IO --image-opts -c 'truncate 512k' "$(qn 3 2)"
run $QEMU_IO --image-opts -c 'reopen -r' -c 'read 0 512' "$(qn 3 2 node-name=q)"
