# A probed raw image refuses writes to block 0 that would change the
# probed format (qcow2 magic + version 3), elsewhere they are fine.
run $QEMU_IMG create -f raw t.raw 64k
printf 'QFI\373\0\0\0\003' > magic.bin
run $QEMU_IO -c 'write -s magic.bin 0 8' -c 'write -s magic.bin 512 8' \
    -c 'write -P 0x51 0 8' -c 'read -v 0 16' t.raw
run $QEMU_IO -f raw -c 'write -s magic.bin 0 8' -c 'read -v 0 8' t.raw
