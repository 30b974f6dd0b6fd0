# reopen between read-only and read-write; options that cannot change.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -c 'open -r -o driver=raw t.raw' -c 'reopen -w' -c 'write -P 1 0 1'
run $QEMU_IO -c 'open -o driver=raw t.raw' -c 'reopen -r' -c 'write 0 1' -c 'read -P 1 0 1'
run $QEMU_IO -c 'open -o driver=raw t.raw' -c 'reopen -o bogus=1' -c 'reopen -r -w' \
    -c 'reopen -c bogus' -c 'reopen x'
run $QEMU_IO -c 'reopen -r'
