# qemu-bug: QEMU 7.2 negates a blkdebug errno of 2147483648 (INT_MIN once cut to an int), which overflows, and prints "Unknown error -2147483648"; we inject EIO, the default, instead
# expect-ours: 511-qemu-bug-blkdebug-errno-int-min.ours
# Errnos that do fit an int once cut are as in QEMU (4294967301 is 5).
run $QEMU_IMG create -f raw t.raw 64k
for e in 2147483648 2147483647 4294967301; do
    printf '[inject-error]\nevent = "read_aio"\nerrno = "%s"\n' $e > bd.conf
    run $QEMU_IO -f raw -c 'read 0 512' blkdebug:bd.conf:t.raw
done
run $QEMU_IO -c 'read 0 512' "json:{\"driver\":\"raw\",\"file\":{\"driver\":\"blkdebug\",\"inject-error.0.event\":\"read_aio\",\"inject-error.0.errno\":\"2147483648\",\"image\":{\"driver\":\"file\",\"filename\":\"t.raw\"}}}"
