# qemu-io command-line option errors.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO --bogus
run $QEMU_IO -f raw -t bogus -c length t.raw
run $QEMU_IO -f raw -d bogus -c length t.raw
run $QEMU_IO -f raw --aio=bogus -c length t.raw
run $QEMU_IO -f raw t.raw extra-argument
run $QEMU_IO -f
