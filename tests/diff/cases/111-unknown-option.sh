# Options a driver does not know.
run $QEMU_IMG create -f raw t.raw 64k
run $QEMU_IO -c length 'json:{"driver":"raw","x":1,"file":{"driver":"file","filename":"t.raw"}}'
run $QEMU_IO -c 'open -o driver=raw,x=y t.raw'
run $QEMU_IO -c 'open -o x=y t.raw'
run $QEMU_IO -c length --image-opts driver=file,filename=t.raw,x=1
run $QEMU_IO -f raw -c length 'json:{"file":{"filename":"t.raw","x":1}}'
