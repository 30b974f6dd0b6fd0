# qemu-img create -o size= and its interaction with a positional size.
run $QEMU_IMG create -f raw -o size=2M a.raw
file_size a.raw
run $QEMU_IMG create -f raw -o size=2M a.raw 1M
run $QEMU_IMG create -f raw -o size=1x a.raw
run $QEMU_IMG create -f raw -o bogus=1 a.raw 1M
run $QEMU_IMG create -f raw -o help
run $QEMU_IMG create -f raw -o size=64k,preallocation=falloc b.raw
file_size b.raw
run $QEMU_IMG create -f raw -o preallocation=bogus c.raw 64k
