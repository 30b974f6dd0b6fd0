# Open errors: blkverify and rewrite-corrupted are booleans.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 2
for v in on off yes no true false maybe 1 ''; do
    run $QEMU_IO --image-opts -c 'read 0 512' "$(qn 2 2 "blkverify=$v")"
    run $QEMU_IO --image-opts -c 'read 0 512' "$(qn 2 2 "rewrite-corrupted=$v")"
done
run $QEMU_IO --image-opts -c 'read 0 512' "$(qn 2 2 blkverify=maybe,read-pattern=bar)"
