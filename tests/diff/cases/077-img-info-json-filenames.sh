# qemu-img info on json: filenames and --image-opts.
run $QEMU_IMG create -f raw t.raw 1M
run $QEMU_IMG info "json:{\"driver\":\"raw\",\"file\":{\"driver\":\"file\",\"filename\":\"t.raw\"}}"
run $QEMU_IMG info 'json:{"driver":"null-co","size":1536}'
run $QEMU_IMG info --output=json 'json:{"driver":"null-co","size":1536}'
run $QEMU_IMG info --image-opts driver=null-co,size=1536
run $QEMU_IMG info --image-opts driver=raw,file.driver=file,file.filename=t.raw
