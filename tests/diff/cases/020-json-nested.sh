# json: filename with nested objects.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -c 'write -P 7 0 512' -c 'read -P 7 0 512' -c 'length' \
    "json:{\"driver\":\"raw\",\"file\":{\"driver\":\"file\",\"filename\":\"$TEST_DIR/t.raw\"}}"
run $QEMU_IO -f raw -c 'read -P 7 0 512' t.raw
