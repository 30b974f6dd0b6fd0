# Read errors on 1..3 replicas against every threshold.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run $QEMU_IO --image-opts -c 'write -P 0x5a 0 64k' "$(qn 3 3)"
for t in 1 2 3; do
    run $QEMU_IO --image-opts -c 'read -P 0x5a 0 4k' \
        "$(quorum $t "$(bdchild 0 read_aio 5)" "$(bdchild 1 read_aio 5)" "$(child 2)")"
done
run $QEMU_IO --image-opts -c 'read 0 4k' \
    "$(quorum 1 "$(bdchild 0 read_aio 5)" "$(bdchild 1 read_aio 5)" "$(bdchild 2 read_aio 5)")"
