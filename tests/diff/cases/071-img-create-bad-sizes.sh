# qemu-img create with invalid sizes.
for s in 1x abc '' 1kk 9E 16E 18446744073709551615 1.5.5 0x10; do
    run $QEMU_IMG create -f raw a.raw "$s"
done
run $QEMU_IMG create -f raw a.raw -1
run $QEMU_IMG create -f raw a.raw
