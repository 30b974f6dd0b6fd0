# Five replicas, two corrupted alike: thresholds 1..5.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 5
run $QEMU_IO --image-opts -c 'write -P 0x61 0 64k' "$(qn 5 5)"
corrupt 1 0x62 0 2k
corrupt 3 0x62 0 2k
for t in 1 2 3 4 5; do
    run $QEMU_IO --image-opts -c 'read -P 0x61 0 2k' -c 'read -P 0x61 2k 2k' "$(qn 5 $t)"
done
