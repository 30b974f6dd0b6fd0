# A rule without sector/once/iotype hits every request after the event.
run $QEMU_IMG create -f raw t.raw 64k
printf '[inject-error]\nevent = "read_aio"\nerrno = "5"\n' > bd.conf
run $QEMU_IO -f raw -c 'read 0 512' -c 'aio_read 0 512' -c 'aio_flush' -c 'readv 0 512' \
    -c 'write 0 512' -c 'read -v 0 16' blkdebug:bd.conf:t.raw
