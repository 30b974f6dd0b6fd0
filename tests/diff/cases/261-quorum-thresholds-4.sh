# Four replicas, one corrupted: thresholds 1..4, and two corrupted alike.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 4
run $QEMU_IO --image-opts -c 'write -P 0x15 0 64k' "$(qn 4 4)"
corrupt 3 0x16 0 1k
for t in 1 2 3 4; do
    run $QEMU_IO --image-opts -c 'read -P 0x15 0 1k' "$(qn 4 $t)"
done
corrupt 1 0x16 0 1k
for t in 1 2 3; do
    run $QEMU_IO --image-opts -c 'read -P 0x16 0 1k' "$(qn 4 $t)"
done
