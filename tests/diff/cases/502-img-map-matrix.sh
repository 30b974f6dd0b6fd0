# qemu-img map: human/json, ranges, null-co, raw offset/size, wrap of --max-length.
$QEMU_IMG create -q -f raw a.raw 1M
$QEMU_IO -f raw -c 'write -P 1 0 4k' -c 'write -z 64k 64k' a.raw >/dev/null
truncate -s 1000 odd.raw
run $QEMU_IMG map a.raw
run $QEMU_IMG map --output=json a.raw
run $QEMU_IMG map -f raw a.raw
run $QEMU_IMG map null-co://
run $QEMU_IMG map --output=json null-co://
run $QEMU_IMG map --image-opts driver=null-co,size=4096
run $QEMU_IMG map --output=json --image-opts driver=null-co,size=4096,read-zeroes=on
run $QEMU_IMG map --output=json --start-offset=4k --max-length=100k a.raw
run $QEMU_IMG map --start-offset=4k --max-length=100k a.raw
run $QEMU_IMG map --start-offset=2M a.raw
run $QEMU_IMG map --start-offset=-1 a.raw
run $QEMU_IMG map --start-offset=x a.raw
run $QEMU_IMG map --max-length=x a.raw
run $QEMU_IMG map --max-length=0 a.raw
run $QEMU_IMG map --output=json -f file a.raw
run $QEMU_IMG map
run $QEMU_IMG map --output=foo a.raw
run $QEMU_IMG map --image-opts driver=raw,file.driver=file,file.filename=a.raw
run $QEMU_IMG map --output=json --max-length=0 a.raw
run $QEMU_IMG map --output=json --start-offset=2M a.raw
run $QEMU_IMG map --output=json --start-offset=1M a.raw
run $QEMU_IMG map --output=json --start-offset=1 --max-length=4096 a.raw
run $QEMU_IMG map --output=json --image-opts driver=null-co,size=0
run $QEMU_IMG map --output=json --start-offset=1k --max-length=1k a.raw
run $QEMU_IMG map --output=json odd.raw
run $QEMU_IMG map odd.raw
printf x | dd of=odd.raw conv=notrunc 2>/dev/null
run $QEMU_IMG map --output=json odd.raw
run $QEMU_IMG map odd.raw
run $QEMU_IMG map --output=json --image-opts driver=raw,offset=4096,size=8192,file.driver=file,file.filename=a.raw
run $QEMU_IMG map --image-opts driver=raw,offset=2048,size=8192,file.driver=file,file.filename=a.raw
run $QEMU_IMG map --output=json 'json:{"driver":"null-co","size":1536,"read-zeroes":true}'
run $QEMU_IMG map 'json:{"driver":"null-co","size":1536,"read-zeroes":true}'
run $QEMU_IMG map --output=json 'json:{"driver":"raw","file":{"driver":"null-co","size":1536,"read-zeroes":true}}'
run $QEMU_IMG map --output=json --max-length=9223372036854775807 --start-offset=1 a.raw
run $QEMU_IMG map nonexistent.raw
