# qemu-img create with size suffixes.
for s in 0 1 512 1k 1K 1M 1G 1.5M 1b 3T; do
    run $QEMU_IMG create -f raw a.raw $s
    file_size a.raw
done
