# iotype restricts the injected error to one kind of request.
run $QEMU_IMG create -f raw t.raw 64k
printf '[inject-error]\nevent = "write_aio"\nerrno = "5"\niotype = "read"\n' > r.conf
printf '[inject-error]\nevent = "read_aio"\nerrno = "5"\niotype = "write"\n' > w.conf
printf '[inject-error]\nevent = "read_aio"\nerrno = "5"\niotype = "write-zeroes"\n' > z.conf
printf '[inject-error]\nevent = "read_aio"\nerrno = "5"\niotype = "discard"\n' > d.conf
run $QEMU_IO -f raw -c 'write 0 512' -c 'read 0 512' -c 'write 0 512' blkdebug:r.conf:t.raw
run $QEMU_IO -f raw -c 'read 0 512' -c 'write 0 512' -c 'read 0 512' blkdebug:w.conf:t.raw
run $QEMU_IO -f raw -c 'read 0 512' -c 'write 0 512' -c 'write -z 0 512' blkdebug:z.conf:t.raw
run $QEMU_IO -f raw -c 'read 0 512' -c 'discard 0 512' -c 'write 0 512' blkdebug:d.conf:t.raw
