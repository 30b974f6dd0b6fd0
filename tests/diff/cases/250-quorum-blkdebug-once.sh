# One-shot errors: the first read reports, the next is clean.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run $QEMU_IO --image-opts -c 'write -P 0x5a 0 64k' "$(qn 3 3)"
run $QEMU_IO --image-opts -c 'read -P 0x5a 0 4k' -c 'read -P 0x5a 0 4k' \
    "$(quorum 3 "$(bdchild 0 read_aio 5 once)" "$(child 1)" "$(child 2)")"
run $QEMU_IO --image-opts -c 'write -P 0x5b 0 4k' -c 'write -P 0x5b 0 4k' -c 'read -P 0x5b 0 4k' \
    "$(quorum 3 "$(bdchild 0 write_aio 5 once)" "$(child 1)" "$(child 2)")"
