# Scattered buffers through the vote (caller buffers and bounce buffers).
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run $QEMU_IO --image-opts -c 'writev -P 0x48 0 512 1k 100 412' -c 'readv -P 0x48 0 100 2k 12 936' "$(qn 3 2)"
corrupt 1 0x49 1000 200
run $QEMU_IO --image-opts -c 'readv -P 0x48 0 1k 512 100 412' -c 'readv -v 990 7 13' "$(qn 3 2)"
run $QEMU_IO --image-opts -c 'readv -P 0x48 0 1k 512 100 412' "$(qn 3 3)"
