# qemu-img info: human/json, filenames, --image-opts, -U, errors.
$QEMU_IMG create -q -f raw a.raw 1M
$QEMU_IO -f raw -c 'write -P 1 0 4k' -c 'write -z 64k 64k' a.raw >/dev/null
truncate -s 1000 odd.raw
run $QEMU_IMG info a.raw
run $QEMU_IMG info -f raw a.raw
run $QEMU_IMG info --output=json a.raw
run $QEMU_IMG info --output=json -f raw a.raw
run $QEMU_IMG info null-co://
run $QEMU_IMG info --output=json null-co://
run $QEMU_IMG info --image-opts driver=null-co,size=4096
run $QEMU_IMG info --output=json --image-opts driver=null-co,size=4096
run $QEMU_IMG info 'json:{"driver":"raw","file":{"driver":"file","filename":"a.raw"}}'
run $QEMU_IMG info --output=json 'json:{"driver":"raw","file":{"driver":"file","filename":"a.raw"}}'
run $QEMU_IMG info --backing-chain a.raw
run $QEMU_IMG info --backing-chain --output=json a.raw
run $QEMU_IMG info -U a.raw
run $QEMU_IMG info nonexist.raw
run $QEMU_IMG info --output=xml a.raw
run $QEMU_IMG info
run $QEMU_IMG info a.raw b.raw
run $QEMU_IMG info -f file a.raw
run $QEMU_IMG info --output=json -f file a.raw
run $QEMU_IMG info --image-opts 'driver=null-co,,size=1'
run $QEMU_IMG info --image-opts 'driver=null-co,size=1,size=2'
run $QEMU_IMG info --image-opts ''
run $QEMU_IMG info --image-opts ','
run $QEMU_IMG info --image-opts 'driver=null-co,id=x'
run $QEMU_IMG info -f raw --image-opts driver=null-co
run $QEMU_IMG info -U --image-opts driver=null-co,force-share=off
run $QEMU_IMG info -U --image-opts driver=null-co,force-share=on
run $QEMU_IMG info --image-opts driver=raw,file.driver=file,file.filename=a.raw,file.aio=threads
run $QEMU_IMG info --image-opts driver=file,filename=a.raw
run $QEMU_IMG info --output=json --image-opts driver=file,filename=a.raw,aio=io_uring
run $QEMU_IMG info --image-opts driver=null-co,size=1M,read-zeroes=on
run $QEMU_IMG info --image-opts driver=null-co,size=1000
run $QEMU_IMG info 'null-co://?'
run $QEMU_IMG info odd.raw
run $QEMU_IMG info --output=json 'json:{"driver":"null-co","size":1536}'
run $QEMU_IMG info 'json:{"driver":"raw","file":{"driver":"null-co","size":"1M"}}'
run $QEMU_IMG info --output=json 'json:{"driver":"raw","file":{"driver":"null-co","size":"1M"}}'
run $QEMU_IMG info --output=json --image-opts driver=raw,offset=4096,file.driver=file,file.filename=a.raw
run $QEMU_IMG info --output=json --image-opts driver=blkdebug,image.driver=file,image.filename=a.raw
run $QEMU_IMG info --output json a.raw
run $QEMU_IMG info --outp=json a.raw
run $QEMU_IMG info --image-opts
