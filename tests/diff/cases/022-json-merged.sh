# json: options merge with -f, open -o and probing.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -f raw -c 'write -P 9 0 512' "json:{\"file\":{\"filename\":\"t.raw\"}}"
run $QEMU_IO -c 'read -P 9 0 512' "json:{\"file.filename\":\"t.raw\"}"
run $QEMU_IO -c 'open -o driver=raw json:{"file":{"driver":"file","filename":"t.raw"}}' \
    -c 'read -P 9 0 512'
