# json: filename with dotted keys, and dotted/nested mixed.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -c 'write -P 8 0 512' \
    "json:{\"driver\":\"raw\",\"file.driver\":\"file\",\"file.filename\":\"$TEST_DIR/t.raw\"}"
run $QEMU_IO -c 'read -P 8 0 512' \
    "json:{\"driver\":\"raw\",\"file\":{\"driver\":\"file\"},\"file.filename\":\"t.raw\"}"
