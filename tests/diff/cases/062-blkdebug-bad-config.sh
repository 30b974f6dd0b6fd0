# Malformed blkdebug config files: garbage, unknown group, bad values,
# missing event, unknown parameter, unterminated quote.
run $QEMU_IMG create -f raw t.raw 64k
printf 'garbage\n' > g1.conf
printf '[inject-error]\nevent = "nosuch"\n' > g2.conf
printf '[inject-error]\nerrno = "5"\n' > g3.conf
printf '[inject-error]\nevent = "read_aio"\nbogus = "5"\n' > g4.conf
printf '[foo]\nevent = "read_aio"\n' > g5.conf
printf '[inject-error]\nevent = "read_aio"\niotype = "bogus"\n' > g6.conf
printf '[inject-error]\nevent = "read_aio"\nerrno = "x"\n' > g7.conf
for c in g1 g2 g3 g4 g5 g6 g7; do
    run $QEMU_IO -f raw -c 'read 0 512' blkdebug:$c.conf:t.raw
done
