# Write errors with errno 28 (ENOSPC) through every write command.
run $QEMU_IMG create -f raw t.raw 64k
printf '[inject-error]\nevent = "pwritev"\nerrno = "28"\n' > bd.conf
run $QEMU_IO -f raw -c 'write 0 512' -c 'read 0 512' -c 'aio_write 0 512' -c 'aio_flush' \
    -c 'writev 0 512' -c 'write -z 0 512' blkdebug:bd.conf:t.raw
