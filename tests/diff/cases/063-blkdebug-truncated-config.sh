# Truncated config files: an unterminated last value and a file cut after
# the group header.
run $QEMU_IMG create -f raw t.raw 64k
printf '[inject-error]\nevent = "read_aio"\nerrno = "5' > t1.conf
printf '[inject-error]\n' > t2.conf
printf '[inject-error' > t3.conf
printf '[inject-error]\nevent = "read_aio"\nerrno' > t4.conf
for c in t1 t2 t3 t4; do
    run $QEMU_IO -f raw -c 'read 0 512' blkdebug:$c.conf:t.raw
done
