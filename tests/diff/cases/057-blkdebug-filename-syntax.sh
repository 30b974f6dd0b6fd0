# blkdebug:CONFIG:IMAGE filename forms, including an empty config and
# missing parts.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -f raw -c 'write -P 5 0 512' -c 'read -P 5 0 512' blkdebug::t.raw
run $QEMU_IO -f raw -c 'read 0 512' blkdebug:t.raw
run $QEMU_IO -f raw -c 'read 0 512' blkdebug:nonexistent.conf:t.raw
run $QEMU_IO -f raw -c 'read 0 512' blkdebug::nonexistent.raw
run $QEMU_IO -c 'read -P 5 0 512' blkdebug::t.raw
