# blkdebug sector matching: only requests touching the sector fail.
run $QEMU_IMG create -f raw t.raw 64k
printf '[inject-error]\nevent = "read_aio"\nerrno = "5"\nsector = "1"\n' > bd.conf
run $QEMU_IO -f raw -c 'read 0 512' -c 'read 512 512' -c 'read 0 1k' -c 'read 511 2' \
    -c 'read 1024 1' -c 'write 512 512' blkdebug:bd.conf:t.raw
