# qemu-img create -o corner cases handled by QemuOpts parsing.
run $QEMU_IMG create -f raw -o help=1 a.raw 1M
run $QEMU_IMG create -f raw -o nohelp a.raw 1M
run $QEMU_IMG create -f raw -o id=foo a.raw 1M
run $QEMU_IMG create -f raw -o size=1M,,x a.raw
run $QEMU_IMG create -f raw -o '?' a.raw
