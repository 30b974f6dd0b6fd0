# Every threshold 1..3 over three replicas with one corrupted.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run $QEMU_IO --image-opts -c 'write -P 0x33 0 16k' "$(qn 3 1)"
corrupt 0 0x44 1k 1k
for t in 1 2 3 4; do
    run $QEMU_IO --image-opts -c 'read -P 0x33 0 4k' -c 'read -P 0x33 8k 4k' "$(qn 3 $t)"
done
