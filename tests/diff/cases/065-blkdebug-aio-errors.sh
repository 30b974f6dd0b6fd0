# Errors reported by aio_read/aio_write completions.
run $QEMU_IMG create -f raw t.raw 64k
printf '[inject-error]\nevent = "read_aio"\nerrno = "5"\nsector = "16"\n' > bd.conf
run $QEMU_IO -f raw -c 'read 0 512' -c 'aio_read 8k 512' -c 'aio_flush' \
    -c 'aio_write 8k 512' -c 'aio_flush' -c 'aio_read 0 512' -c 'aio_flush' blkdebug:bd.conf:t.raw
