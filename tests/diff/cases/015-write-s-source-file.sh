# write -s uses a file as the data source.
run $QEMU_IMG create -f raw t.raw 64k
printf 'Hello, qemu-io! 0123456789abcdefghijklmnopqrstuvwxyz' > src.bin
run $QEMU_IO -f raw -c 'write -s src.bin 0 32' -c 'read -v 0 48' \
    -c 'write -s src.bin 100 64' -c 'read -v 96 80' -c 'write -s nonexistent.bin 0 1' t.raw
