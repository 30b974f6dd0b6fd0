# rewrite-corrupted=on needs writable replicas: a read-only open fails.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run $QEMU_IO -r --image-opts -c 'read 0 512' "$(qn 3 2 rewrite-corrupted=on)"
run $QEMU_IO -r --image-opts -c 'read 0 512' "$(qn 3 2 rewrite-corrupted=off)"
run $QEMU_IO -r --image-opts -c 'read 0 512' "$(qn 3 2 rewrite-corrupted=on,read-pattern=fifo)"
run $QEMU_IO -c "open -r -o $(qn 3 2 rewrite-corrupted=on)" -c 'read 0 512'
