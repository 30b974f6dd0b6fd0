# qemu-io built-in help: command list and per-command help.
run $QEMU_IO -c 'help'
run $QEMU_IO -c 'help read' -c 'help write' -c 'help open'
run $QEMU_IO -c 'help readv' -c 'help writev' -c 'help aio_read' -c 'help aio_write'
run $QEMU_IO -c 'help length' -c 'help flush' -c 'help alloc' -c 'help map' -c 'help discard'
run $QEMU_IO -c 'help help' -c 'help nosuch' -c 'help quit' -c 'help close'
