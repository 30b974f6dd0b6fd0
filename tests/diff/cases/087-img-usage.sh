# qemu-img usage errors: no command, unknown command, unknown option.
run $QEMU_IMG
run $QEMU_IMG nosuchcmd
run $QEMU_IMG --bogus
run $QEMU_IMG info --bogus x
