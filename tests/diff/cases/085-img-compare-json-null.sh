# qemu-img compare against json: filenames and null-co.
run $QEMU_IMG create -f raw a.raw 1M
run $QEMU_IMG create -f raw b.raw 1M
run $QEMU_IO -f raw -c 'write -P 1 4096 512' b.raw
run $QEMU_IMG compare -f raw a.raw "json:{\"driver\":\"raw\",\"file\":{\"driver\":\"file\",\"filename\":\"b.raw\"}}"
run $QEMU_IMG compare -f raw a.raw 'json:{"driver":"null-co","size":1048576,"read-zeroes":true}'
run $QEMU_IMG compare -f raw b.raw 'json:{"driver":"null-co","size":"1M","read-zeroes":"on"}'
