# flush_to_disk as the triggering event, with and without iotype.
run $QEMU_IMG create -f raw t.raw 64k
printf '[inject-error]\nevent = "flush_to_disk"\nerrno = "5"\niotype = "flush"\n' > a.conf
printf '[inject-error]\nevent = "flush_to_disk"\nerrno = "5"\n' > b.conf
run $QEMU_IO -f raw -c 'flush' -c 'write 0 512' -c 'flush' -c 'read 0 512' -c 'flush' blkdebug:a.conf:t.raw
run $QEMU_IO -f raw -c 'flush' -c 'write 0 512' -c 'flush' -c 'read 0 512' -c 'flush' blkdebug:b.conf:t.raw
