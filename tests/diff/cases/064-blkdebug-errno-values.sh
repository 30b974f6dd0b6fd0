# Different errno values map to their strerror() text.
run $QEMU_IMG create -f raw t.raw 64k
for e in 1 5 12 22 28 95; do
    printf '[inject-error]\nevent = "read_aio"\nerrno = "%s"\n' $e > e$e.conf
    run $QEMU_IO -f raw -c 'read 0 512' -c 'read 0 512' blkdebug:e$e.conf:t.raw
done
