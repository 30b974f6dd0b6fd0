# Unknown commands and empty command strings.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -f raw -c 'foo' -c 'help foo' -c 'READ 0 1' t.raw
run $QEMU_IO -f raw -c '' -c '   ' -c 'read  0   512' t.raw
run $QEMU_IO -c 'nosuchcommand arg'
