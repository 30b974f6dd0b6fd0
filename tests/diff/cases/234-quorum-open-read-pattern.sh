# Open errors: read-pattern must be exactly fifo or quorum.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 2
for p in fifo quorum FIFO Quorum foo '' 'fifo '; do
    run $QEMU_IO --image-opts -c 'read 0 512' "$(qn 2 1 "read-pattern=$p")"
done
run $QEMU_IO --image-opts -c 'read 0 512' "$(qn 2 5 read-pattern=foo)"
