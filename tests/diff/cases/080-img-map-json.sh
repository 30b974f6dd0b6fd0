# qemu-img map --output=json on raw and null-co.
run $QEMU_IMG create -f raw t.raw 1M
run $QEMU_IO -f raw -c 'write -P 1 64k 64k' t.raw
run $QEMU_IMG map --output=json -f raw t.raw
run $QEMU_IMG map --output=json 'json:{"driver":"null-co","size":1536}'
run $QEMU_IMG map --output=json 'json:{"driver":"null-co","size":1536,"read-zeroes":true}'
run $QEMU_IMG map 'json:{"driver":"null-co","size":1536,"read-zeroes":true}'
run $QEMU_IMG map --output=bogus t.raw
run $QEMU_IMG map nonexistent.raw
