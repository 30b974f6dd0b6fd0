# Flush errors: with the default writethrough cache the write itself fails
# (its implicit flush fails); with writeback the write succeeds and the
# flush command fails silently with exit status 1.
run $QEMU_IMG create -f raw t.raw 64k
printf '[inject-error]\nevent = "flush_to_os"\nerrno = "5"\niotype = "flush"\n' > f.conf
run $QEMU_IO -f raw -c 'flush' -c 'write 0 512' -c 'flush' -c 'read 0 512' blkdebug:f.conf:t.raw
run $QEMU_IO -t writeback -f raw -c 'write 0 512' -c 'flush' -c 'write 0 512' blkdebug:f.conf:t.raw
run $QEMU_IO -t writeback -f raw -c 'write 0 512' -c 'f' -c 'write -f 0 512' blkdebug:f.conf:t.raw
