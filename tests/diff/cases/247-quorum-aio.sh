# aio_read and aio_write through a quorum, one request at a time.
. "$(dirname "${BASH_SOURCE[0]}")/quorum.inc"
imgs 3
run $QEMU_IO --image-opts -c 'aio_write -P 0x4a 0 8k' -c 'aio_flush' -c 'aio_read -P 0x4a 0 8k' \
    -c 'aio_flush' "$(qn 3 2)"
corrupt 0 0x4b 0 512
corrupt 1 0x4c 0 512
run $QEMU_IO --image-opts -c 'aio_read -P 0x4a 0 8k' -c 'aio_flush' -c 'aio_read -P 0x4a 512 1k' \
    -c 'aio_flush' "$(qn 3 2)"
