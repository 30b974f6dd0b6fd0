# A blkverify exit flushes what qemu-io buffered before it.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 2
run $QEMU_IO --image-opts -c 'write -P 0x5a 0 8k' "$(qn 2 2)"
corrupt 0 0x11 7k 1
run $QEMU_IO --image-opts -c 'read -v 0 16' -c 'length' -c 'read 4k 4k' -c 'read 0 4k' \
    "$(qn 2 2 blkverify=on)"
